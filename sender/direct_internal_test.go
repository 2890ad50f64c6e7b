package sender

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
