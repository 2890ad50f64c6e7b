package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sgkit/sgkit/sender"
)

// response is the collector's status code for one case, or the error
// that kept the request from getting a response.
type response struct {
	Status int
	Err    error
}

// ConnectionError is a collector or Micro URL that could not be reached or
// did not respond as a Snowplow collector or Micro does. Run returns it
// before sending anything, so a caller can tell a wrong URL from a
// failed check.
type ConnectionError struct {
	// Flag is "collector" or "micro", the URL the error is about.
	Flag string
	URL  string
	Err  error
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("%s at %s: %v", e.Flag, e.URL, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// checkCollector requests GET /health, to which the Snowplow collector and
// Snowplow Micro respond 200 ok.
func checkCollector(ctx context.Context, client *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/health", nil)
	if err != nil {
		return &ConnectionError{Flag: "collector", URL: base, Err: err}
	}
	resp, err := client.Do(req)
	if err != nil {
		return &ConnectionError{Flag: "collector", URL: base,
			Err: fmt.Errorf("%w; start the collector or fix the URL", err)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return &ConnectionError{Flag: "collector", URL: base,
			Err: fmt.Errorf("GET /health returned %s, expected 200; is this a Snowplow collector?", resp.Status)}
	}
	return nil
}

// sendTimeout bounds each request to the collector.
const sendTimeout = 10 * time.Second

// sendAll sends every case once, through sender's vegeta-based Sender
// without retries, and returns the responses in case order.
func sendAll(ctx context.Context, base string, cases []Case) ([]response, error) {
	collectorURL, err := sender.ParseCollectorURL(base)
	if err != nil {
		return nil, &ConfigError{Field: "CollectorURL", Value: base, Fix: err.Error()}
	}
	reqs := make([]sender.Request, len(cases))
	for i, c := range cases {
		reqs[i] = senderRequest(i, c)
	}

	s := &sender.Sender{Collector: collectorURL, Timeout: sendTimeout, Retry: sender.NoRetries()}
	rep, err := s.Send(ctx, reqs)
	if err != nil {
		return nil, fmt.Errorf("send the corpus: %w", err)
	}

	out := make([]response, len(cases))
	for i, rr := range rep.Results {
		switch {
		case !rr.Sent:
			out[i] = response{Err: errors.New("not sent: the run stopped before this request")}
		case rr.Code == 0:
			out[i] = response{Err: fmt.Errorf("%s: %s", rr.ErrorKind, rr.Error)}
		default:
			out[i] = response{Status: rr.Code}
		}
	}
	return out, nil
}

// senderRequest returns the sender's form of a case. The prediction is
// not copied: the comparison reads it from the case.
func senderRequest(index int, c Case) sender.Request {
	method := c.Method
	if method == "" {
		method = http.MethodPost
	}
	return sender.Request{
		Index:       index,
		Name:        c.Name,
		Method:      method,
		Path:        c.Request.Path,
		Query:       c.Request.Query,
		ContentType: c.Request.ContentType,
		Body:        c.Request.Body,
		EventID:     c.EventID,
	}
}
