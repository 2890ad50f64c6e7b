package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sgkit/sgkit/adapter"
)

// Check names, one per kind of comparison.
const (
	// CheckResponse: the collector responded 200 to the request.
	CheckResponse = "collector response"
	// CheckAccounted: exactly one good event or bad row shows the request,
	// and nothing tagged with the run's aid is left unmatched.
	CheckAccounted = "accounted for"
	// CheckOutcome: good or bad, and the bad row type, as predicted.
	CheckOutcome = "outcome"
	// CheckRawEvent: the adapter's tracker-protocol parameters.
	CheckRawEvent = "raw event"
	// CheckEnriched: the predictable atomic fields of the enriched event.
	CheckEnriched = "enriched fields"
	// CheckUnstruct: the unstruct event, its schema and every data field.
	CheckUnstruct = "unstruct event"
	// CheckBadRow: the bad row's schema and data, messages included.
	CheckBadRow = "bad row"
	// CheckIglu: the observed unstruct event is valid against its schema.
	CheckIglu = "iglu schema"
	// CheckRow: the observed event shreds into the predicted Redshift row.
	CheckRow = "redshift row"
	// CheckRowIssues: the shredded row fits the table definition, apart from
	// issues the reference model predicts for real Snowplow too.
	CheckRowIssues = "redshift row issues"
)

// checkNames is every check, in report order.
var checkNames = []string{
	CheckResponse, CheckAccounted, CheckOutcome, CheckRawEvent, CheckEnriched,
	CheckUnstruct, CheckBadRow, CheckIglu, CheckRow, CheckRowIssues,
}

// unstructEventField is the enriched event field holding the unstruct
// event; CheckUnstruct compares it, so CheckEnriched skips it.
const unstructEventField = "unstruct_event"

// evaluator compares each case with what was observed and fills a Report.
type evaluator struct {
	report  *Report
	counts  map[string]*Check
	timeout time.Duration
	// warehouse validates and shreds observed good events.
	warehouse warehouse
}

func newEvaluator(report *Report, timeout time.Duration) *evaluator {
	e := &evaluator{report: report, counts: map[string]*Check{}, timeout: timeout, warehouse: defaultWarehouse()}
	for _, name := range checkNames {
		e.counts[name] = &Check{Name: name}
	}
	return e
}

// caseEval collects one case's mismatches per check.
type caseEval struct {
	c       Case
	applied map[string]bool
	found   []Mismatch
}

func (ce *caseEval) apply(check string) { ce.applied[check] = true }

func (ce *caseEval) fail(check, field, expected, actual string) {
	ce.applied[check] = true
	ce.found = append(ce.found, Mismatch{Check: check, Event: ce.c.EventID, Case: ce.c.Name,
		Field: field, Expected: expected, Actual: actual})
}

func (ce *caseEval) diffs(check string, ds []difference) {
	ce.apply(check)
	for _, d := range ds {
		ce.fail(check, d.Field, d.Expected, d.Actual)
	}
}

// evaluate compares one case with its collector response and
// observations. foreign are observations with the case's eid but another
// run's aid; they only explain a case with no observation.
func (e *evaluator) evaluate(c Case, resp response, obs, foreign []observation) {
	e.evaluateWith(c, resp, obs, foreign, true)
}

// evaluateWith compares one case. The accounted-for check applies only
// when accounted is true, which it is not for a request the collector
// rejected.
func (e *evaluator) evaluateWith(c Case, resp response, obs, foreign []observation, accounted bool) {
	ce := &caseEval{c: c, applied: map[string]bool{}}
	result := EventResult{Event: c.EventID, Case: c.Name, Expected: describePrediction(c.Prediction),
		Observed: "nothing"}

	e.checkResponse(ce, resp)
	switch {
	case !accounted:
	case len(obs) == 0 && len(foreign) > 0:
		ce.fail(CheckAccounted, "observations", "1 good event or bad row",
			fmt.Sprintf("none within %s with this run's app_id; %d with this eid and app_id %q "+
				"(another run with the same --seed, or a pipeline that changes app_id)",
				e.timeout, len(foreign), foreign[0].AppID))
	case len(obs) == 0:
		ce.fail(CheckAccounted, "observations", "1 good event or bad row",
			fmt.Sprintf("none within %s", e.timeout))
	case len(obs) == 1:
		ce.apply(CheckAccounted)
	default:
		kinds := make([]string, len(obs))
		for i, o := range obs {
			kinds[i] = describeObservation(o)
		}
		ce.fail(CheckAccounted, "observations", "1 good event or bad row",
			fmt.Sprintf("%d: %s", len(obs), strings.Join(kinds, ", ")))
	}
	if len(obs) > 0 {
		// Duplicates are reported above; the first observation is compared.
		o := obs[0]
		result.Observed = describeObservation(o)
		e.compare(ce, o)
	}

	result.Checks = map[string]bool{}
	failed := map[string]bool{}
	for _, m := range ce.found {
		failed[m.Check] = true
	}
	for _, name := range checkNames {
		if !ce.applied[name] {
			continue
		}
		result.Checks[name] = !failed[name]
		if failed[name] {
			e.counts[name].Failed++
		} else {
			e.counts[name].Passed++
		}
	}
	e.report.Mismatches = append(e.report.Mismatches, ce.found...)
	e.report.Events = append(e.report.Events, result)
}

func (e *evaluator) checkResponse(ce *caseEval, resp response) {
	switch {
	case resp.Err != nil:
		ce.fail(CheckResponse, "response", "200 OK", "no response: "+resp.Err.Error())
	case resp.Status != 200:
		ce.fail(CheckResponse, "response", "200 OK", fmt.Sprintf("%d %s", resp.Status, http.StatusText(resp.Status)))
	default:
		ce.apply(CheckResponse)
	}
}

// compare runs every check that applies to the predicted and observed
// outcomes.
func (e *evaluator) compare(ce *caseEval, o observation) {
	pred := ce.c.Prediction
	expected, actual := describePrediction(pred), describeObservation(o)
	if expected != actual {
		ce.fail(CheckOutcome, "outcome", expected, actual)
		return
	}
	ce.apply(CheckOutcome)

	switch {
	case pred.RawEvent == nil:
	case o.Params == nil:
		ce.fail(CheckRawEvent, "rawEvent", "a raw event with the predicted parameters", "none")
	default:
		ce.diffs(CheckRawEvent, diffJSON("parameters", pred.RawEvent.Parameters, o.Params, diffOptions{Strict: true}))
	}
	if pred.Outcome == adapter.Good {
		e.compareGood(ce, o)
		return
	}
	e.compareBad(ce, o)
}

func (e *evaluator) compareGood(ce *caseEval, o observation) {
	pred := ce.c.Prediction
	hasNUID := queryHas(ce.c.Request.Query, "nuid")

	expectedFields := map[string]any{}
	for k, v := range pred.Event {
		if k != unstructEventField {
			expectedFields[k] = v
		}
	}
	ce.diffs(CheckEnriched, diffJSON("", expectedFields, o.Event, diffOptions{
		Ignore: func(path string) bool { return ignoredEventField(path, hasNUID) },
	}))

	if want, ok := expectedUnstruct(pred); ok {
		ce.diffs(CheckUnstruct, diffJSON(unstructEventField, want, valueOrAbsent(o.Event, unstructEventField),
			diffOptions{Strict: true}))
	}

	if errs, ran := e.warehouse.validate(context.Background(), o.Event); ran {
		ce.apply(CheckIglu)
		for _, msg := range errs {
			ce.fail(CheckIglu, unstructEventField, "valid against its Iglu schema", msg)
		}
	}

	row, issues, err := e.warehouse.shred(o.Event)
	switch {
	case err != nil:
		ce.fail(CheckRow, "row", "a row of the Redshift table", err.Error())
	case row != nil && pred.Row != nil:
		ce.diffs(CheckRow, diffJSON("row", pred.Row, row, diffOptions{
			Strict: true,
			Ignore: func(path string) bool { return ignoredRowColumn(strings.TrimPrefix(path, "row.")) },
		}))
	}
	if row != nil {
		e.checkRowIssues(ce, issues)
	}
}

// checkRowIssues fails the row issues the reference model does not also
// predict. Predicted ones are listed as known issues, because real
// Snowplow's table definition has them too.
func (e *evaluator) checkRowIssues(ce *caseEval, issues []adapter.RowIssue) {
	ce.apply(CheckRowIssues)
	predicted := map[string]bool{}
	for _, is := range ce.c.Prediction.RowIssues {
		predicted[is.Column+"\x00"+is.Rule] = true
	}
	for _, is := range issues {
		if predicted[is.Column+"\x00"+is.Rule] {
			e.report.KnownIssues = append(e.report.KnownIssues, RowIssue{Event: ce.c.EventID, Case: ce.c.Name,
				Column: is.Column, Rule: is.Rule, Detail: is.Detail})
			continue
		}
		ce.fail(CheckRowIssues, "row."+is.Column, "fits "+is.Rule, is.Detail)
	}
}

func (e *evaluator) compareBad(ce *caseEval, o observation) {
	want := ce.c.Prediction.BadRow
	if want == nil {
		return
	}
	if o.BadRow == nil {
		ce.fail(CheckBadRow, "errors", "a bad row "+want.Schema, "no bad row JSON in the errors")
		return
	}
	ce.apply(CheckBadRow)
	if o.BadRow.Schema != want.Schema {
		ce.fail(CheckBadRow, "schema", want.Schema, o.BadRow.Schema)
		return
	}
	var data any
	if err := decodeNumbers(want.Data, &data); err != nil {
		ce.fail(CheckBadRow, "data", "predicted bad row data", "undecodable prediction: "+err.Error())
		return
	}
	kind := badRowType(want.Schema)
	ce.diffs(CheckBadRow, diffJSON("data", data, o.BadRowData, diffOptions{
		Strict:   true,
		Ignore:   func(path string) bool { return ignoredBadRowPath(kind, strings.TrimPrefix(path, "data.")) },
		JSONText: func(path string) bool { return isJSONTextPath(strings.TrimPrefix(path, "data.")) },
	}))
}

// expectedUnstruct returns the predicted unstruct event: the enriched
// field when the prediction has one, else the ue_pr parameter.
func expectedUnstruct(pred adapter.Prediction) (any, bool) {
	if v, ok := pred.Event[unstructEventField]; ok {
		return v, true
	}
	if pred.RawEvent == nil {
		return nil, false
	}
	uePr, ok := pred.RawEvent.Parameters["ue_pr"]
	if !ok {
		return nil, false
	}
	var v any
	if err := decodeNumbers([]byte(uePr), &v); err != nil {
		return nil, false
	}
	return v, true
}

// describePrediction names an outcome: "good", or "bad" and the bad row
// type, e.g. "bad adapter_failures".
func describePrediction(p adapter.Prediction) string {
	if p.Outcome == adapter.Bad && p.BadRow != nil {
		return "bad " + badRowType(p.BadRow.Schema)
	}
	return string(p.Outcome)
}

func describeObservation(o observation) string {
	if o.Outcome == adapter.Bad && o.BadRow != nil {
		return "bad " + badRowType(o.BadRow.Schema)
	}
	return string(o.Outcome)
}

// badRowType returns the name part of a bad row's Iglu URI, e.g.
// adapter_failures for
// iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0.
func badRowType(schema string) string {
	parts := strings.Split(strings.TrimPrefix(schema, "iglu:"), "/")
	if len(parts) >= 2 {
		return parts[1]
	}
	return schema
}

func valueOrAbsent(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	return absent
}

func queryHas(query, name string) bool {
	values, err := url.ParseQuery(query)
	if err != nil {
		return strings.Contains("&"+query, "&"+name+"=")
	}
	_, ok := values[name]
	return ok
}

// finish records every check's counts into the report in checkNames
// order; a check that applied to no event has zero counts.
func (e *evaluator) finish() {
	for _, name := range checkNames {
		e.report.Checks = append(e.report.Checks, *e.counts[name])
	}
}

// unmatched records an observation tagged with the run's aid that matches
// no sent request.
func (e *evaluator) unmatched(o observation) {
	id := o.EventID
	if id == "" {
		id = "(no eid)"
	}
	e.counts[CheckAccounted].Failed++
	e.report.Mismatches = append(e.report.Mismatches, Mismatch{
		Check: CheckAccounted, Event: id, Field: "event_id",
		Expected: "the eid of a request this run sent",
		Actual:   describeObservation(o) + " matching no sent request",
	})
}

// evaluateUnanswered records a case whose request the collector did not
// accept and that left no observation: only its response check applies.
func (e *evaluator) evaluateUnanswered(c Case, resp response) {
	e.evaluateWith(c, resp, nil, nil, false)
}
