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
	// MaxBytes is the collector's good sink maxBytes: a serialized payload
	// of at least this size becomes a size_violation row. Zero means no limit.
	MaxBytes int
	// MaxPayloadSize is the collector's networking.maxPayloadSize, which
	// only changes the size_violation message; zero means no limit.
	MaxPayloadSize int64
}

// Default returns a Predictor that validates against the embedded Iglu
// schemas, shreds into the shipped Redshift table and applies the size
// limits of a stream collector 3.4.0 with Kinesis, Kafka or NSQ sink and
// default configuration (DefaultMaxBytes, DefaultMaxPayloadSize).
func Default() *Predictor {
	return &Predictor{
		Validator: iglu.Default(), Table: redshift.StatusChangeTable(),
		MaxBytes: DefaultMaxBytes, MaxPayloadSize: DefaultMaxPayloadSize,
	}
}

// Predict returns what the pipeline makes of one collector payload: a good
// event with its raw event, enriched fields and row, or a bad row. It returns
// an error only for a payload outside the model: a path that is not
// /vendor/version (the collector responds 404) or one that enrich routes to
// another of its adapters (Snowplow tracker protocol, Mailchimp, ...), which
// sgkit does not model. Any other vendor/version gets enrich's
// adapter_failures row.
func (p *Predictor) Predict(cp CollectorPayload) (Prediction, error) {
	pred, err := p.adapt(&cp)
	if err != nil {
		return Prediction{}, err
	}
	// Enrich's first phase checks the atomic fields (eid, p, ttm) and
	// validates the unstruct event, and one schema_violations row reports
	// the failures of both. The length check belongs to a later phase and
	// runs only when the first found nothing.
	var violation *igluViolation
	if pred.Outcome == Good && p.Validator != nil {
		violation = p.validate(&pred)
	}
	if violation != nil || len(pred.atomicErrs) > 0 {
		p.schemaViolationsRow(cp, &pred, pred.atomicErrs, violation)
	}
	if pred.Outcome == Good {
		p.checkAtomicLengths(cp, &pred)
	}
	if pred.Outcome == Good && p.Table != nil {
		p.shred(cp, &pred)
	}
	return pred, nil
}

func (p *Predictor) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now().UTC()
}
