package redshift

// Table is the model of one Redshift table definition.
type Table struct{}
