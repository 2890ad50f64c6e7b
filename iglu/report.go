package iglu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"

	"github.com/sgkit/sgkit/internal/scalamap"
)

// Report is one validation failure as iglu-scala-client's ValidatorReport
// encodes it in a bad row: networknt 1.0.76's ValidationMessage message,
// path (JSONPath such as $.serviceName), type as keyword and arguments as
// targets.
type Report struct {
	Message string   `json:"message"`
	Path    string   `json:"path"`
	Keyword string   `json:"keyword"`
	Targets []string `json:"targets"`
}

// networkntMessages are the English texts of networknt 1.0.76
// jsv-messages.properties for the keywords sgkit translates; {0} is the
// path and {1}, {2} the targets.
var networkntMessages = map[string]string{
	"additionalProperties": "{0}.{1}: is not defined in the schema and the schema does not allow additional properties",
	"anyOf":                "{0}: should be valid to any of the schemas {1}",
	"allOf":                "{0}: should be valid to all the schemas {1}",
	"oneOf":                "{0}: should be valid to one and only one of schema, but more than one are valid: {1}",
	"not":                  "{0}: should not be valid to the schema {1}",
	"dateTime":             "{0}: {1} is an invalid {2}",
	"enum":                 "{0}: does not have a value in the enumeration {1}",
	"format":               "{0}: does not match the {1} pattern {2}",
	"maxItems":             "{0}: there must be a maximum of {1} items in the array",
	"maxLength":            "{0}: may only be {1} characters long",
	"maximum":              "{0}: must have a maximum value of {1}",
	"minItems":             "{0}: there must be a minimum of {1} items in the array",
	"minLength":            "{0}: must be at least {1} characters long",
	"minimum":              "{0}: must have a minimum value of {1}",
	"pattern":              "{0}: does not match the regex pattern {1}",
	"required":             "{0}.{1}: is missing but it is required",
	"type":                 "{0}: {1} found, {2} expected",
	"unionType":            "{0}: {1} found, but {2} is required",
	"uuid":                 "{0}: {1} is an invalid {2}",
}

// formatMessage fills a networknt message like java.text.MessageFormat
// does for these texts, which hold no quotes or format types.
func formatMessage(keyword, path string, targets []string) string {
	text := networkntMessages[keyword]
	args := append([]string{path}, targets...)
	for i, a := range args {
		text = strings.ReplaceAll(text, "{"+strconv.Itoa(i)+"}", a)
	}
	return text
}

// errorTranslation maps a gojsonschema v1.2.0 error type to the networknt
// keyword reported for it.
var errorTranslation = map[string]string{
	"string_lte":                      "maxLength",
	"string_gte":                      "minLength",
	"pattern":                         "pattern",
	"required":                        "required",
	"additional_property_not_allowed": "additionalProperties",
	"enum":                            "enum",
	"number_lte":                      "maximum",
	"number_gte":                      "minimum",
	"array_min_items":                 "minItems",
	"array_max_items":                 "maxItems",
	"number_any_of":                   "anyOf",
	"number_all_of":                   "allOf",
	"number_one_of":                   "oneOf",
	"number_not":                      "not",
}

// translate turns gojsonschema's errors for one instance into networknt
// reports in networknt's order. instance is the validated JSON and order
// the schema's property order.
func translate(errs []gojsonschema.ResultError, instance []byte, order *propertyOrder) []Report {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(instance))
	dec.UseNumber()
	// gojsonschema decoded the same bytes the same way before reporting
	// errors. Should decoding fail anyway, every segment counts as a
	// property name.
	_ = dec.Decode(&doc)

	type keyed struct {
		report Report
		key    []sortStep
	}
	out := make([]keyed, 0, len(errs))
	for _, e := range errs {
		if e.Type() == "number_all_of" {
			// gojsonschema adds this summary beside the errors of every
			// failing allOf member; networknt's AllOfValidator returns the
			// members' errors alone.
			continue
		}
		segments := contextSegments(e.Context())
		path, steps := locate(doc, segments, order)
		r, schemaKeyword := reportFor(e, path)
		last := sortStep{keyword: schemaKeyword}
		if schemaKeyword == "additionalProperties" && len(r.Targets) == 1 {
			// AdditionalPropertiesValidator walks the instance's keys, which
			// circeToJackson put in Scala Map order too.
			last.index = indexOf(scalamap.Order(objectKeysAt(instance, segments)), r.Targets[0])
		}
		out = append(out, keyed{report: r, key: append(steps, last)})
	}
	sort.SliceStable(out, func(i, j int) bool { return lessSteps(out[i].key, out[j].key) })

	reports := make([]Report, len(out))
	for i, k := range out {
		reports[i] = k.report
	}
	return reports
}

// reportFor builds the networknt report of one error at path and returns
// the schema keyword networknt sorts it by.
func reportFor(e gojsonschema.ResultError, path string) (Report, string) {
	details := e.Details()
	detail := func(name string) string {
		// networknt prints a schema number as Jackson's asText does: 0,
		// 128, 1073741824, never in exponent form.
		if f, ok := details[name].(*big.Float); ok {
			return f.Text('f', -1)
		}
		return fmt.Sprint(details[name])
	}

	var keyword, schemaKeyword string
	var targets []string
	switch e.Type() {
	case "invalid_type":
		given := jsonType(e.Value())
		expected := detail("expected")
		if strings.HasPrefix(expected, "[") {
			// networknt's UnionTypeValidator lists the types as "[a, b]".
			keyword = "unionType"
			targets = []string{given, strings.ReplaceAll(expected, ",", ", ")}
		} else {
			keyword = "type"
			targets = []string{given, expected}
		}
		schemaKeyword = "type"
	case "format":
		format := detail("format")
		value, _ := e.Value().(string)
		keyword, targets = formatFailure(format, value)
		schemaKeyword = "format"
	case "string_lte":
		keyword, targets = "maxLength", []string{detail("max")}
	case "string_gte":
		keyword, targets = "minLength", []string{detail("min")}
	case "required", "additional_property_not_allowed":
		keyword, targets = errorTranslation[e.Type()], []string{detail("property")}
	case "pattern":
		keyword, targets = "pattern", []string{detail("pattern")}
	case "number_lte":
		keyword, targets = "maximum", []string{detail("max")}
	case "number_gte":
		keyword, targets = "minimum", []string{detail("min")}
	case "array_min_items":
		keyword, targets = "minItems", []string{detail("min")}
	case "array_max_items":
		keyword, targets = "maxItems", []string{detail("max")}
	case "enum":
		keyword, targets = "enum", []string{enumText(detail("allowed"))}
	default:
		// TODO: networknt's anyOf returns every alternative's errors and no
		// summary, while gojsonschema returns a summary and the errors of the
		// closest alternative; sgkit keeps gojsonschema's report for anyOf,
		// oneOf and not, named with networknt's keyword.
		keyword = errorTranslation[e.Type()]
		if keyword == "" {
			keyword = e.Type()
		}
	}
	if schemaKeyword == "" {
		schemaKeyword = keyword
	}
	if targets == nil {
		targets = []string{}
	}

	message := path + ": " + e.Description()
	if _, ok := networkntMessages[keyword]; ok && len(targets) > 0 {
		message = formatMessage(keyword, path, targets)
	}
	return Report{Message: message, Path: path, Keyword: keyword, Targets: targets}, schemaKeyword
}

// enumText prints an enumeration as networknt's EnumValidator does: "[" +
// each value's Jackson asText joined by ", " + "]". gojsonschema details the
// allowed values as their JSON texts joined by ", ", which reads back as a
// JSON array.
func enumText(allowed string) string {
	var values []any
	dec := json.NewDecoder(strings.NewReader("[" + allowed + "]"))
	dec.UseNumber()
	if err := dec.Decode(&values); err != nil {
		return "[" + allowed + "]"
	}
	texts := make([]string, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case string:
			texts[i] = x
		case nil:
			texts[i] = "null"
		case bool, json.Number:
			texts[i] = fmt.Sprint(x)
		default:
			// asText of an object or array node is "".
			texts[i] = ""
		}
	}
	return "[" + strings.Join(texts, ", ") + "]"
}

// jsonType names a decoded JSON value's type as networknt's JsonType does:
// a number without fraction or exponent is an integer.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "number"
		}
		return "integer"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case int, int64:
		return "integer"
	}
	return "unknown"
}

// contextSegments splits gojsonschema's "(root).a.b" context into its
// property names and array indexes, using a separator that property names
// in practice never contain.
func contextSegments(c *gojsonschema.JsonContext) []string {
	parts := strings.Split(c.String("\x00"), "\x00")
	if len(parts) > 0 && parts[0] == gojsonschema.STRING_CONTEXT_ROOT {
		parts = parts[1:]
	}
	return parts
}

// sortStep is one level of networknt's depth-first order: the validator's
// keyword at that schema level, then the property's position in the
// schema document or the array index.
type sortStep struct {
	keyword string
	index   int
}

// lessSteps orders like networknt's JsonSchema VALIDATOR_SORT: at each
// level "properties" first, then the other keywords by name, and inside
// "properties" in propertyOrder.
func lessSteps(a, b []sortStep) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x.keyword != y.keyword {
			if x.keyword == "properties" {
				return true
			}
			if y.keyword == "properties" {
				return false
			}
			return x.keyword < y.keyword
		}
		if x.index != y.index {
			return x.index < y.index
		}
	}
	return len(a) < len(b)
}

// locate builds the networknt path of segments and the sort steps that
// lead to it, telling property names from array indexes by the instance.
func locate(doc any, segments []string, order *propertyOrder) (string, []sortStep) {
	var b strings.Builder
	b.WriteString("$")
	steps := make([]sortStep, 0, len(segments)+1)
	node := doc
	for _, seg := range segments {
		if arr, ok := node.([]any); ok {
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(arr) {
				b.WriteString("[" + seg + "]")
				steps = append(steps, sortStep{keyword: "items", index: i})
				node = arr[i]
				order = order.itemsOrder()
				continue
			}
		}
		b.WriteString("." + seg)
		steps = append(steps, sortStep{keyword: "properties", index: order.indexOf(seg)})
		if obj, ok := node.(map[string]any); ok {
			node = obj[seg]
		} else {
			node = nil
		}
		order = order.child(seg)
	}
	return b.String(), steps
}

// propertyOrder records the order in which networknt's PropertiesValidator
// visits the "properties" of a schema and of the schemas below it. That is
// the order of the Jackson ObjectNode iglu-scala-client builds, which is the
// Scala Map order of the schema document's keys (see scalamap.Order).
type propertyOrder struct {
	names    []string
	children map[string]*propertyOrder
	items    *propertyOrder
}

func (p *propertyOrder) indexOf(name string) int {
	if p != nil {
		for i, n := range p.names {
			if n == name {
				return i
			}
		}
		return len(p.names)
	}
	return 0
}

func (p *propertyOrder) child(name string) *propertyOrder {
	if p == nil {
		return nil
	}
	return p.children[name]
}

func (p *propertyOrder) itemsOrder() *propertyOrder {
	if p == nil {
		return nil
	}
	return p.items
}

// readPropertyOrder reads the property order of a schema document.
func readPropertyOrder(schema []byte) (*propertyOrder, error) {
	dec := json.NewDecoder(bytes.NewReader(schema))
	return readSchemaObject(dec)
}

// readSchemaObject reads one JSON value; for an object it records the
// order under "properties" and follows "items".
func readSchemaObject(dec *json.Decoder) (*propertyOrder, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, skipRest(dec, tok)
	}
	order := &propertyOrder{children: map[string]*propertyOrder{}}
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := keyTok.(string)
		switch key {
		case "properties":
			if err := readProperties(dec, order); err != nil {
				return nil, err
			}
		case "items":
			if order.items, err = readSchemaObject(dec); err != nil {
				return nil, err
			}
		default:
			if _, err := readSchemaObject(dec); err != nil {
				return nil, err
			}
		}
	}
	_, err = dec.Token() // closing '}'
	return order, err
}

func readProperties(dec *json.Decoder, order *propertyOrder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return skipRest(dec, tok)
	}
	for dec.More() {
		nameTok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := nameTok.(string)
		child, err := readSchemaObject(dec)
		if err != nil {
			return err
		}
		order.names = append(order.names, name)
		order.children[name] = child
	}
	order.names = scalamap.Order(order.names)
	_, err = dec.Token()
	return err
}

// skipRest consumes the rest of a value whose first token was tok.
func skipRest(dec *json.Decoder, tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || d == '}' || d == ']' {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return len(names)
}

// objectKeysAt returns the keys, in document order, of the object that
// segments lead to in the JSON instance; nil when there is none.
func objectKeysAt(instance []byte, segments []string) []string {
	dec := json.NewDecoder(bytes.NewReader(instance))
	for _, seg := range segments {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		switch tok {
		case json.Delim('{'):
			if !seekKey(dec, seg) {
				return nil
			}
		case json.Delim('['):
			i, err := strconv.Atoi(seg)
			if err != nil {
				return nil
			}
			for ; i > 0; i-- {
				if skipValue(dec) != nil {
					return nil
				}
			}
		default:
			return nil
		}
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, fmt.Sprint(k))
		if skipValue(dec) != nil {
			return keys
		}
	}
	return keys
}

// seekKey advances dec, just inside an object, to the value of key.
func seekKey(dec *json.Decoder, key string) bool {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return false
		}
		if k == key {
			return true
		}
		if skipValue(dec) != nil {
			return false
		}
	}
	return false
}

// skipValue consumes one JSON value.
func skipValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return skipRest(dec, tok)
}
