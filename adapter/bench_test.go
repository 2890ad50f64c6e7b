package adapter_test

import (
	"testing"

	"github.com/sgkit/sgkit/adapter"
)

// BenchmarkPredict predicts the CloudFlare body of enrich's
// StatusGatorAdapterSpec with the adapter and atomic steps only, and with
// the default Predictor (Iglu validation and shredding included).
func BenchmarkPredict(b *testing.B) {
	ct := adapter.FormContentType
	body := "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00"
	cp := adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body}
	for _, bc := range []struct {
		name string
		p    *adapter.Predictor
	}{
		{"adapter", &adapter.Predictor{Now: fixedNow}},
		{"default", adapter.Default()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.p.Predict(cp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
