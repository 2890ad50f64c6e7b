package iglu

// Validator validates self-describing JSON with Snowplow's semantics.
type Validator struct{}

// Default returns a Validator that resolves schemas from the embedded
// static repository only.
func Default() *Validator { return &Validator{} }
