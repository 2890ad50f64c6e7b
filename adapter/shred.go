package adapter

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sgkit/sgkit/redshift"
)

// shred fills Row and RowIssues from a good event: the unstruct event of
// the raw event's ue_pr is shredded into p.Table following its jsonpaths,
// and the row is checked against the table.
//
// root_id is the enriched event_id and root_tstamp the collector_tstamp.
// Without an eid parameter enrich generates a random UUID as event_id, and
// without a known receive time (sgkit predict --timestamp) collector_tstamp
// is the moment the collector gets the request; no prediction can know
// either. The row then shows the column as null with a not_predicted issue
// instead of not_null: every loaded row holds a value there, so the NULL is
// a gap in the prediction, not a row the warehouse rejects.
func (p *Predictor) shred(cp CollectorPayload, pred *Prediction) {
	ev, err := shredInput(cp, pred)
	if err == nil {
		var row redshift.Row
		if row, err = p.Table.Shred(ev); err == nil {
			pred.Row = row.Map()
			for _, issue := range redshift.Check(row) {
				if issue.Rule == redshift.RuleNotNull {
					switch {
					case issue.Column == "root_id" && ev.EventID == "":
						issue.Rule = redshift.RuleNotPredicted
						issue.Detail = "the request has no eid, so enrich generates a random event_id that " +
							"sgkit cannot predict; the loaded row holds that UUID"
					case issue.Column == "root_tstamp" && ev.CollectorTstamp.IsZero():
						issue.Rule = redshift.RuleNotPredicted
						issue.Detail = "root_tstamp is collector_tstamp, the time the collector receives the " +
							"request, which sgkit knows only when given (sgkit predict --timestamp); the loaded row holds it"
					}
				}
				pred.RowIssues = append(pred.RowIssues, RowIssue(issue))
			}
			return
		}
	}
	// A good event that cannot be shredded is a gap in the model, not a
	// warehouse finding; it is reported rather than dropped.
	pred.RowIssues = append(pred.RowIssues, RowIssue{
		Column: "",
		Rule:   "shred",
		Detail: "the event could not be shredded into " + p.Table.QualifiedName() + ": " + err.Error(),
	})
}

// shredInput gathers what the shredder needs from the prediction.
func shredInput(cp CollectorPayload, pred *Prediction) (redshift.Event, error) {
	if pred.RawEvent == nil {
		return redshift.Event{}, fmt.Errorf("the prediction has no raw event")
	}
	uePr, ok := pred.RawEvent.Parameters["ue_pr"]
	if !ok {
		return redshift.Event{}, fmt.Errorf("the raw event has no ue_pr parameter")
	}
	var envelope struct {
		Data struct {
			Schema string         `json:"schema"`
			Data   map[string]any `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(uePr), &envelope); err != nil {
		return redshift.Event{}, fmt.Errorf("ue_pr is not an unstruct_event JSON: %w", err)
	}

	ev := redshift.Event{SchemaURI: envelope.Data.Schema, Data: envelope.Data.Data}
	if id, ok := pred.Event["event_id"].(string); ok {
		ev.EventID = id
	}
	ev.CollectorTstamp = collectorTstamp(cp, pred.Event["collector_tstamp"])
	return ev, nil
}

// collectorTstamp reads the predicted collector_tstamp in the Analytics
// SDK's ISO form or enrich's TSV form, falling back to the payload's time.
func collectorTstamp(cp CollectorPayload, v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.000"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t
			}
		}
	}
	return cp.Timestamp
}
