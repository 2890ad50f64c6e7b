package sender

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These specs look inside the pool, which the Sender does not expose. The
// package's own Report type rules out a dot import of ginkgo here.
var _ = ginkgo.Describe("directTransport's idle pool", func() {
	ginkgo.It("sweeps connections the server closed", func() {
		const opened = 3
		arrived := make(chan struct{}, opened)
		release := make(chan struct{})
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			select {
			case arrived <- struct{}{}:
			default:
				// Requests after the first three are not counted.
			}
			<-release
			io.WriteString(w, "ok")
		}))
		// The server closes a connection idle for 20 ms, as a collector
		// behind a load balancer with a short idle timeout does.
		srv.Config.IdleTimeout = 20 * time.Millisecond
		srv.Start()
		ginkgo.DeferCleanup(srv.Close)

		t := &directTransport{dialer: &net.Dialer{}, timeout: 5 * time.Second, enabled: true, fallback: http.DefaultTransport}
		ginkgo.DeferCleanup(t.CloseIdleConnections)
		send := func() {
			ginkgo.GinkgoHelper()
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/com.statusgator/v1", nil)
			Expect(err).NotTo(HaveOccurred())
			req.ContentLength = 0
			resp, err := t.RoundTrip(req)
			Expect(err).NotTo(HaveOccurred())
			Expect(io.ReadAll(resp.Body)).To(Equal([]byte("ok")))
			Expect(resp.Body.Close()).To(Succeed())
		}
		idle := func() int {
			t.mu.Lock()
			defer t.mu.Unlock()
			return len(t.idle[srv.Listener.Addr().String()])
		}

		// Three requests at once open three connections.
		done := make(chan struct{})
		for range opened {
			go func() {
				defer ginkgo.GinkgoRecover()
				send()
				done <- struct{}{}
			}()
		}
		for range opened {
			Eventually(arrived).Should(Receive())
		}
		close(release)
		for range opened {
			Eventually(done).Should(Receive())
		}
		Expect(idle()).To(Equal(opened))

		// With no request in flight, the server closes all three and the
		// sweeper closes them too, then stops.
		Eventually(idle).Should(BeZero())
		Eventually(func() *time.Timer {
			t.mu.Lock()
			defer t.mu.Unlock()
			return t.sweeper
		}).Should(BeNil())
	})
})

var _ = ginkgo.Describe("Sender behind a proxy", func() {
	ginkgo.It("sends through net/http's Transport", func() {
		// A forward proxy on loopback records the request line. An HTTP
		// proxy receives the absolute URI (RFC 9112 section 3.2.2), which
		// only net/http's Transport writes.
		targets := make(chan string, 1)
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			targets <- r.RequestURI
			io.WriteString(w, "ok")
		}))
		ginkgo.DeferCleanup(proxy.Close)
		proxyURL, err := url.Parse(proxy.URL)
		Expect(err).NotTo(HaveOccurred())

		saved := proxyFromEnvironment
		proxyFromEnvironment = http.ProxyURL(proxyURL)
		ginkgo.DeferCleanup(func() { proxyFromEnvironment = saved })

		// The collector must see nothing directly.
		var direct atomic.Int64
		collector := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			direct.Add(1)
		}))
		ginkgo.DeferCleanup(collector.Close)
		collectorURL, err := url.Parse(collector.URL)
		Expect(err).NotTo(HaveOccurred())

		body := "service_name=GitHub"
		s := &Sender{Collector: collectorURL, Workers: 1}
		rep, err := s.Send(context.Background(), []Request{{Method: http.MethodPost, Path: "/com.statusgator/v1", Body: &body}})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(1))
		Expect(targets).To(Receive(Equal(collector.URL + "/com.statusgator/v1")))
		Expect(direct.Load()).To(BeZero())
	})
})
