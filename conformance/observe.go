package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/micro"
)

// observation is one good event or bad row read from Snowplow Micro.
type observation struct {
	Outcome adapter.Outcome
	// EventID is the eid the observation carries, as found; empty when it
	// has none (a size_violation bad row keeps only a prefix of the payload).
	EventID string
	// AppID is the aid the observation carries. A run leaves observations
	// of other runs alone unless their eid is unique to it (see match).
	AppID string
	// Params are the raw event parameters, nil when Micro has no raw event
	// (adapter failures and collector-level bad rows).
	Params map[string]*string
	// Event is the enriched event of a good observation, decoded with
	// json.Number for numbers.
	Event map[string]any
	// BadRow is the bad row of a bad observation, nil when none of its
	// errors holds one.
	BadRow *adapter.BadRow
	// BadRowData is BadRow.Data decoded.
	BadRowData map[string]any
	// Text is the observation as Micro returned it, searched for an eid when
	// no structured field holds one.
	Text string
}

// fetchObservations reads every good event and bad row of Micro.
func fetchObservations(ctx context.Context, client *micro.Client) ([]observation, error) {
	goods, err := client.Good(ctx, nil)
	if err != nil {
		return nil, &readError{Path: "/micro/good", Err: err}
	}
	bads, err := client.Bad(ctx, nil)
	if err != nil {
		return nil, &readError{Path: "/micro/bad", Err: err}
	}

	obs := make([]observation, 0, len(goods)+len(bads))
	for i, g := range goods {
		// Snowplow Micro 4.x keeps an event that failed validation as a bad
		// row and also as an incomplete good event (enrich's emitFailed).
		// The bad row is the one compared.
		if g.Incomplete {
			continue
		}
		o, err := decodeGood(g)
		if err != nil {
			return nil, fmt.Errorf("decode /micro/good element %d: %w", i, err)
		}
		obs = append(obs, o)
	}
	for i, b := range bads {
		o, err := decodeBad(b)
		if err != nil {
			return nil, fmt.Errorf("decode /micro/bad element %d: %w", i, err)
		}
		obs = append(obs, o)
	}
	return obs, nil
}

// readError is a failed read of one Micro path; the message is the
// client's, which names the path already.
type readError struct {
	Path string
	Err  error
}

func (e *readError) Error() string { return e.Err.Error() }

func (e *readError) Unwrap() error { return e.Err }

// checkMicro requests GET /micro/all, which every Snowplow Micro serves.
func checkMicro(ctx context.Context, client *micro.Client) error {
	if _, err := client.All(ctx); err != nil {
		return &ConnectionError{Flag: "micro", URL: client.BaseURL(),
			Err: fmt.Errorf("%w; point it at a Snowplow Micro or sgkit serve", err)}
	}
	return nil
}

func decodeGood(g micro.GoodEvent) (observation, error) {
	o := observation{Outcome: adapter.Good}
	if text, err := json.Marshal(g); err == nil {
		o.Text = string(text)
	}
	if err := decodeNumbers(g.Event, &o.Event); err != nil {
		return observation{}, fmt.Errorf("event: %w", err)
	}
	o.Params = rawEventParams(g.RawEvent)
	o.EventID = stringField(o.Event, "event_id")
	o.AppID = stringField(o.Event, "app_id")
	return o, nil
}

func decodeBad(b micro.BadEvent) (observation, error) {
	o := observation{Outcome: adapter.Bad}
	if text, err := json.Marshal(b); err == nil {
		o.Text = string(text)
	}
	o.Params = rawEventParams(b.RawEvent)
	o.BadRow, o.BadRowData = findBadRow(b.Errors)

	// The eid and aid as sent: first from the collector payload's query
	// string, then from the raw event, then from the bad row's own payload.
	query := payloadQuery(b.CollectorPayload)
	if query == nil && o.BadRowData != nil {
		if p, ok := o.BadRowData["payload"].(map[string]any); ok {
			query = nameValues(p["querystring"])
			if query == nil {
				if rawPayload, ok := p["raw"].(map[string]any); ok {
					query = nameValues(rawPayload["parameters"])
				}
			}
		}
	}
	if query == nil && o.Params != nil {
		query = map[string]string{}
		for k, v := range o.Params {
			if v != nil {
				query[k] = *v
			}
		}
	}
	o.EventID = query["eid"]
	o.AppID = query["aid"]
	return o, nil
}

// rawEventParams returns the parameters of a Micro raw event, which enrich
// encodes as an object of name to string or null.
func rawEventParams(raw json.RawMessage) map[string]*string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var re struct {
		Parameters map[string]*string `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &re); err != nil {
		return nil
	}
	return re.Parameters
}

// payloadQuery returns the query parameters of a Micro collector payload.
// Snowplow Micro encodes the query string as a list of "name=value"
// strings (its NameValuePair encoder); a raw query string and a list of
// {name, value} objects are read too.
func payloadQuery(raw json.RawMessage) map[string]string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var cp struct {
		QueryString any `json:"querystring"`
	}
	if err := json.Unmarshal(raw, &cp); err != nil {
		return nil
	}
	return nameValues(cp.QueryString)
}

// nameValues reads query parameters in any of the encodings payloadQuery
// lists; a repeated name keeps its last value, as in enrich.
func nameValues(v any) map[string]string {
	out := map[string]string{}
	switch q := v.(type) {
	case string:
		values, err := url.ParseQuery(q)
		if err != nil {
			// Enrich rejects such a query string; its parameters can still be
			// read one by one for matching.
			for _, part := range strings.Split(q, "&") {
				name, value, _ := strings.Cut(part, "=")
				out[name] = value
			}
			return out
		}
		for name, vs := range values {
			out[name] = vs[len(vs)-1]
		}
	case []any:
		for _, item := range q {
			switch pair := item.(type) {
			case string:
				name, value, _ := strings.Cut(pair, "=")
				out[name] = value
			case map[string]any:
				name, _ := pair["name"].(string)
				value, _ := pair["value"].(string)
				out[name] = value
			}
		}
	default:
		return nil
	}
	return out
}

// findBadRow returns the first element of a Micro bad event's errors that
// is a self-describing bad row. Micro puts a sentence first and the bad row
// JSON after it.
func findBadRow(errs []string) (*adapter.BadRow, map[string]any) {
	for _, e := range errs {
		text := strings.TrimSpace(e)
		if !strings.HasPrefix(text, "{") {
			continue
		}
		var row adapter.BadRow
		if err := json.Unmarshal([]byte(text), &row); err != nil {
			continue
		}
		if !strings.HasPrefix(row.Schema, "iglu:com.snowplowanalytics.snowplow.badrows/") {
			continue
		}
		var data map[string]any
		if err := decodeNumbers(row.Data, &data); err != nil {
			continue
		}
		return &row, data
	}
	return nil, nil
}

// decodeNumbers decodes JSON keeping numbers as json.Number, so that a
// comparison does not round them through float64.
func decodeNumbers(raw []byte, into any) error {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}

func stringField(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}
