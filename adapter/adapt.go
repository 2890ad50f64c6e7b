package adapter

// adapt runs the collector and enrich's StatusGator adapter and atomic
// field steps.
func (p *Predictor) adapt(cp CollectorPayload) (Prediction, error) {
	// TODO: placeholder until the adapter model lands.
	return Prediction{Outcome: Bad}, nil
}
