package micro

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one request of a Client when the context has no
// earlier deadline.
const DefaultTimeout = 10 * time.Second

// maxErrorBody is how much of an unexpected response body an error quotes.
const maxErrorBody = 512

// Client reads Snowplow Micro's REST API, of a real Micro or of sgkit's
// embedded collector. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	timeout time.Duration
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithHTTPClient sets the HTTP client; http.DefaultClient when not set.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) { c.http = hc }
}

// WithTimeout sets the time limit of one request; zero or less means only
// the context bounds it. The default is DefaultTimeout.
func WithTimeout(d time.Duration) ClientOption {
	return func(c *Client) { c.timeout = d }
}

// NewClient returns a Client for the Micro at baseURL, e.g.
// http://127.0.0.1:9090. A path in baseURL is kept as a prefix, for a Micro
// behind a reverse proxy.
func NewClient(baseURL string, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("micro URL %q is invalid: %w", baseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("micro URL %q is invalid: want http://host:port or https://host:port", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""

	c := &Client{base: u, http: http.DefaultClient, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(c)
	}
	return c, nil
}

// BaseURL returns the Micro URL the client reads.
func (c *Client) BaseURL() string { return c.base.String() }

// All returns the counts of /micro/all.
func (c *Client) All(ctx context.Context) (Summary, error) {
	var s Summary
	err := c.do(ctx, http.MethodGet, "/micro/all", nil, &s)
	return s, err
}

// Good returns the good events of /micro/good, newest first. A nil filter
// sends GET (every event); otherwise the filter is POSTed.
func (c *Client) Good(ctx context.Context, filter *GoodFilter) ([]GoodEvent, error) {
	var events []GoodEvent
	var err error
	if filter == nil {
		err = c.do(ctx, http.MethodGet, "/micro/good", nil, &events)
	} else {
		err = c.do(ctx, http.MethodPost, "/micro/good", filter, &events)
	}
	return events, err
}

// Bad returns the bad events of /micro/bad, newest first. A nil filter
// sends GET (every event); otherwise the filter is POSTed.
func (c *Client) Bad(ctx context.Context, filter *BadFilter) ([]BadEvent, error) {
	var events []BadEvent
	var err error
	if filter == nil {
		err = c.do(ctx, http.MethodGet, "/micro/bad", nil, &events)
	} else {
		err = c.do(ctx, http.MethodPost, "/micro/bad", filter, &events)
	}
	return events, err
}

// Reset empties Micro's store with GET /micro/reset. Micro 4.x returns the
// text "Reset completed" and Micro 1.x a Summary; any 200 response counts.
func (c *Client) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/micro/reset", nil, nil)
}

// do sends one request and decodes a 200 JSON response into out; out nil
// means the body is read and ignored.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}

	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("micro %s %s: encode request: %w", method, path, err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return fmt.Errorf("micro %s %s: %w", method, path, err)
	}
	if in != nil {
		// Micro decodes filters with http4s' circe decoder, which requires
		// this media type.
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("micro %s %s at %s: %w; check that Micro or 'sgkit serve' runs there",
			method, path, c.base.Host, err)
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("micro %s %s: read response (status %s): %w", method, path, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Method: method, Path: path, StatusCode: resp.StatusCode,
			Status: resp.Status, Body: truncate(string(raw), maxErrorBody)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("micro %s %s: decode %d-byte response: %w; body starts %.120q",
			method, path, len(raw), err, raw)
	}
	return nil
}

// StatusError is a Micro response with a status other than 200.
type StatusError struct {
	Method     string
	Path       string
	StatusCode int
	Status     string
	// Body is the start of the response body.
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("micro %s %s: unexpected status %s: %q", e.Method, e.Path, e.Status, e.Body)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
