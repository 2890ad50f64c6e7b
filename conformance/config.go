package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Profile selects the corpus a run sends.
type Profile string

const (
	// Smoke sends only the public StatusGator examples predicted as good
	// events (the v1 form posts): a handful of requests that write no bad
	// rows, safe to send to a production collector.
	Smoke Profile = "smoke"
	// Full sends every public example (the v2 and v3 JSON ones too, which
	// become adapter_failures bad rows), Count generated requests in each of
	// the three StatusGator payload formats, and the sender's edge-case
	// corpus.
	Full Profile = "full"
)

// Defaults of Config, used where a field is left zero.
const (
	DefaultCount   = 20
	DefaultSeed    = 1
	DefaultTimeout = 30 * time.Second
	// DefaultPollInterval is how often a run reads Snowplow Micro's API
	// while it waits for the sent requests.
	DefaultPollInterval = 100 * time.Millisecond
)

// defaultClientTimeout is the least timeout of the default Config.Client.
const defaultClientTimeout = 10 * time.Second

// Config is one conformance run.
type Config struct {
	// CollectorURL is the base URL of the collector the corpus is sent to,
	// e.g. http://127.0.0.1:9090. Required.
	CollectorURL string
	// MicroURL is the base URL of the Snowplow Micro API the results are
	// read from; CollectorURL when empty, as with Micro or sgkit serve.
	MicroURL string
	// Profile is Smoke or Full; Smoke when empty.
	Profile Profile
	// Count is the number of generated requests per payload format in the
	// Full profile; DefaultCount when zero.
	Count int
	// Seed makes the generated requests reproducible; DefaultSeed when zero.
	Seed int64
	// Timeout bounds the wait for every sent request to show up in Micro,
	// counted from the end of sending; DefaultTimeout when zero.
	Timeout time.Duration
	// PollInterval is the pause between two reads of Micro's API while
	// waiting; DefaultPollInterval when zero.
	PollInterval time.Duration
	// RunID tags every request of the run as its aid (app_id), so a run
	// counts only its own events in a shared Micro. Empty means a fresh id.
	RunID string
	// Extra cases are sent in addition to the profile's corpus, e.g. a
	// request a deployment-specific test needs.
	Extra []Case
	// Client requests the collector's /health and reads Micro; nil means a
	// client whose timeout is 10 seconds or Timeout, whichever is longer. The corpus itself goes out through
	// sender.Sender, on vegeta's own client.
	Client *http.Client
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	if cfg.MicroURL == "" {
		cfg.MicroURL = cfg.CollectorURL
	}
	if cfg.Profile == "" {
		cfg.Profile = Smoke
	}
	if cfg.Count == 0 {
		cfg.Count = DefaultCount
	}
	if cfg.Seed == 0 {
		cfg.Seed = DefaultSeed
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.RunID == "" {
		cfg.RunID = NewRunID()
	}
	if cfg.Client == nil {
		// A read of Micro may take up to the whole wait: the wait's deadline
		// bounds it, so the client's own limit must not be shorter.
		cfg.Client = &http.Client{Timeout: max(defaultClientTimeout, cfg.Timeout)}
	}
	return cfg
}

// Validate returns a *ConfigError naming the first invalid field of cfg.
// Run calls it after filling in the defaults.
func (cfg Config) Validate() error {
	if err := checkBaseURL("CollectorURL", cfg.CollectorURL); err != nil {
		return err
	}
	if cfg.MicroURL != "" {
		if err := checkBaseURL("MicroURL", cfg.MicroURL); err != nil {
			return err
		}
	}
	switch cfg.Profile {
	case "", Smoke, Full:
	default:
		return &ConfigError{Field: "Profile", Value: string(cfg.Profile),
			Fix: `use "smoke" or "full"`}
	}
	if cfg.Count < 0 {
		return &ConfigError{Field: "Count", Value: fmt.Sprint(cfg.Count),
			Fix: "use a positive number of requests per format"}
	}
	if cfg.Timeout < 0 {
		return &ConfigError{Field: "Timeout", Value: cfg.Timeout.String(),
			Fix: "use a positive duration such as 30s"}
	}
	return nil
}

// ConfigError is an invalid Config field. Field is the Config field name;
// callers with their own names (flags, config file keys) translate it.
type ConfigError struct {
	Field string
	Value string
	Fix   string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Fix)
}

// checkBaseURL accepts an absolute http or https URL without query.
func checkBaseURL(field, raw string) error {
	if raw == "" {
		return &ConfigError{Field: field, Value: raw,
			Fix: "give the base URL, e.g. http://127.0.0.1:9090"}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return &ConfigError{Field: field, Value: raw,
			Fix: "give an absolute http:// or https:// base URL without query, e.g. http://127.0.0.1:9090"}
	}
	return nil
}
