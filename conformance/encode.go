package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Limits of the text report; the JSON and JUnit reports list everything.
const (
	maxTextMismatches = 50
	maxTextEvents     = 40
)

// WriteText writes the report for a terminal: the checks table, the
// mismatches, the events and a summary line.
func WriteText(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	ew.printf("sgkit run %s: profile %s, %d requests sent to %s, results read from %s\n\n",
		r.RunID, r.Profile, r.Sent, r.Collector, r.Micro)

	ew.printf("%-22s %7s %7s\n", "check", "passed", "failed")
	for _, c := range r.Checks {
		if c.Passed+c.Failed == 0 {
			// A check that applied to no event, e.g. bad row in a run whose
			// events were all good.
			ew.printf("%-22s %7s %7s\n", c.Name, "-", "-")
			continue
		}
		ew.printf("%-22s %7d %7d\n", c.Name, c.Passed, c.Failed)
	}

	if len(r.Mismatches) > 0 {
		ew.printf("\nmismatches (%d):\n", len(r.Mismatches))
		for i, m := range r.Mismatches {
			if i == maxTextMismatches {
				ew.printf("... %d more; write them all with --report-json FILE\n", len(r.Mismatches)-i)
				break
			}
			ew.printf("  %s: event %s", m.Check, m.Event)
			if m.Case != "" {
				ew.printf(" (%s)", m.Case)
			}
			ew.printf("\n    field:    %s\n    expected: %s\n    actual:   %s\n", m.Field, m.Expected, m.Actual)
		}
	}

	if len(r.KnownIssues) > 0 {
		ew.printf("\nknown warehouse issues, predicted for real Snowplow too (%d):\n", len(r.KnownIssues))
		for _, is := range r.KnownIssues {
			ew.printf("  event %s (%s): %s %s: %s\n", is.Event, is.Case, is.Column, is.Rule, is.Detail)
		}
	}

	if len(r.Events) > 0 {
		ew.printf("\nevents:\n")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  case\tevent\texpected\tobserved\tresult")
		for i, e := range r.Events {
			if i == maxTextEvents {
				fmt.Fprintf(tw, "  ... %d more; write them all with --report-json FILE\n", len(r.Events)-i)
				break
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.Case, e.Event, e.Expected, e.Observed, eventVerdict(e))
		}
		_ = tw.Flush()
	}

	ew.printf("\n%s\n", Summary(r))
	return ew.err
}

// Summary returns the report's one-line verdict, starting with PASS or
// FAIL.
func Summary(r Report) string {
	failedChecks, passed, failed := 0, 0, 0
	for _, c := range r.Checks {
		passed += c.Passed
		failed += c.Failed
		if c.Failed > 0 {
			failedChecks++
		}
	}
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	return fmt.Sprintf("%s: %d requests, %d of %d checks failed, %d passed and %d failed comparisons, %d mismatches, in %s",
		verdict, r.Sent, failedChecks, len(r.Checks), passed, failed, len(r.Mismatches),
		r.Duration.Round(time.Millisecond))
}

func eventVerdict(e EventResult) string {
	var failed []string
	for _, name := range checkNames {
		if ok, applied := e.Checks[name]; applied && !ok {
			failed = append(failed, name)
		}
	}
	if len(failed) == 0 {
		return "ok"
	}
	return "FAILED " + strings.Join(failed, ", ")
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// JUnit XML elements, in the schema Jenkins and GitLab read: one
// testsuite per check, one testcase per event the check applied to.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Cases     []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML. Each check is a testsuite
// whose tests and failures attributes equal the check's counts.
func WriteJUnit(w io.Writer, r Report) error {
	byKey := map[string][]Mismatch{}
	for _, m := range r.Mismatches {
		key := m.Check + "\x00" + m.Event
		byKey[key] = append(byKey[key], m)
	}

	doc := junitSuites{Name: "sgkit run " + r.RunID, Time: seconds(r.Duration)}
	for _, c := range r.Checks {
		suite := junitSuite{Name: c.Name, Timestamp: r.Started.Format(time.RFC3339)}
		seen := map[string]bool{}
		for _, e := range r.Events {
			ok, applied := e.Checks[c.Name]
			if !applied {
				continue
			}
			seen[e.Event] = true
			tc := junitTestCase{Name: e.Case + " " + e.Event, ClassName: "sgkit." + c.Name}
			if !ok {
				tc.Failure = junitFailureOf(byKey[c.Name+"\x00"+e.Event])
			}
			suite.Cases = append(suite.Cases, tc)
		}
		// Mismatches of no sent event: observations matching no request.
		for _, m := range r.Mismatches {
			if m.Check == c.Name && !seen[m.Event] {
				suite.Cases = append(suite.Cases, junitTestCase{Name: "unmatched " + m.Event,
					ClassName: "sgkit." + c.Name, Failure: junitFailureOf([]Mismatch{m})})
			}
		}
		for _, tc := range suite.Cases {
			suite.Tests++
			if tc.Failure != nil {
				suite.Failures++
			}
		}
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Suites = append(doc.Suites, suite)
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitFailureOf(ms []Mismatch) *junitFailure {
	f := &junitFailure{Type: "mismatch"}
	lines := make([]string, 0, len(ms))
	for _, m := range ms {
		lines = append(lines, fmt.Sprintf("%s: expected %s, actual %s", m.Field, m.Expected, m.Actual))
	}
	if len(lines) > 0 {
		f.Message = lines[0]
	}
	f.Text = strings.Join(lines, "\n")
	return f
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// errWriter keeps the first write error so WriteText can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
