package iglu

// Validator validates self-describing JSON with Snowplow's semantics.
type Validator struct{}
