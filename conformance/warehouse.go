package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/iglu"
	"github.com/sgkit/sgkit/redshift"
)

// warehouse checks an observed good event against the Iglu schema and the
// Redshift table, independently of the prediction.
type warehouse struct {
	validator *iglu.Validator
	table     *redshift.Table
}

func defaultWarehouse() warehouse {
	return warehouse{validator: iglu.Default(), table: redshift.StatusChangeTable()}
}

// validate returns the Iglu validation failures of the event's unstruct
// event: the envelope against unstruct_event 1-0-0, then its data against
// the schema it names, as enrich validates both. ran is false when the
// event has no unstruct event, which the unstruct event check reports.
func (w warehouse) validate(ctx context.Context, event map[string]any) (errs []string, ran bool) {
	envelope, ok := event[unstructEventField].(map[string]any)
	if !ok {
		return nil, false
	}
	inner, _ := envelope["data"].(map[string]any)
	for _, sdj := range []map[string]any{envelope, inner} {
		if sdj == nil {
			continue
		}
		key, reports, err := w.validator.ValidateSelfDescribing(ctx, []byte(render(sdj)))
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		for _, r := range reports {
			errs = append(errs, key.URI()+": "+r.Message)
		}
	}
	return errs, true
}

// shred returns the observed event's row in the status_change table and
// the row's issues. row is nil when the event is not a status_change
// event, which the unstruct event check reports.
func (w warehouse) shred(event map[string]any) (row map[string]*string, issues []adapter.RowIssue, err error) {
	unstruct, _ := event[unstructEventField].(map[string]any)
	inner, _ := unstruct["data"].(map[string]any)
	schema, _ := inner["schema"].(string)
	data, _ := inner["data"].(map[string]any)
	if schema != w.table.SchemaURI || data == nil {
		return nil, nil, nil
	}

	ev := redshift.Event{SchemaURI: schema, Data: plainJSON(data), EventID: stringField(event, "event_id")}
	if ts, ok := event["collector_tstamp"].(string); ok {
		// The Analytics SDK prints collector_tstamp as ISO 8601 in UTC.
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			ev.CollectorTstamp = t
		}
	}
	r, err := w.table.Shred(ev)
	if err != nil {
		return nil, nil, fmt.Errorf("shred into %s: %w", w.table.QualifiedName(), err)
	}
	for _, is := range redshift.Check(r) {
		issues = append(issues, adapter.RowIssue{Column: is.Column, Rule: is.Rule, Detail: is.Detail})
	}
	return r.Map(), issues, nil
}

// plainJSON turns json.Number values back into what encoding/json decodes
// by default, the form redshift.Event documents.
func plainJSON(m map[string]any) map[string]any {
	var out map[string]any
	raw := render(m)
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return m
	}
	return out
}
