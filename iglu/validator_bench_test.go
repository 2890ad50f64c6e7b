package iglu_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sgkit/sgkit/iglu"
)

// BenchmarkValidate measures status_change validations with the embedded
// repository, schema already compiled: one valid event and one with three
// failures, the report built.
func BenchmarkValidate(b *testing.B) {
	v := iglu.Default()
	ctx := context.Background()
	key := iglu.MustParseURI("iglu:com.statusgator/status_change/jsonschema/1-0-0")
	cases := map[string]string{
		"valid": `{"serviceName":"CloudFlare","faviconUrl":"https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico",` +
			`"statusPageUrl":"https://www.cloudflarestatus.com/","homePageUrl":"https://www.cloudflare.com",` +
			`"currentStatus":"up","lastStatus":"warn","occurredAt":"2016-05-19T09:26:31+00:00"}`,
		"invalid": `{"serviceName":"` + strings.Repeat("a", 129) + `","faviconUrl":"//x","occurredAt":"2016-05-19T09:26:31"}`,
	}
	for name, data := range cases {
		b.Run(name, func(b *testing.B) {
			if _, err := v.Validate(ctx, key, []byte(data)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := v.Validate(ctx, key, []byte(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
