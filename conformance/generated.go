package conformance

import (
	"fmt"

	"github.com/sgkit/sgkit/fixtures"
	"github.com/sgkit/sgkit/sender"
)

// generatedFormats are the StatusGator payload generations the Full
// profile generates traffic in.
var generatedFormats = []sender.Format{sender.FormatV1, sender.FormatV2, sender.FormatV3}

// generatedCorpus returns the Full profile's generated traffic: cfg.Count
// requests per StatusGator payload format, then the sender's edge corpus,
// all tagged with aid = cfg.RunID and predicted by adapter.Default.
func generatedCorpus(cfg Config) ([]Case, error) {
	var cases []Case
	for i, format := range generatedFormats {
		// Each format gets its own seed, so the formats' eids differ.
		reqs, err := sender.Generate(sender.Options{
			Seed: cfg.Seed + int64(i), Count: cfg.Count, Format: format, RunID: cfg.RunID,
		})
		if err != nil {
			return nil, fmt.Errorf("generate %s requests: %w", format, err)
		}
		cases = append(cases, casesOf(reqs, fmt.Sprintf("sender %s, seed %d", format, cfg.Seed+int64(i)))...)
	}

	edge, err := sender.Generate(sender.Options{Seed: cfg.Seed, Corpus: sender.CorpusEdge, RunID: cfg.RunID})
	if err != nil {
		return nil, fmt.Errorf("generate the edge-case corpus: %w", err)
	}
	return append(cases, casesOf(edge, "sender edge corpus")...), nil
}

func casesOf(reqs []sender.Request, source string) []Case {
	cases := make([]Case, 0, len(reqs))
	for _, r := range reqs {
		cases = append(cases, Case{
			Name:   r.Name,
			Source: source,
			Method: r.Method,
			Request: fixtures.Request{Path: r.Path, Query: r.Query,
				ContentType: r.ContentType, Body: r.Body},
			EventID:    r.EventID,
			Prediction: r.Expected,
		})
	}
	return cases
}
