package iglu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"
)

// MetaSchemaKey is the Iglu meta-schema every resolved schema must satisfy.
var MetaSchemaKey = MustParseURI("iglu:com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0")

// Validator validates self-describing JSON with Snowplow's semantics:
// draft 4 as networknt json-schema-validator 1.0.76 applies it through
// iglu-scala-client, with networknt's format checks (see formats.go).
// maxLength counts Unicode code points, because gojsonschema v1.2.0 counts
// runes as Java's codePointCount does. Failures are reported as
// iglu-scala-client's ValidatorReport. A Validator is safe for concurrent
// use and compiles each schema once.
//
// NOTE: gojsonschema accepts a number written with a fraction, such as 1.0,
// for "type": "integer". circe keeps 1.0 as a decimal, which circeToJackson
// turns into a DecimalNode that networknt reports as "number found, integer
// expected". sgkit does not reproduce that difference.
type Validator struct {
	resolver *Resolver

	mu       sync.Mutex
	compiled map[SchemaKey]*compiledSchema
	meta     *gojsonschema.Schema
}

type compiledSchema struct {
	schema *gojsonschema.Schema
	order  *propertyOrder
	err    error
}

// New returns a Validator that resolves schemas with resolver.
func New(resolver *Resolver) *Validator {
	return &Validator{resolver: resolver, compiled: map[SchemaKey]*compiledSchema{}}
}

// Default returns a Validator that resolves schemas from the embedded
// static repository only. Every call returns the same Validator, so each
// schema is compiled once per process.
func Default() *Validator {
	defaultOnce.Do(func() { defaultValidator = New(NewResolver(Embedded())) })
	return defaultValidator
}

var (
	defaultOnce      sync.Once
	defaultValidator *Validator
)

// Resolver returns the resolver the Validator looks schemas up with.
func (v *Validator) Resolver() *Resolver { return v.resolver }

// SchemaError reports a resolved schema that cannot be used to validate:
// invalid JSON, not a valid self-describing schema, describing another key,
// or using a feature sgkit does not reproduce.
type SchemaError struct {
	Key    SchemaKey
	Reason string
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("schema %s cannot be used: %s", e.Key.URI(), e.Reason)
}

// Validate validates the JSON instance against the schema key names and
// returns the failures, none when the instance is valid. The error is a
// *ResolutionError or *SchemaError when the schema cannot be used, or a
// syntax error when instance is not JSON.
func (v *Validator) Validate(ctx context.Context, key SchemaKey, instance []byte) ([]Report, error) {
	c, err := v.compile(ctx, key)
	if err != nil {
		return nil, err
	}
	result, err := c.schema.Validate(gojsonschema.NewBytesLoader(instance))
	if err != nil {
		return nil, fmt.Errorf("validating against %s: %w", key.URI(), err)
	}
	if result.Valid() {
		return nil, nil
	}
	return translate(result.Errors(), instance, c.order), nil
}

// SelfDescribing is self-describing JSON: an Iglu URI and the data it
// describes.
type SelfDescribing struct {
	Schema string          `json:"schema"`
	Data   json.RawMessage `json:"data"`
}

// ValidateSelfDescribing parses sdj as self-describing JSON and validates
// its data against the schema it names.
func (v *Validator) ValidateSelfDescribing(ctx context.Context, sdj []byte) (SchemaKey, []Report, error) {
	var sd SelfDescribing
	if err := json.Unmarshal(sdj, &sd); err != nil {
		return SchemaKey{}, nil, fmt.Errorf("invalid self-describing JSON: %w", err)
	}
	if len(sd.Data) == 0 {
		return SchemaKey{}, nil, errors.New(`invalid self-describing JSON: no "data" field`)
	}
	key, err := ParseURI(sd.Schema)
	if err != nil {
		return SchemaKey{}, nil, err
	}
	reports, err := v.Validate(ctx, key, sd.Data)
	return key, reports, err
}

// compile resolves, checks and compiles a schema once. A broken schema is
// kept too, so it is reported on every use without new lookups. A
// resolution failure is not kept, so the next call looks the schema up again.
func (v *Validator) compile(ctx context.Context, key SchemaKey) (*compiledSchema, error) {
	v.mu.Lock()
	c, ok := v.compiled[key]
	v.mu.Unlock()
	if ok {
		return c, c.err
	}

	raw, err := v.resolver.Resolve(ctx, key)
	if err != nil {
		return nil, err
	}
	c = v.compileResolved(key, raw)

	v.mu.Lock()
	v.compiled[key] = c
	v.mu.Unlock()
	return c, c.err
}

func (v *Validator) compileResolved(key SchemaKey, raw []byte) *compiledSchema {
	fail := func(format string, args ...any) *compiledSchema {
		return &compiledSchema{err: &SchemaError{Key: key, Reason: fmt.Sprintf(format, args...)}}
	}

	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return fail("invalid JSON: %v", err)
	}
	if reason := v.checkSelfDescribing(key, doc); reason != "" {
		return fail("%s", reason)
	}
	if format := unsupportedFormat(doc); format != "" {
		return fail("it uses format %q, whose networknt 1.0.76 semantics sgkit does not reproduce; remove the format or validate with Snowplow", format)
	}
	order, err := readPropertyOrder(raw)
	if err != nil {
		return fail("invalid JSON: %v", err)
	}

	loader := gojsonschema.NewSchemaLoader()
	// Iglu schemas declare the Iglu meta-schema as $schema, which
	// gojsonschema cannot detect a draft from; Snowplow validates as draft 4.
	loader.Draft = gojsonschema.Draft4
	loader.AutoDetect = false
	refs, err := externalRefs(doc)
	if err != nil {
		return fail("%v", err)
	}
	for _, ref := range refs {
		// iglu-scala-client's CirceValidator resolves every http(s) $ref
		// with a fetcher that returns {}, so such a reference accepts any
		// value; registering an empty schema under its URL does the same
		// and keeps gojsonschema from fetching it.
		if err := loader.AddSchemas(gojsonschema.NewGoLoader(map[string]any{"id": ref})); err != nil {
			return fail("registering $ref %s: %v", ref, err)
		}
	}
	schema, err := loader.Compile(gojsonschema.NewBytesLoader(raw))
	if err != nil {
		return fail("%v", err)
	}
	return &compiledSchema{schema: schema, order: order}
}

// checkSelfDescribing returns why doc is not a usable Iglu schema for key,
// or "" when it is: it must satisfy the Iglu meta-schema (checked with
// gojsonschema's built-in draft 4 meta-schema, so without network) and its
// "self" must name key.
func (v *Validator) checkSelfDescribing(key SchemaKey, doc any) string {
	if key == MetaSchemaKey {
		return ""
	}
	meta, err := v.metaSchema()
	if err != nil {
		return fmt.Sprintf("the Iglu meta-schema could not be loaded: %v", err)
	}
	result, err := meta.Validate(gojsonschema.NewGoLoader(doc))
	if err != nil {
		return fmt.Sprintf("checking it against the Iglu meta-schema: %v", err)
	}
	if !result.Valid() {
		var issues []string
		for _, e := range result.Errors() {
			issues = append(issues, e.String())
		}
		return "it is not a valid self-describing JSON schema: " + strings.Join(issues, "; ")
	}
	self, _ := doc.(map[string]any)["self"].(map[string]any)
	got := fmt.Sprintf("iglu:%v/%v/%v/%v", self["vendor"], self["name"], self["format"], self["version"])
	if got != key.URI() {
		return fmt.Sprintf("its self describes %s; the repository serves the wrong file for this path", got)
	}
	return ""
}

func (v *Validator) metaSchema() (*gojsonschema.Schema, error) {
	v.mu.Lock()
	meta := v.meta
	v.mu.Unlock()
	if meta != nil {
		return meta, nil
	}

	raw, err := Embedded().FS.Open(MetaSchemaKey.Path())
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	var doc any
	dec := json.NewDecoder(raw)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}

	loader := gojsonschema.NewSchemaLoader()
	loader.Draft = gojsonschema.Draft4
	loader.AutoDetect = false
	// The meta-schema's "$ref": "http://json-schema.org/draft-04/schema#"
	// is served by gojsonschema from its built-in copy of draft 4.
	meta, err = loader.Compile(gojsonschema.NewGoLoader(doc))
	if err != nil {
		return nil, err
	}

	v.mu.Lock()
	v.meta = meta
	v.mu.Unlock()
	return meta, nil
}

// unsupportedFormat returns the first format in a schema document that
// networknt validates with a class sgkit does not port, or "".
func unsupportedFormat(doc any) string {
	var found []string
	walkSchema(doc, func(obj map[string]any) {
		if f, ok := obj["format"].(string); ok && notReproducedFormats[f] {
			found = append(found, f)
		}
	})
	sort.Strings(found)
	if len(found) > 0 {
		return found[0]
	}
	return ""
}

// externalRefs returns the distinct http(s) documents a schema's $ref
// values point to. Fragment-only references stay inside the schema. Any
// other reference is rejected, because iglu-scala-client's empty-schema
// fetcher covers only http and https and sgkit does not reproduce how
// networknt loads the rest.
func externalRefs(doc any) ([]string, error) {
	seen := map[string]bool{}
	var refs []string
	var bad error
	walkSchema(doc, func(obj map[string]any) {
		ref, ok := obj["$ref"].(string)
		if !ok || strings.HasPrefix(ref, "#") {
			return
		}
		if !strings.HasPrefix(ref, "http://") && !strings.HasPrefix(ref, "https://") {
			bad = fmt.Errorf("$ref %q is neither a fragment nor an http(s) URL", ref)
			return
		}
		base, _, _ := strings.Cut(ref, "#")
		if !seen[base] {
			seen[base] = true
			refs = append(refs, base)
		}
	})
	return refs, bad
}

// walkSchema calls visit on every object in a decoded JSON document.
func walkSchema(node any, visit func(map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		visit(n)
		for _, child := range n {
			walkSchema(child, visit)
		}
	case []any:
		for _, child := range n {
			walkSchema(child, visit)
		}
	}
}
