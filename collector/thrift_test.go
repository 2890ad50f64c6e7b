package collector_test

import (
	"context"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// serializeWithThrift writes the collector-payload-1 struct for cp with
// Apache Thrift's binary protocol, as the Java class generated from the IDL
// does: fields in ascending id order, required ones always, optional ones
// when the stream collector sets them.
func serializeWithThrift(cp adapter.CollectorPayload, collector string, contentType *string) []byte {
	ctx := context.Background()
	buf := thrift.NewTMemoryBuffer()
	p := thrift.NewTBinaryProtocolConf(buf, nil)

	str := func(id int16, value string) {
		Expect(p.WriteFieldBegin(ctx, "", thrift.STRING, id)).To(Succeed())
		Expect(p.WriteString(ctx, value)).To(Succeed())
		Expect(p.WriteFieldEnd(ctx)).To(Succeed())
	}
	Expect(p.WriteStructBegin(ctx, "CollectorPayload")).To(Succeed())
	str(100, cp.IPAddress)
	Expect(p.WriteFieldBegin(ctx, "", thrift.I64, 200)).To(Succeed())
	Expect(p.WriteI64(ctx, cp.Timestamp.UnixMilli())).To(Succeed())
	Expect(p.WriteFieldEnd(ctx)).To(Succeed())
	str(210, "UTF-8")
	str(220, collector)
	if cp.UserAgent != "" {
		str(300, cp.UserAgent)
	}
	if cp.RefererURI != "" {
		str(310, cp.RefererURI)
	}
	str(320, cp.Path)
	str(330, cp.QueryString)
	if cp.Body != nil {
		str(340, *cp.Body)
	}
	Expect(p.WriteFieldBegin(ctx, "", thrift.LIST, 350)).To(Succeed())
	Expect(p.WriteListBegin(ctx, thrift.STRING, len(cp.Headers))).To(Succeed())
	for _, h := range cp.Headers {
		Expect(p.WriteString(ctx, h)).To(Succeed())
	}
	Expect(p.WriteListEnd(ctx)).To(Succeed())
	Expect(p.WriteFieldEnd(ctx)).To(Succeed())
	if contentType != nil {
		str(360, *contentType)
	}
	if cp.Hostname != "" {
		str(400, cp.Hostname)
	}
	str(410, cp.NetworkUserID)
	str(31337, "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0")
	Expect(p.WriteFieldStop(ctx)).To(Succeed())
	Expect(p.WriteStructEnd(ctx)).To(Succeed())
	Expect(p.Flush(ctx)).To(Succeed())
	return buf.Bytes()
}

// The collector compares this size with its limit, so it is checked here
// against the Apache Thrift library rather than against sgkit's own encoder.
var _ = DescribeTable("Payload size measured as Apache Thrift encodes it",
	func(cp adapter.CollectorPayload, storedContentType *string) {
		want := serializeWithThrift(cp, adapter.DefaultCollectorName, storedContentType)
		Expect(adapter.ThriftBytes(cp)).To(Equal(want))
		Expect(adapter.ThriftSize(cp)).To(Equal(len(want)))
	},
	Entry("no optional fields", adapter.CollectorPayload{
		Path: "/com.statusgator/v1", Timestamp: time.UnixMilli(1733326922123), IPAddress: "127.0.0.1",
		Headers: []string{}, NetworkUserID: "c6ef3124-b53a-4b13-a233-0d7ca5c1b1aa",
	}, nil),
	Entry("every optional field, multi-byte body", adapter.CollectorPayload{
		Path: "/com.statusgator/v1", QueryString: "aid=x&eid=1", ContentType: ptr(formType),
		Body: ptr("service_name=Caf\u00e9+\u2603"), Timestamp: time.UnixMilli(1), IPAddress: "::1",
		Hostname: "localhost", UserAgent: "curl/8.5.0", RefererURI: "http://example.com/",
		Headers: []string{"Host: 127.0.0.1", formType}, NetworkUserID: "n",
	}, ptr(formType)),
)
