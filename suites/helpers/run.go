package helpers

import (
	"bytes"
	"context"

	"github.com/sgkit/sgkit/conformance"
)

// Run runs one conformance run of profile against the target and returns
// the report with its text rendering, for a spec's failure message.
func (t *Target) Run(ctx context.Context, profile conformance.Profile) (conformance.Report, string, error) {
	report, err := conformance.Run(ctx, t.Config(profile))
	if err != nil {
		return report, "", err
	}
	var buf bytes.Buffer
	if err := conformance.WriteText(&buf, report); err != nil {
		return report, "", err
	}
	return report, buf.String(), nil
}
