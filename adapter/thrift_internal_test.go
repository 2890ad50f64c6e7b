package adapter

import (
	"encoding/base64"
	"time"

	. "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"
)

var _ = Describe("Thrift CollectorPayload", func() {
	// The first payload of enrich's ThriftLoaderSpec ("tolerate fake tracker
	// protocol GET parameters", commit 607962e) with the fields the spec
	// decodes from it.
	const spec = "CwBkAAAACTEyNy4wLjAuMQoAyAAAAUOYhqgGCwDSAAAABVVURi04CwDcAAAAEHNzYy0wLjAuMS1TdGRvdXQLASwAAABoTW96aWxsYS81LjAgKFgxMTsgTGludXggeDg2XzY0KSBBcHBsZVdlYktpdC81MzcuMzYgKEtIVE1MLCBsaWtlIEdlY2tvKSBDaHJvbWUvMzEuMC4xNjUwLjYzIFNhZmFyaS81MzcuMzYLAUAAAAACL2kLAUoAAAAYdGVzdFBhcmFtPTMmdGVzdFBhcmFtMj00DwFeCwAAAAgAAAAvQ29va2llOiBzcD1jNWYzYTA5Zi03NWY4LTQzMDktYmVjNS1mZWE1NjBmNzg0NTUAAAAaQWNjZXB0LUxhbmd1YWdlOiBlbi1VUywgZW4AAAAkQWNjZXB0LUVuY29kaW5nOiBnemlwLCBkZWZsYXRlLCBzZGNoAAAAdFVzZXItQWdlbnQ6IE1vemlsbGEvNS4wIChYMTE7IExpbnV4IHg4Nl82NCkgQXBwbGVXZWJLaXQvNTM3LjM2IChLSFRNTCwgbGlrZSBHZWNrbykgQ2hyb21lLzMxLjAuMTY1MC42MyBTYWZhcmkvNTM3LjM2AAAAVkFjY2VwdDogdGV4dC9odG1sLCBhcHBsaWNhdGlvbi94aHRtbCt4bWwsIGFwcGxpY2F0aW9uL3htbDtxPTAuOSwgaW1hZ2Uvd2VicCwgKi8qO3E9MC44AAAAGENhY2hlLUNvbnRyb2w6IG1heC1hZ2U9MAAAABZDb25uZWN0aW9uOiBrZWVwLWFsaXZlAAAAFEhvc3Q6IDEyNy4wLjAuMTo4MDgwCwGQAAAACTEyNy4wLjAuMQsBmgAAACRjNWYzYTA5Zi03NWY4LTQzMDktYmVjNS1mZWE1NjBmNzg0NTULemkAAABBaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvQ29sbGVjdG9yUGF5bG9hZC90aHJpZnQvMS0wLTAA"
	ua := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/31.0.1650.63 Safari/537.36"
	cp := CollectorPayload{
		Path:          "/i",
		QueryString:   "testParam=3&testParam2=4",
		Collector:     "ssc-0.0.1-Stdout",
		Timestamp:     time.Date(2014, 1, 16, 0, 49, 58, 278_000_000, time.UTC),
		IPAddress:     "127.0.0.1",
		Hostname:      "127.0.0.1",
		UserAgent:     ua,
		NetworkUserID: "c5f3a09f-75f8-4309-bec5-fea560f78455",
		Headers: []string{
			"Cookie: sp=c5f3a09f-75f8-4309-bec5-fea560f78455",
			"Accept-Language: en-US, en",
			"Accept-Encoding: gzip, deflate, sdch",
			"User-Agent: " + ua,
			"Accept: text/html, application/xhtml+xml, application/xml;q=0.9, image/webp, */*;q=0.8",
			"Cache-Control: max-age=0",
			"Connection: keep-alive",
			"Host: 127.0.0.1:8080",
		},
	}

	It("serializes as enrich's ThriftLoaderSpec payload, byte for byte", func() {
		gm.Expect(ThriftBase64(cp)).To(gm.Equal(spec))
		raw, err := base64.StdEncoding.DecodeString(spec)
		gm.Expect(err).NotTo(gm.HaveOccurred())
		gm.Expect(ThriftSize(cp)).To(gm.Equal(len(raw)))
	})

	It("prints the generated toString in declaration order", func() {
		s := ThriftString(cp)
		gm.Expect(s).To(gm.HavePrefix("CollectorPayload(schema:" + CollectorPayloadSchema + ", ipAddress:127.0.0.1, timestamp:1389833398278, encoding:UTF-8, collector:ssc-0.0.1-Stdout, userAgent:Mozilla"))
		gm.Expect(s).To(gm.ContainSubstring(", path:/i, querystring:testParam=3&testParam2=4, headers:[Cookie: sp="))
		gm.Expect(s).To(gm.HaveSuffix(", hostname:127.0.0.1, networkUserId:c5f3a09f-75f8-4309-bec5-fea560f78455)"))
	})
})
