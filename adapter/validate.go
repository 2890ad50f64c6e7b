package adapter

// validate checks the unstruct event against its Iglu schema and turns a
// failure into a schema_violations bad row.
func (p *Predictor) validate(cp CollectorPayload, pred *Prediction) {}
