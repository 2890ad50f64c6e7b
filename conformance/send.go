package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// sendWorkers is the number of requests in flight at once.
const sendWorkers = 8

// response is what the collector returned for one case, or the error that
// kept the request from getting an answer.
type response struct {
	Status int
	Body   string
	Err    error
}

// ConnectionError is a collector or Micro URL that could not be reached or
// did not answer as a Snowplow collector or Micro does. Run returns it
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

// checkCollector asks GET /health, which the Snowplow collector and
// Snowplow Micro answer with 200 ok.
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

// sendAll posts every case to the collector and returns the responses in
// case order.
func sendAll(ctx context.Context, client *http.Client, base string, cases []Case) []response {
	out := make([]response, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range sendWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = sendOne(ctx, client, base, cases[i])
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func sendOne(ctx context.Context, client *http.Client, base string, c Case) response {
	target := strings.TrimRight(base, "/") + c.Request.Path
	if c.Request.Query != "" {
		target += "?" + c.Request.Query
	}
	var body io.Reader
	if c.Request.Body != nil {
		body = strings.NewReader(*c.Request.Body)
	}
	method := c.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return response{Err: err}
	}
	if c.Request.ContentType != nil {
		req.Header.Set("Content-Type", *c.Request.ContentType)
	}
	req.Header.Set("User-Agent", userAgent)

	resp, err := client.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if err != nil && !errors.Is(err, io.EOF) {
		return response{Status: resp.StatusCode, Err: err}
	}
	return response{Status: resp.StatusCode, Body: string(text)}
}
