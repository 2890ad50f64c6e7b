package iglu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sgkit/sgkit/schemas"
)

// ErrNotFound marks a repository that does not hold the requested schema.
var ErrNotFound = errors.New("not found")

// Repository is one place the Resolver looks a schema up in.
type Repository interface {
	// Name identifies the repository in errors, e.g. "embedded" or its URL.
	Name() string
	// Lookup returns the schema's JSON and where it was looked up; the error
	// wraps ErrNotFound when the repository does not hold the schema.
	Lookup(ctx context.Context, key SchemaKey) (schema []byte, location string, err error)
}

// Lookup is one repository's attempt at resolving a schema.
type Lookup struct {
	Repository string
	Location   string
	Err        error
}

// ResolutionError reports a schema that no repository returned, with every
// place the Resolver looked.
type ResolutionError struct {
	Key     SchemaKey
	Lookups []Lookup
}

func (e *ResolutionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema %s could not be resolved; looked in", e.Key.URI())
	for i, l := range e.Lookups {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s (%s): %v", l.Repository, l.Location, l.Err)
	}
	b.WriteString(". Add the schema to one of these repositories or pass a registry that holds it")
	return b.String()
}

// NotFound reports whether every repository returned ErrNotFound, as
// opposed to failing.
func (e *ResolutionError) NotFound() bool {
	for _, l := range e.Lookups {
		if !errors.Is(l.Err, ErrNotFound) {
			return false
		}
	}
	return true
}

// Resolver looks schemas up in its repositories in order, the first that
// holds a schema winning, and caches each resolved schema for its
// lifetime: a published Iglu schema version does not change. Failed
// lookups are not cached. A Resolver is safe for concurrent use.
type Resolver struct {
	repos []Repository

	mu    sync.Mutex
	cache map[SchemaKey][]byte
}

// NewResolver returns a Resolver over repos, looked up in the given order.
func NewResolver(repos ...Repository) *Resolver {
	return &Resolver{repos: repos, cache: map[SchemaKey][]byte{}}
}

// Resolve returns the JSON of the schema key names; the error is a
// *ResolutionError when no repository returned it.
func (r *Resolver) Resolve(ctx context.Context, key SchemaKey) ([]byte, error) {
	r.mu.Lock()
	cached, ok := r.cache[key]
	r.mu.Unlock()
	if ok {
		return cached, nil
	}

	failure := &ResolutionError{Key: key}
	for _, repo := range r.repos {
		schema, location, err := repo.Lookup(ctx, key)
		if err != nil {
			failure.Lookups = append(failure.Lookups, Lookup{Repository: repo.Name(), Location: location, Err: err})
			continue
		}
		r.mu.Lock()
		r.cache[key] = schema
		r.mu.Unlock()
		return schema, nil
	}
	return nil, failure
}

// EmbeddedRepository is an Iglu static repository in a file system, laid
// out vendor/name/format/version; Embedded returns the one compiled into
// sgkit.
type EmbeddedRepository struct {
	FS fs.FS
}

// Embedded returns the repository of schemas shipped in the binary.
func Embedded() EmbeddedRepository { return EmbeddedRepository{FS: schemas.FS} }

// Name implements Repository.
func (EmbeddedRepository) Name() string { return "embedded" }

// Lookup implements Repository.
func (e EmbeddedRepository) Lookup(_ context.Context, key SchemaKey) ([]byte, string, error) {
	location := "schemas/" + key.Path()
	b, err := fs.ReadFile(e.FS, key.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, location, ErrNotFound
	}
	if err != nil {
		return nil, location, err
	}
	return b, location, nil
}

// DefaultHTTPTimeout bounds one schema request to a registry when no
// timeout is given.
const DefaultHTTPTimeout = 5 * time.Second

// HTTPRepository is an Iglu registry over HTTP: a static repository such
// as Iglu Central, serving {BaseURL}/schemas/{vendor}/{name}/{format}/{version},
// or, when APIKey is set, an Iglu Server, serving
// {BaseURL}/api/schemas/{vendor}/{name}/{format}/{version} and reading the
// key from the "apikey" request header.
type HTTPRepository struct {
	BaseURL string
	// APIKey selects the Iglu Server API and is sent as the apikey header.
	APIKey string
	// Timeout bounds each request; DefaultHTTPTimeout when zero.
	Timeout time.Duration
	// Client sends the requests; http.DefaultClient when nil.
	Client *http.Client
}

// StaticRegistry returns the repository of an Iglu static repository at
// baseURL, e.g. http://iglucentral.com.
func StaticRegistry(baseURL string) *HTTPRepository {
	return &HTTPRepository{BaseURL: strings.TrimRight(baseURL, "/")}
}

// ServerRegistry returns the repository of an Iglu Server at baseURL, sent
// apiKey in the apikey header.
func ServerRegistry(baseURL, apiKey string) *HTTPRepository {
	return &HTTPRepository{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey}
}

// Name implements Repository.
func (h *HTTPRepository) Name() string { return h.BaseURL }

// URL returns where the repository serves key.
func (h *HTTPRepository) URL(key SchemaKey) string {
	if h.APIKey != "" {
		return h.BaseURL + "/api/schemas/" + key.Path()
	}
	return h.BaseURL + "/schemas/" + key.Path()
}

// Lookup implements Repository.
func (h *HTTPRepository) Lookup(ctx context.Context, key SchemaKey) ([]byte, string, error) {
	url := h.URL(key)
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, url, fmt.Errorf("invalid registry URL: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if h.APIKey != "" {
		req.Header.Set("apikey", h.APIKey)
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	if h.APIKey != "" {
		client = keepKeyOnHost(client)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, url, fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		return nil, url, err
	}
	defer resp.Body.Close()

	// Both registry kinds return 404 for a schema they do not contain. 401
	// and 403 mean an Iglu Server rejected the API key.
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, url, fmt.Errorf("HTTP 404: %w", ErrNotFound)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, url, fmt.Errorf("HTTP %d: the registry rejected the API key; check it", resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, url, fmt.Errorf("HTTP %d from the registry", resp.StatusCode)
	}
	// A schema is small; 8 MiB is far above any published Iglu schema and
	// keeps a wrong URL from filling memory.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, url, fmt.Errorf("reading the response: %w", err)
	}
	return body, url, nil
}

// keepKeyOnHost returns a copy of client that follows a redirect only to
// the same scheme, host and port. Go's client drops Authorization and
// Cookie on a redirect to another host but forwards every other header
// (net/http, Client.Do: "when forwarding sensitive headers"), so the
// apikey header would reach whatever host the registry redirects to.
func keepKeyOnHost(client *http.Client) *http.Client {
	c := *client
	next := client.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
			return fmt.Errorf("the registry redirected to %s://%s, another host; sgkit does not "+
				"send the API key there: pass the URL the registry redirects to as the registry",
				req.URL.Scheme, req.URL.Host)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			// The limit of Go's default redirect policy.
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}
