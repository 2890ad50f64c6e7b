package redshift

// Table is the model of one Redshift table definition.
type Table struct{}

// StatusChangeTable returns the model of the shipped
// atomic.com_statusgator_status_change_1 definition.
func StatusChangeTable() *Table { return &Table{} }
