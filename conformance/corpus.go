package conformance

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/fixtures"
)

// smokeGroup is the fixture folder of public StatusGator examples.
const smokeGroup = "statusgator"

// Case is one request of a run with the pipeline's predicted output for it.
type Case struct {
	// Name identifies the case in reports, e.g. the fixture name.
	Name string `json:"name"`
	// Source names where the request comes from (a fixture source or the
	// generator and its seed).
	Source string `json:"source,omitempty"`
	// Method is the HTTP method; POST when empty, as StatusGator sends.
	Method string `json:"method,omitempty"`
	// Request is the HTTP request as sent, tags included.
	Request fixtures.Request `json:"request"`
	// EventID is the eid query parameter of Request exactly as sent; good
	// events and bad rows are matched to the case by it.
	EventID string `json:"eventId"`
	// Prediction is Snowplow's predicted output for Request.
	Prediction adapter.Prediction `json:"prediction"`
	// UniqueEventID reports that EventID was made for this run alone (a
	// fresh random UUID, as NewCase makes), so an observation carrying it
	// belongs to this run even when its app_id is not the run id. Leave it
	// false for an eid another run may also send, such as a generated eid,
	// which repeats for a repeated seed.
	UniqueEventID bool `json:"uniqueEventId,omitempty"`
}

// NewRunID returns a fresh run id: a prefix and 12 hex digits, safe to
// use unescaped in a query string.
func NewRunID() string {
	return "sgkit-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
}

// buildCorpus returns the cases of cfg.Profile plus cfg.Extra, each tagged
// with the run id and predicted.
func buildCorpus(cfg Config) ([]Case, error) {
	var cases []Case
	var err error
	if cfg.Profile == Full {
		cases, err = PublicCorpus(cfg.RunID)
		if err != nil {
			return nil, err
		}
		generated, err := generatedCorpus(cfg)
		if err != nil {
			return nil, err
		}
		cases = append(cases, generated...)
	} else {
		cases, err = SmokeCorpus(cfg.RunID)
		if err != nil {
			return nil, err
		}
	}
	cases = append(cases, cfg.Extra...)

	seen := make(map[string]string, len(cases))
	for _, c := range cases {
		if c.EventID == "" {
			return nil, fmt.Errorf("case %q has no eid: every request must carry one so its result can be matched", c.Name)
		}
		key := strings.ToLower(c.EventID)
		if other, dup := seen[key]; dup {
			return nil, fmt.Errorf("cases %q and %q carry the same eid %s; give each request its own", other, c.Name, c.EventID)
		}
		seen[key] = c.Name
	}
	return cases, nil
}

// SmokeCorpus returns the Smoke profile: the public StatusGator examples
// predicted as good events (the v1 form posts), each tagged with a fresh
// eid and with aid = runID. An example predicted as a bad row (the v2 and
// v3 JSON examples, which enrich's adapter rejects) is left out, so that a
// smoke run against production writes no bad rows; PublicCorpus has them.
func SmokeCorpus(runID string) ([]Case, error) {
	public, err := PublicCorpus(runID)
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, c := range public {
		if c.Prediction.Outcome == adapter.Good {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no public StatusGator example in fixtures/%s is predicted as a good event, so the smoke profile would send nothing", smokeGroup)
	}
	return cases, nil
}

// PublicCorpus returns every public StatusGator example of the fixtures,
// good and bad, each tagged with a fresh eid and with aid = runID, and
// predicted by adapter.Default. The Full profile starts with it.
func PublicCorpus(runID string) ([]Case, error) {
	examples, err := SmokeExamples()
	if err != nil {
		return nil, err
	}
	predictor := adapter.Default()
	cases := make([]Case, 0, len(examples))
	for _, ex := range examples {
		c, err := NewCase(predictor, ex.Name, ex.File+" ("+ex.Source+")", ex.Request, runID)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// SmokeExamples returns every public StatusGator example untagged, as the
// fixtures hold them, whatever its predicted outcome.
func SmokeExamples() ([]fixtures.Case, error) {
	examples, err := fixtures.Load(smokeGroup)
	if err != nil {
		return nil, fmt.Errorf("load the public StatusGator examples: %w", err)
	}
	if len(examples) == 0 {
		return nil, fmt.Errorf("load the public StatusGator examples: fixture group %q is empty; add the examples as described in fixtures/README.md", smokeGroup)
	}
	return examples, nil
}

// NewCase tags req with a fresh eid and aid = runID and predicts it.
func NewCase(p *adapter.Predictor, name, source string, req fixtures.Request, runID string) (Case, error) {
	eid := uuid.NewString()
	req.Query = appendQuery(req.Query, "eid="+eid+"&aid="+url.QueryEscape(runID))
	pred, err := p.Predict(Payload(req, time.Now().UTC()))
	if err != nil {
		return Case{}, fmt.Errorf("predict case %q: %w", name, err)
	}
	return Case{Name: name, Source: source, Request: req, EventID: eid, Prediction: pred, UniqueEventID: true}, nil
}

// Payload returns the collector payload a run's request becomes.
func Payload(req fixtures.Request, at time.Time) adapter.CollectorPayload {
	return adapter.CollectorPayload{
		Path:        req.Path,
		QueryString: req.Query,
		ContentType: req.ContentType,
		Body:        req.Body,
		Timestamp:   at,
	}
}

func appendQuery(query, tags string) string {
	if query == "" {
		return tags
	}
	return query + "&" + tags
}
