package adapter

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// The collector hands enrich a Thrift CollectorPayload
// (iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0,
// collector-payload-1 IDL), serialized with TBinaryProtocol. Enrich quotes
// it in collector_payload_format_violation rows (Base64 of the bytes) and
// the collector in size_violation rows (its toString, cut), so sgkit
// rebuilds both from a CollectorPayload.

// CollectorPayloadSchema is the schema field of every Thrift payload.
const CollectorPayloadSchema = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0"

// thriftField is one set field of the Thrift struct.
type thriftField struct {
	id    int16
	name  string
	str   *string  // STRING fields
	i64   *int64   // the I64 timestamp
	list  []string // the LIST<STRING> headers
	isLst bool
}

// thriftFields returns the set fields the stream collector's
// Service.buildEvent writes for cp, in IDL declaration order (the order of
// the generated toString). querystring, path, headers and networkUserId are
// always set; body, userAgent, refererUri, hostname and contentType only
// when present.
func thriftFields(cp CollectorPayload) []thriftField {
	str := func(s string) *string { return &s }
	// A payload without a collector time (as `sgkit predict` builds it
	// without --timestamp) is written with 0, the Thrift default.
	var ts int64
	if !cp.Timestamp.IsZero() {
		ts = cp.Timestamp.UnixMilli()
	}
	collector := cp.Collector
	if collector == "" {
		collector = DefaultCollectorName
	}
	path := cp.Path
	if vendor, version, ok := splitAPIPath(cp.Path); ok {
		path = "/" + vendor + "/" + version // Service.determinePath without a configured mapping
	}

	fields := []thriftField{
		{id: 31337, name: "schema", str: str(CollectorPayloadSchema)},
		{id: 100, name: "ipAddress", str: str(cp.IPAddress)},
		{id: 200, name: "timestamp", i64: &ts},
		{id: 210, name: "encoding", str: str("UTF-8")},
		{id: 220, name: "collector", str: str(collector)},
	}
	opt := func(id int16, name, v string, set bool) {
		if set {
			fields = append(fields, thriftField{id: id, name: name, str: str(v)})
		}
	}
	opt(300, "userAgent", cp.UserAgent, cp.UserAgent != "")
	opt(310, "refererUri", cp.RefererURI, cp.RefererURI != "")
	opt(320, "path", path, true)
	opt(330, "querystring", cp.QueryString, true)
	if cp.Body != nil {
		opt(340, "body", normalizeBody(*cp.Body), true)
	}
	headers := cp.Headers
	if headers == nil {
		headers = []string{}
	}
	fields = append(fields, thriftField{id: 350, name: "headers", list: headers, isLst: true})
	if ct := storedContentType(cp.ContentType); ct != nil {
		opt(360, "contentType", *ct, true)
	}
	opt(400, "hostname", cp.Hostname, cp.Hostname != "")
	opt(410, "networkUserId", cp.NetworkUserID, true)
	return fields
}

// ThriftBytes serializes cp as the collector's TSerializer does
// (TBinaryProtocol). The generated StandardScheme writes fields in
// ascending id order, so schema (31337) comes last, as in enrich's
// ThriftLoaderSpec payloads, which start with ipAddress (id 100).
func ThriftBytes(cp CollectorPayload) []byte {
	fields := thriftFields(cp)
	// Ascending field ids: move schema (31337) from first to last.
	ordered := append(fields[1:len(fields):len(fields)], fields[0])

	var b []byte
	be16 := func(v int16) { b = binary.BigEndian.AppendUint16(b, uint16(v)) }
	be32 := func(v int32) { b = binary.BigEndian.AppendUint32(b, uint32(v)) }
	writeString := func(s string) {
		be32(int32(len(s)))
		b = append(b, s...)
	}
	for _, f := range ordered {
		switch {
		case f.isLst:
			b = append(b, 15) // TType.LIST
			be16(f.id)
			b = append(b, 11) // element type STRING
			be32(int32(len(f.list)))
			for _, s := range f.list {
				writeString(s)
			}
		case f.i64 != nil:
			b = append(b, 10) // TType.I64
			be16(f.id)
			b = binary.BigEndian.AppendUint64(b, uint64(*f.i64))
		default:
			b = append(b, 11) // TType.STRING
			be16(f.id)
			writeString(*f.str)
		}
	}
	return append(b, 0) // TType.STOP
}

// ThriftBase64 is the payload of a collector_payload_format_violation row:
// enrich's ThriftLoader.toBase64String of the raw Thrift bytes.
func ThriftBase64(cp CollectorPayload) string {
	return base64.StdEncoding.EncodeToString(ThriftBytes(cp))
}

// ThriftSize is the serialized size the collector compares with its sink's
// limits (SplitBatch.splitAndSerializePayload).
func ThriftSize(cp CollectorPayload) int { return len(ThriftBytes(cp)) }

// ThriftString is the generated CollectorPayload.toString the collector
// quotes in a size_violation row: "CollectorPayload(name:value, ...)" in
// declaration order, set fields only, lists as java.util.List.toString.
func ThriftString(cp CollectorPayload) string {
	var b strings.Builder
	b.WriteString("CollectorPayload(")
	for i, f := range thriftFields(cp) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
		b.WriteByte(':')
		switch {
		case f.isLst:
			b.WriteString("[" + strings.Join(f.list, ", ") + "]")
		case f.i64 != nil:
			b.WriteString(strconv.FormatInt(*f.i64, 10))
		default:
			b.WriteString(*f.str)
		}
	}
	b.WriteByte(')')
	return b.String()
}
