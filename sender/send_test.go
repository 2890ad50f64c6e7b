package sender_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/sender"
)

// received is one request as the stub collector read it.
type received struct {
	method, path, query string
	contentType         []string
	body                string
	header              http.Header
	at                  time.Time
}

// stubCollector is a real loopback HTTP server that records every request
// and responds as its respond function decides. respond gets the number of
// times the same query string was seen before, 0 for the first time.
type stubCollector struct {
	server  *httptest.Server
	respond func(w http.ResponseWriter, r *http.Request, seen int) outcome

	mu       sync.Mutex
	requests []received
	byQuery  map[string][]received
	outcomes map[string]int
}

// outcome is what the stub did with a request: a status code as text, or
// "timeout" or "reset".
type outcome string

func newStub(respond func(w http.ResponseWriter, r *http.Request, seen int) outcome) *stubCollector {
	s := &stubCollector{respond: respond, byQuery: map[string][]received{}, outcomes: map[string]int{}}
	s.server = httptest.NewServer(http.HandlerFunc(s.handle))
	DeferCleanup(s.server.Close)
	return s
}

func (s *stubCollector) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	Expect(err).NotTo(HaveOccurred())
	rec := received{
		method:      r.Method,
		path:        r.URL.Path,
		query:       r.URL.RawQuery,
		contentType: r.Header.Values("Content-Type"),
		body:        string(body),
		header:      r.Header.Clone(),
		at:          time.Now(),
	}
	s.mu.Lock()
	seen := len(s.byQuery[rec.query])
	s.requests = append(s.requests, rec)
	s.byQuery[rec.query] = append(s.byQuery[rec.query], rec)
	s.mu.Unlock()

	out := s.respond(w, r, seen)
	s.mu.Lock()
	s.outcomes[string(out)]++
	s.mu.Unlock()
}

func (s *stubCollector) url() *url.URL {
	u, err := url.Parse(s.server.URL)
	Expect(err).NotTo(HaveOccurred())
	return u
}

func (s *stubCollector) count(out outcome) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outcomes[string(out)]
}

// queries returns a copy of the requests received, by query string.
func (s *stubCollector) queries() map[string][]received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]received, len(s.byQuery))
	for q, recs := range s.byQuery {
		out[q] = append([]received(nil), recs...)
	}
	return out
}

func (s *stubCollector) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Responses of the stub.
func answer(code int) func(http.ResponseWriter, *http.Request, int) outcome {
	return func(w http.ResponseWriter, _ *http.Request, _ int) outcome {
		w.WriteHeader(code)
		io.WriteString(w, "ok")
		return outcome(strconv.Itoa(code))
	}
}

func failFirst(code int) func(http.ResponseWriter, *http.Request, int) outcome {
	return func(w http.ResponseWriter, r *http.Request, seen int) outcome {
		if seen == 0 {
			return answer(code)(w, r, seen)
		}
		return answer(200)(w, r, seen)
	}
}

// hang responds only after the client gave up, so every attempt times out.
func hang(w http.ResponseWriter, r *http.Request, _ int) outcome {
	<-r.Context().Done()
	return "timeout"
}

// reset closes the connection without a response.
func reset(w http.ResponseWriter, _ *http.Request, _ int) outcome {
	conn, _, err := w.(http.Hijacker).Hijack()
	Expect(err).NotTo(HaveOccurred())
	if tcp, ok := conn.(*net.TCPConn); ok {
		// A zero linger sends RST instead of FIN.
		tcp.SetLinger(0)
	}
	conn.Close()
	return "reset"
}

// fastPolicy is StatusGator's schedule run 100 000 times faster: the first
// retry after 20µs, the twentieth after about 10 s.
func fastPolicy(retries int) sender.RetryPolicy {
	p := sender.StatusGatorPolicy()
	p.Retries = retries
	p.Scale = 1e-5
	p.DisableAfter = 0
	return p
}

func plan(n int) []sender.Request {
	GinkgoHelper()
	return generate(sender.Options{Seed: 77, Count: n, SkipPredictions: true})
}

var _ = Describe("Sender", func() {
	It("delivers each request as generated, without vegeta's headers", func() {
		stub := newStub(answer(200))
		reqs := generate(sender.Options{Seed: 1, Corpus: sender.CorpusEdge, MaxBodyBytes: 100, SkipPredictions: true})
		s := &sender.Sender{Collector: stub.url(), Workers: 1}
		rep, err := s.Send(context.Background(), reqs)
		Expect(err).NotTo(HaveOccurred())
		Expect(stub.total()).To(Equal(len(reqs)))

		for _, r := range reqs {
			got := stub.queries()[r.Query]
			Expect(got).NotTo(BeEmpty(), "request %s", r.Name)
			rec := got[0]
			Expect(rec.method).To(Equal(r.Method), "request %s", r.Name)
			Expect(rec.path).To(Equal(r.Path), "request %s", r.Name)
			if r.ContentType == nil {
				Expect(rec.contentType).To(BeEmpty(), "request %s", r.Name)
			} else {
				Expect(rec.contentType).To(Equal([]string{*r.ContentType}), "request %s", r.Name)
			}
			if r.Body != nil {
				Expect(rec.body).To(Equal(*r.Body), "request %s", r.Name)
			}
			Expect(rec.header).NotTo(HaveKey("X-Vegeta-Seq"))
			Expect(rec.header).NotTo(HaveKey("X-Vegeta-Attack"))
		}
		Expect(rep.Requests).To(Equal(len(reqs)))
		Expect(rep.Succeeded).To(Equal(len(reqs)))
		Expect(rep.Statuses).To(Equal(map[string]int{"200": len(reqs)}))
		for i, rr := range rep.Results {
			Expect(rr.Name).To(Equal(reqs[i].Name))
			Expect(rr.Succeeded).To(BeTrue())
			Expect(rr.Attempts).To(Equal(1))
		}
	})

	It("sends at a constant rate for a count", func() {
		stub := newStub(answer(200))
		s := &sender.Sender{Collector: stub.url(), Rate: 500, Workers: 2}
		rep, err := s.Send(context.Background(), plan(50))
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Requests).To(Equal(50))
		Expect(stub.total()).To(Equal(50))
		Expect(rep.Stopped).To(Equal(sender.StopDone))
	})

	It("counts the duplicates it sends", func() {
		stub := newStub(answer(200))
		reqs := generate(sender.Options{Seed: 6, Count: 200, NaturalDuplicates: 0.2, SyntheticDuplicates: 0.2, SkipPredictions: true})
		want := sender.Duplicates{}
		for _, r := range reqs {
			switch r.Duplicate {
			case sender.NaturalDuplicate:
				want.Natural++
			case sender.SyntheticDuplicate:
				want.Synthetic++
			}
		}
		s := &sender.Sender{Collector: stub.url()}
		rep, err := s.Send(context.Background(), reqs)
		Expect(err).NotTo(HaveOccurred())
		Expect(want.Natural).To(BeNumerically(">", 0))
		Expect(rep.Duplicates).To(Equal(want))
	})

	It("returns an empty report for no requests", func() {
		stub := newStub(answer(200))
		s := &sender.Sender{Collector: stub.url()}
		rep, err := s.Send(context.Background(), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Requests).To(BeZero())
		Expect(rep.Stopped).To(Equal(sender.StopDone))
		Expect(stub.total()).To(BeZero())
	})

	It("sends a stream for a duration", func() {
		stub := newStub(answer(200))
		gen, err := sender.NewGenerator(sender.Options{Seed: 3, SkipPredictions: true})
		Expect(err).NotTo(HaveOccurred())
		s := &sender.Sender{Collector: stub.url(), Rate: 200, Duration: 100 * time.Millisecond}
		rep, err := s.Run(context.Background(), gen)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Requests).To(BeNumerically(">", 0))
		Expect(rep.Requests).To(Equal(stub.total()))
		Expect(rep.Results).To(BeEmpty())
	})

	Describe("fault injection", func() {
		It("retries every 500 as the policy says and counts each one", func() {
			stub := newStub(answer(500))
			s := &sender.Sender{Collector: stub.url(), Retry: fastPolicy(3)}
			rep, err := s.Send(context.Background(), plan(20))
			Expect(err).NotTo(HaveOccurred())

			Expect(stub.count("500")).To(Equal(80))
			Expect(rep.Statuses).To(Equal(map[string]int{"500": stub.count("500")}))
			Expect(rep.Attempts).To(Equal(80))
			Expect(rep.Retries).To(Equal(60))
			Expect(rep.Requests).To(Equal(20))
			Expect(rep.Failed).To(Equal(20))
			Expect(rep.Succeeded).To(Equal(0))
			for _, rr := range rep.Results {
				Expect(rr.Attempts).To(Equal(4))
				Expect(rr.Code).To(Equal(500))
			}
			for query, attempts := range stub.queries() {
				Expect(attempts).To(HaveLen(4), "query %s", query)
			}
		})

		It("waits the scaled delays between attempts", func() {
			stub := newStub(answer(503))
			policy := fastPolicy(3)
			policy.Scale = 1e-3 // 2 ms, 4 ms, 8 ms
			s := &sender.Sender{Collector: stub.url(), Retry: policy}
			_, err := s.Send(context.Background(), plan(3))
			Expect(err).NotTo(HaveOccurred())
			for query, attempts := range stub.queries() {
				Expect(attempts).To(HaveLen(4), "query %s", query)
				for n := 1; n < len(attempts); n++ {
					gap := attempts[n].at.Sub(attempts[n-1].at)
					Expect(gap).To(BeNumerically(">=", policy.Delay(n)), "query %s retry %d", query, n)
				}
			}
		})

		It("stops retrying at the first 200", func() {
			stub := newStub(failFirst(503))
			s := &sender.Sender{Collector: stub.url(), Retry: fastPolicy(20)}
			rep, err := s.Send(context.Background(), plan(25))
			Expect(err).NotTo(HaveOccurred())

			Expect(stub.count("503")).To(Equal(25))
			Expect(stub.count("200")).To(Equal(25))
			Expect(rep.Statuses).To(Equal(map[string]int{"503": 25, "200": 25}))
			Expect(rep.Retries).To(Equal(25))
			Expect(rep.Succeeded).To(Equal(25))
			Expect(rep.Failed).To(Equal(0))
			Expect(rep.Responses2xx).To(Equal(25))
			for _, rr := range rep.Results {
				Expect(rr.Attempts).To(Equal(2))
				Expect(rr.Succeeded).To(BeTrue())
			}
		})

		It("accounts the last retry wave's results", func() {
			// A retry wave's results could wait in a buffer when the loop saw
			// the wave done and ended; repeating the run makes that race show.
			for run := range 40 {
				stub := newStub(failFirst(503))
				s := &sender.Sender{Collector: stub.url(), Retry: fastPolicy(1)}
				rep, err := s.Send(context.Background(), plan(10))
				Expect(err).NotTo(HaveOccurred())
				Expect(rep.Statuses).To(Equal(map[string]int{"503": 10, "200": 10}), "run %d", run)
				Expect(rep.Succeeded).To(Equal(10), "run %d", run)
			}
		})

		It("counts responses slower than the timeout as timeouts, not retried", func() {
			stub := newStub(hang)
			s := &sender.Sender{Collector: stub.url(), Timeout: 50 * time.Millisecond, Retry: fastPolicy(20)}
			rep, err := s.Send(context.Background(), plan(8))
			Expect(err).NotTo(HaveOccurred())

			Eventually(func() int { return stub.count("timeout") }).Should(Equal(8))
			Expect(rep.Errors).To(Equal(map[sender.ErrorKind]int{sender.ErrorTimeout: 8}))
			Expect(rep.Attempts).To(Equal(8))
			Expect(rep.Retries).To(Equal(0))
			Expect(rep.Failed).To(Equal(8))
			for _, rr := range rep.Results {
				Expect(rr.ErrorKind).To(Equal(sender.ErrorTimeout))
				Expect(rr.Code).To(Equal(0))
			}
		})

		It("retries connection errors when the policy asks", func() {
			stub := newStub(hang)
			policy := fastPolicy(2)
			policy.RetryConnectionErrors = true
			s := &sender.Sender{Collector: stub.url(), Timeout: 30 * time.Millisecond, Retry: policy}
			rep, err := s.Send(context.Background(), plan(4))
			Expect(err).NotTo(HaveOccurred())
			Eventually(func() int { return stub.count("timeout") }).Should(Equal(12))
			Expect(rep.Errors[sender.ErrorTimeout]).To(Equal(12))
			Expect(rep.Retries).To(Equal(8))
		})

		It("counts reset connections as resets", func() {
			stub := newStub(reset)
			s := &sender.Sender{Collector: stub.url(), Retry: fastPolicy(20)}
			rep, err := s.Send(context.Background(), plan(10))
			Expect(err).NotTo(HaveOccurred())

			Eventually(func() int { return stub.count("reset") }).Should(Equal(10))
			Expect(rep.Errors).To(Equal(map[sender.ErrorKind]int{sender.ErrorReset: 10}))
			Expect(rep.Statuses).To(BeEmpty())
			Expect(rep.Failed).To(Equal(10))
		})

		It("counts a closed port as refused", func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := ln.Addr().String()
			Expect(ln.Close()).To(Succeed())
			s := &sender.Sender{Collector: &url.URL{Scheme: "http", Host: addr}}
			rep, err := s.Send(context.Background(), plan(3))
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.Errors).To(Equal(map[sender.ErrorKind]int{sender.ErrorRefused: 3}))
		})

		It("keeps exact accounting over mixed faults", func() {
			var n int
			var mu sync.Mutex
			stub := newStub(func(w http.ResponseWriter, r *http.Request, seen int) outcome {
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				switch k % 4 {
				case 0:
					return answer(500)(w, r, seen)
				case 1:
					return reset(w, r, seen)
				case 2:
					return answer(404)(w, r, seen)
				default:
					return answer(200)(w, r, seen)
				}
			})
			s := &sender.Sender{Collector: stub.url(), Workers: 4, Retry: fastPolicy(2)}
			rep, err := s.Send(context.Background(), plan(60))
			Expect(err).NotTo(HaveOccurred())

			Expect(rep.Statuses["200"]).To(Equal(stub.count("200")))
			Expect(rep.Statuses["404"]).To(Equal(stub.count("404")))
			Expect(rep.Statuses["500"]).To(Equal(stub.count("500")))
			// The stub counts a reset after closing the connection, so its
			// count may trail the client's error for a moment.
			Eventually(func() int { return stub.count("reset") }).Should(Equal(rep.Errors[sender.ErrorReset]))
			Expect(rep.Attempts).To(Equal(stub.total()))
			Expect(rep.Retries).To(Equal(stub.total() - 60))
			Expect(rep.Succeeded + rep.Failed).To(Equal(60))
		})
	})

	It("disables at a delivery's fifth failed attempt", func() {
		stub := newStub(answer(500))
		policy := sender.StatusGatorPolicy()
		policy.Scale = 1e-5
		s := &sender.Sender{Collector: stub.url(), Workers: 1, Retry: policy}
		rep, err := s.Send(context.Background(), plan(1))
		Expect(err).NotTo(HaveOccurred())

		// FACTS section 1: "after five failed attempts to get a 200 the
		// integration is disabled"; the fifth attempt is the last one sent.
		Expect(rep.Stopped).To(Equal(sender.StopDisabled))
		Expect(rep.Attempts).To(Equal(5))
		Expect(stub.total()).To(Equal(5))
		Expect(rep.Results[0].Attempts).To(Equal(5))
		Expect(rep.Results[0].RetryPending).To(BeFalse())
	})

	It("sends no retry after the fifth failure", func() {
		stub := newStub(answer(500))
		policy := sender.StatusGatorPolicy()
		policy.Scale = 1e-5
		s := &sender.Sender{Collector: stub.url(), Workers: 1, Retry: policy}
		rep, err := s.Send(context.Background(), plan(30))
		Expect(err).NotTo(HaveOccurred())

		Expect(rep.Stopped).To(Equal(sender.StopDisabled))
		Expect(rep.Attempts).To(Equal(stub.total()))
		Expect(rep.NotSent).To(Equal(30 - rep.Requests))
		fifth := 0
		for _, rr := range rep.Results {
			Expect(rr.Attempts).To(BeNumerically("<=", 5), "request %d", rr.Index)
			if rr.Attempts == 5 {
				fifth++
			}
		}
		Expect(fifth).To(BeNumerically(">=", 1))
	})

	DescribeTable("does not disable when a retry gets 200",
		func(workers int, scale float64, failures int) {
			// The stub fails each request's first attempts, then answers
			// 200, as a collector that is briefly overloaded does.
			stub := newStub(func(w http.ResponseWriter, r *http.Request, seen int) outcome {
				if seen < failures {
					return answer(503)(w, r, seen)
				}
				return answer(200)(w, r, seen)
			})
			policy := sender.StatusGatorPolicy() // DisableAfter 5
			policy.Scale = scale
			s := &sender.Sender{Collector: stub.url(), Workers: workers, Retry: policy}
			rep, err := s.Send(context.Background(), plan(20))
			Expect(err).NotTo(HaveOccurred())

			Expect(rep.Stopped).To(Equal(sender.StopDone))
			Expect(rep.Succeeded).To(Equal(20))
			Expect(rep.Retries).To(Equal(20 * failures))
			Expect(rep.Statuses).To(Equal(map[string]int{"503": 20 * failures, "200": 20}))
		},
		Entry("503 once, one worker", 1, 1e-5, 1),
		Entry("503 once, ten workers", 10, 1e-5, 1),
		Entry("503 once, ten workers, slower schedule", 10, 1e-3, 1),
		Entry("503 four times, ten workers", 10, 1e-5, 4),
	)

	It("drops retries not due when the duration ends", func() {
		stub := newStub(answer(500))
		gen, err := sender.NewGenerator(sender.Options{Seed: 3, SkipPredictions: true})
		Expect(err).NotTo(HaveOccurred())
		policy := sender.StatusGatorPolicy() // the first retry is 2 s away
		policy.DisableAfter = 0
		s := &sender.Sender{Collector: stub.url(), Rate: 100, Duration: 50 * time.Millisecond, Retry: policy}
		rep, err := s.Run(context.Background(), gen)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Requests).To(BeNumerically(">", 0))
		Expect(rep.Retries).To(Equal(0))
		Expect(rep.Attempts).To(Equal(stub.total()))
		Expect(rep.Stopped).To(Equal(sender.StopDone))
	})

	It("stops on cancel and returns the partial report", func() {
		stub := newStub(answer(200))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			defer GinkgoRecover()
			Eventually(stub.total).Should(BeNumerically(">=", 10))
			cancel()
		}()
		s := &sender.Sender{Collector: stub.url(), Rate: 200, Workers: 1}
		rep, err := s.Send(ctx, plan(1000))
		Expect(err).NotTo(HaveOccurred())

		Expect(rep.Stopped).To(Equal(sender.StopCanceled))
		Expect(rep.Requests).To(Equal(stub.total()))
		Expect(rep.Requests).To(BeNumerically("<", 1000))
		Expect(rep.NotSent).To(Equal(1000 - rep.Requests))
	})

	It("writes vegeta results that decode to every attempt", func() {
		stub := newStub(failFirst(500))
		var buf bytes.Buffer
		progress := &sender.Progress{}
		s := &sender.Sender{Collector: stub.url(), Retry: fastPolicy(1), Results: vegeta.NewEncoder(&buf), Progress: progress}
		rep, err := s.Send(context.Background(), plan(5))
		Expect(err).NotTo(HaveOccurred())

		dec := vegeta.NewDecoder(&buf)
		codes := map[uint16]int{}
		for {
			var res vegeta.Result
			err := dec.Decode(&res)
			if errors.Is(err, io.EOF) {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Attack).To(Equal("sgkit"))
			codes[res.Code]++
		}
		Expect(codes).To(Equal(map[uint16]int{500: 5, 200: 5}))
		Expect(progress.Attempts.Load()).To(BeEquivalentTo(rep.Attempts))
		// The progress bar counts requests: five, not the ten attempts.
		Expect(progress.Completed.Load()).To(BeEquivalentTo(5))
	})

	It("counts completed requests of a run", func() {
		stub := newStub(answer(200))
		gen, err := sender.NewGenerator(sender.Options{Seed: 4, Count: 20, SkipPredictions: true})
		Expect(err).NotTo(HaveOccurred())
		progress := &sender.Progress{}
		s := &sender.Sender{Collector: stub.url(), Workers: 2, Progress: progress}
		rep, err := s.Run(context.Background(), gen)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Requests).To(Equal(20))
		Expect(progress.Completed.Load()).To(BeEquivalentTo(20))
	})

	It("rejects a bad collector URL with the fix", func() {
		for _, bad := range []string{"127.0.0.1:9090", "ftp://host", "http://", "http://host/?x=1"} {
			_, err := sender.ParseCollectorURL(bad)
			Expect(err).To(MatchError(ContainSubstring("invalid collector URL")), "URL %q", bad)
		}
		u, err := sender.ParseCollectorURL("http://127.0.0.1:9090/prefix/")
		Expect(err).NotTo(HaveOccurred())
		r := sender.Request{Path: "/com.statusgator/v1", Query: "a=b"}
		Expect(r.URL(u)).To(Equal("http://127.0.0.1:9090/prefix/com.statusgator/v1?a=b"))
	})
})

var _ = Describe("RetryPolicy", func() {
	It("spreads StatusGator's 20 retries over about 24 days", func() {
		p := sender.StatusGatorPolicy()
		Expect(p.Delay(1)).To(Equal(2 * time.Second))
		Expect(p.Delay(20)).To(BeNumerically(">", 24*time.Hour))
		Expect(p.Total()).To(BeNumerically("~", 24*24*time.Hour, 24*time.Hour))
		Expect(p.DisableAfter).To(Equal(5))
	})
})
