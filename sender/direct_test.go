package sender_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/sender"
)

// countingServer is a loopback HTTP server that counts the TCP connections
// it accepts and records each request's Accept-Encoding header.
type countingServer struct {
	server *httptest.Server
	conns  atomic.Int64

	mu             sync.Mutex
	acceptEncoding map[int][]string
}

func newCountingServer(handler http.HandlerFunc) *countingServer {
	c := &countingServer{acceptEncoding: map[int][]string{}}
	c.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		Expect(err).NotTo(HaveOccurred())
		c.mu.Lock()
		c.acceptEncoding[len(body)] = r.Header.Values("Accept-Encoding")
		c.mu.Unlock()
		handler(w, r)
	}))
	c.server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			c.conns.Add(1)
		}
	}
	c.server.Start()
	DeferCleanup(c.server.Close)
	return c
}

func (c *countingServer) url() *url.URL {
	u, err := url.Parse(c.server.URL)
	Expect(err).NotTo(HaveOccurred())
	return u
}

// respondOK responds 200 with the body "ok".
func respondOK(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "ok")
}

// rawServer accepts connections on loopback and lets respond write bytes
// that net/http's server would not, such as a close-delimited body.
func rawServer(respond func(conn net.Conn, br *bufio.Reader)) *url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var wg sync.WaitGroup
	DeferCleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				respond(conn, bufio.NewReader(conn))
			}()
		}
	}()
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}
}

// rawOK is a complete 200 response with a two-byte body.
const rawOK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// readRequest reads one request and its body from br and reports whether
// both were read.
func readRequest(br *bufio.Reader) bool {
	req, err := http.ReadRequest(br)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, req.Body)
	return err == nil
}

// resultBodies decodes vegeta results and returns each response body.
func resultBodies(buf *bytes.Buffer) []string {
	GinkgoHelper()
	var bodies []string
	dec := vegeta.NewDecoder(buf)
	for {
		var res vegeta.Result
		err := dec.Decode(&res)
		if errors.Is(err, io.EOF) {
			return bodies
		}
		Expect(err).NotTo(HaveOccurred())
		bodies = append(bodies, string(res.Body))
	}
}

var _ = Describe("Sender's HTTP/1.1 connections", func() {
	It("reuses one keep-alive connection per worker", func() {
		srv := newCountingServer(respondOK)
		s := &sender.Sender{Collector: srv.url(), Workers: 1}
		rep, err := s.Send(context.Background(), plan(50))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(50))
		Expect(srv.conns.Load()).To(BeEquivalentTo(1))
	})

	It("redials after Connection: close", func() {
		srv := newCountingServer(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Connection", "close")
			io.WriteString(w, "ok")
		})
		s := &sender.Sender{Collector: srv.url(), Workers: 1}
		rep, err := s.Send(context.Background(), plan(20))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(20))
		Expect(srv.conns.Load()).To(BeEquivalentTo(20))
	})

	It("redials after a silent server close", func() {
		var conns atomic.Int64
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			conns.Add(1)
			if readRequest(br) {
				io.WriteString(conn, rawOK)
			}
		})
		// Paced at 50 a second, the server's close reaches the client
		// long before the next request.
		s := &sender.Sender{Collector: collector, Workers: 1, Rate: 50}
		rep, err := s.Send(context.Background(), plan(10))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Errors).To(BeEmpty())
		Expect(rep.Succeeded).To(Equal(10))
		Expect(conns.Load()).To(BeEquivalentTo(10))
	})

	It("reads a close-delimited body", func() {
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(conn, "HTTP/1.0 200 OK\r\n\r\nok")
			}
		})
		var buf bytes.Buffer
		s := &sender.Sender{Collector: collector, Workers: 1, Results: vegeta.NewEncoder(&buf)}
		rep, err := s.Send(context.Background(), plan(3))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(3))
		Expect(resultBodies(&buf)).To(Equal([]string{"ok", "ok", "ok"}))
	})

	It("skips interim 1xx responses", func() {
		// 103 Early Hints precedes the final response (RFC 8297).
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			for readRequest(br) {
				io.WriteString(conn, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"+rawOK)
			}
		})
		var buf bytes.Buffer
		s := &sender.Sender{Collector: collector, Workers: 1, Results: vegeta.NewEncoder(&buf)}
		rep, err := s.Send(context.Background(), plan(3))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Statuses).To(Equal(map[string]int{"200": 3}))
		Expect(resultBodies(&buf)).To(Equal([]string{"ok", "ok", "ok"}))
	})

	It("drops a connection with stray bytes", func() {
		var conns atomic.Int64
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			conns.Add(1)
			for readRequest(br) {
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
			}
		})
		s := &sender.Sender{Collector: collector, Workers: 1}
		rep, err := s.Send(context.Background(), plan(5))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(5))
		Expect(conns.Load()).To(BeEquivalentTo(5))
	})

	It("reuses a connection after its deadline", func() {
		// Paced at 20 a second with a 10 ms timeout, each connection
		// waits in the pool past the deadline of its last attempt.
		srv := newCountingServer(respondOK)
		s := &sender.Sender{Collector: srv.url(), Workers: 1, Rate: 20, Timeout: 10 * time.Millisecond}
		rep, err := s.Send(context.Background(), plan(5))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(5))
		Expect(srv.conns.Load()).To(BeEquivalentTo(1))
	})

	It("rejects response headers over 10 MiB", func() {
		// net/http's Transport has the same default limit, 10 << 20 bytes
		// (Transport.MaxResponseHeaderBytes).
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			if readRequest(br) {
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 11<<20)+"\r\nContent-Length: 2\r\n\r\nok")
			}
		})
		var buf bytes.Buffer
		s := &sender.Sender{Collector: collector, Workers: 1, Results: vegeta.NewEncoder(&buf)}
		rep, err := s.Send(context.Background(), plan(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Statuses).To(BeEmpty())
		Expect(rep.Errors).To(Equal(map[sender.ErrorKind]int{sender.ErrorOther: 1}))
		var res vegeta.Result
		Expect(vegeta.NewDecoder(&buf).Decode(&res)).To(Succeed())
		Expect(res.Error).To(ContainSubstring("server response headers exceeded 10485760 bytes"))
	})

	It("never reuses a connection after 101", func() {
		// After 101 Switching Protocols the connection no longer carries
		// HTTP/1.1 (RFC 9110 section 15.2.2), so this server only reads on.
		var conns atomic.Int64
		collector := rawServer(func(conn net.Conn, br *bufio.Reader) {
			conns.Add(1)
			if readRequest(br) {
				io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: example\r\n\r\n")
				io.Copy(io.Discard, br)
			}
		})
		s := &sender.Sender{Collector: collector, Workers: 1, Timeout: time.Second}
		rep, err := s.Send(context.Background(), plan(3))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Statuses).To(Equal(map[string]int{"101": 3}))
		Expect(rep.Errors).To(BeEmpty())
		Expect(conns.Load()).To(BeEquivalentTo(3))
	})

	It("sends large bodies through net/http", func() {
		// net/http's Transport requests gzip unless DisableCompression is
		// set (its package documentation), and the direct connections do
		// not.
		srv := newCountingServer(respondOK)
		small := sender.Request{Method: http.MethodPost, Path: "/com.statusgator/v1", Body: ptr("a=b")}
		large := sender.Request{Method: http.MethodPost, Path: "/com.statusgator/v1", Body: ptr("a=" + strings.Repeat("b", 64<<10))}
		s := &sender.Sender{Collector: srv.url(), Workers: 1}
		rep, err := s.Send(context.Background(), []sender.Request{small, large})
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Succeeded).To(Equal(2))
		srv.mu.Lock()
		defer srv.mu.Unlock()
		Expect(srv.acceptEncoding).To(Equal(map[int][]string{
			len(*small.Body): nil,
			len(*large.Body): {"gzip"},
		}))
	})

	It("sends https through net/http", func() {
		// The test server's certificate is not trusted, so an attempt
		// through net/http's TLS fails verification. Plain HTTP sent to it
		// would get a 400 response instead (net/http's server).
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, "ok")
		}))
		DeferCleanup(srv.Close)
		collector, err := url.Parse(srv.URL)
		Expect(err).NotTo(HaveOccurred())

		var buf bytes.Buffer
		s := &sender.Sender{Collector: collector, Workers: 1, Results: vegeta.NewEncoder(&buf)}
		rep, err := s.Send(context.Background(), plan(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Statuses).To(BeEmpty())
		Expect(rep.Errors).To(Equal(map[sender.ErrorKind]int{sender.ErrorOther: 1}))
		var res vegeta.Result
		Expect(vegeta.NewDecoder(&buf).Decode(&res)).To(Succeed())
		Expect(res.Error).To(ContainSubstring("certificate"))
	})
})

func ptr(s string) *string { return &s }
