package adapter

// shred fills Row and RowIssues from a good event.
func (p *Predictor) shred(cp CollectorPayload, pred *Prediction) {}
