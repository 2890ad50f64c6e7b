package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Groups of specs a config file switches on and off.
const (
	GroupSmoke = "smoke"
	GroupFull  = "full"
)

// Environment variables the suites read when no config file is given.
const (
	EnvCollectorURL = "SGKIT_COLLECTOR_URL"
	EnvMicroURL     = "SGKIT_MICRO_URL"
)

// FileConfig is the JSON config file of the Ginkgo suites, e.g.
//
//	{
//	  "collector_url": "https://collector.example.com",
//	  "micro_url": "http://127.0.0.1:9090",
//	  "groups": {"smoke": true, "full": false},
//	  "count": 20,
//	  "seed": 1,
//	  "timeout": "60s"
//	}
//
// Every key is optional. Without collector_url the suites start the
// embedded collector; a group left out is on.
type FileConfig struct {
	CollectorURL string          `json:"collector_url"`
	MicroURL     string          `json:"micro_url"`
	Groups       map[string]bool `json:"groups"`
	Count        int             `json:"count"`
	Seed         int64           `json:"seed"`
	// Timeout is a Go duration such as 30s.
	Timeout string `json:"timeout"`

	// File is the path the config was read from, for messages.
	File string `json:"-"`
	// timeout is Timeout parsed.
	timeout time.Duration
}

// FileConfigError is an invalid config file; its message names the file
// and the field.
type FileConfigError struct {
	File  string
	Field string
	Err   error
}

func (e *FileConfigError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("config file %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("config file %s: field %q: %v", e.File, e.Field, e.Err)
}

func (e *FileConfigError) Unwrap() error { return e.Err }

// LoadFileConfig reads and checks a suite config file.
func LoadFileConfig(path string) (FileConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return FileConfig{}, &FileConfigError{File: path, Err: err}
	}
	return ParseFileConfig(path, raw)
}

// ParseFileConfig checks the JSON text of a suite config file; name is
// used in messages.
func ParseFileConfig(name string, raw []byte) (FileConfig, error) {
	fc := FileConfig{File: name}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return FileConfig{}, fileDecodeError(name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return FileConfig{}, &FileConfigError{File: name, Err: errors.New("text after the JSON object; the file must hold one object")}
	}

	if fc.MicroURL != "" && fc.CollectorURL == "" {
		return FileConfig{}, &FileConfigError{File: name, Field: "micro_url",
			Err: errors.New("set without collector_url; give the collector that feeds this Micro, or leave both out to use the embedded collector")}
	}
	known := map[string]bool{GroupSmoke: true, GroupFull: true}
	for _, g := range sortedGroupNames(fc.Groups) {
		if !known[g] {
			return FileConfig{}, &FileConfigError{File: name, Field: "groups." + g,
				Err: fmt.Errorf("unknown group; use %q or %q", GroupSmoke, GroupFull)}
		}
	}
	if fc.Timeout != "" {
		d, err := time.ParseDuration(fc.Timeout)
		if err != nil || d <= 0 {
			return FileConfig{}, &FileConfigError{File: name, Field: "timeout",
				Err: fmt.Errorf("invalid duration %q; use a positive Go duration such as \"30s\"", fc.Timeout)}
		}
		fc.timeout = d
	}

	// The remaining fields are checked by Config.Validate; its errors are
	// translated to the file's key names.
	probe := fc.Config(Smoke)
	if probe.CollectorURL == "" {
		probe.CollectorURL = "http://127.0.0.1:1"
	}
	if err := probe.Validate(); err != nil {
		var cfgErr *ConfigError
		if errors.As(err, &cfgErr) {
			return FileConfig{}, &FileConfigError{File: name, Field: fileKeyOf[cfgErr.Field],
				Err: fmt.Errorf("invalid value %q: %s", cfgErr.Value, cfgErr.Fix)}
		}
		return FileConfig{}, &FileConfigError{File: name, Err: err}
	}
	return fc, nil
}

// fileKeyOf maps a Config field to its config file key.
var fileKeyOf = map[string]string{
	"CollectorURL": "collector_url",
	"MicroURL":     "micro_url",
	"Profile":      "groups",
	"Count":        "count",
	"Seed":         "seed",
	"Timeout":      "timeout",
}

func fileDecodeError(name string, err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &FileConfigError{File: name, Field: typeErr.Field,
			Err: fmt.Errorf("a JSON %s where %s is expected", typeErr.Value, jsonKind(typeErr.Type.Kind().String()))}
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return &FileConfigError{File: name,
			Err: fmt.Errorf("invalid JSON at byte %d: %v", syntaxErr.Offset, err)}
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &FileConfigError{File: name, Field: strings.Trim(field, `"`),
			Err: errors.New("unknown field; the keys are collector_url, micro_url, groups, count, seed, timeout")}
	}
	return &FileConfigError{File: name, Err: err}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64":
		return "an integer"
	case "bool":
		return "true or false"
	case "map":
		return "an object"
	}
	return goKind
}

// GroupOn reports whether a group of specs runs; a group the file leaves
// out is on.
func (fc FileConfig) GroupOn(group string) bool {
	on, set := fc.Groups[group]
	return !set || on
}

// Config returns the run of one profile the file describes. CollectorURL
// is empty when the file gives none.
func (fc FileConfig) Config(profile Profile) Config {
	return Config{
		CollectorURL: fc.CollectorURL,
		MicroURL:     fc.MicroURL,
		Profile:      profile,
		Count:        fc.Count,
		Seed:         fc.Seed,
		Timeout:      fc.timeout,
	}
}

// FileConfigFromEnv returns the config the environment gives:
// SGKIT_COLLECTOR_URL and SGKIT_MICRO_URL, every group on.
func FileConfigFromEnv() (FileConfig, error) {
	fc := FileConfig{File: "environment", CollectorURL: os.Getenv(EnvCollectorURL), MicroURL: os.Getenv(EnvMicroURL)}
	probe := fc.Config(Smoke)
	if probe.CollectorURL == "" {
		if fc.MicroURL != "" {
			return FileConfig{}, fmt.Errorf("%s is set but %s is not; set both, or neither to use the embedded collector",
				EnvMicroURL, EnvCollectorURL)
		}
		return fc, nil
	}
	if err := probe.Validate(); err != nil {
		var cfgErr *ConfigError
		if errors.As(err, &cfgErr) {
			env := map[string]string{"CollectorURL": EnvCollectorURL, "MicroURL": EnvMicroURL}[cfgErr.Field]
			return FileConfig{}, fmt.Errorf("environment variable %s=%q: %s", env, cfgErr.Value, cfgErr.Fix)
		}
		return FileConfig{}, err
	}
	return fc, nil
}

func sortedGroupNames(m map[string]bool) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
