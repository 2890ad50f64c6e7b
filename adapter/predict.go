package adapter

import (
	"time"

	"github.com/sgkit/sgkit/iglu"
	"github.com/sgkit/sgkit/redshift"
)

// Predictor models a Snowplow collector and enrich for StatusGator requests.
// The zero value predicts the collector and adapter steps only; set
// Validator and Table to also validate against the Iglu schema and shred
// into the Redshift row.
type Predictor struct {
	// Now returns the processing time written into bad rows; time.Now when nil.
	Now func() time.Time
	// Validator validates the unstruct event as enrich does; nil skips validation.
	Validator *iglu.Validator
	// Table is the Redshift table a good event is shredded into; nil skips shredding.
	Table *redshift.Table
}

// Predict returns what the pipeline makes of one collector payload: a good
// event with its raw event, enriched fields and row, or a bad row.
func (p *Predictor) Predict(cp CollectorPayload) Prediction {
	pred := p.adapt(cp)
	if pred.Outcome == Good && p.Validator != nil {
		p.validate(cp, &pred)
	}
	if pred.Outcome == Good && p.Table != nil {
		p.shred(cp, &pred)
	}
	return pred
}

func (p *Predictor) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now().UTC()
}
