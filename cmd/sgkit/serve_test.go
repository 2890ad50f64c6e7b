package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningURL = regexp.MustCompile(`collector listening on (http://127\.0\.0\.1:\d+)`)

var _ = Describe("sgkit serve", func() {
	It("serves until stopped, then shuts down cleanly", func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var stdout, stderr syncBuffer
		exit := make(chan int, 1)
		go func() {
			exit <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--store-capacity", "10"}, &stdout, &stderr)
		}()

		var url string
		Eventually(func() string {
			if m := listeningURL.FindStringSubmatch(stdout.String()); m != nil {
				url = m[1]
			}
			return url
		}).ShouldNot(BeEmpty())

		resp, err := http.Get(url + "/health")
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(string(body)).To(Equal("ok"))

		cancel()
		Eventually(exit).Should(Receive(Equal(exitOK)))
		Expect(stderr.String()).To(ContainSubstring(`msg="collector started"`))
		Expect(stderr.String()).To(ContainSubstring(`msg="collector stopped"`))
		_, err = http.Get(url + "/health")
		Expect(err).To(HaveOccurred())
	})

	DescribeTable("rejects bad flags with exit 2",
		func(message string, args ...string) {
			var stdout, stderr bytes.Buffer
			Expect(serve(context.Background(), args, &stdout, &stderr)).To(Equal(exitUsage))
			Expect(stderr.String()).To(ContainSubstring(message))
		},
		Entry("address without port", `--addr "localhost" is invalid`, "--addr", "localhost"),
		Entry("zero body limit", "--max-body 0 is invalid: want 1 to 4611686018427387903 bytes", "--max-body", "0"),
		// 2^62: twice it, the 413 limit, overflows int64.
		Entry("body limit whose double overflows", "--max-body 4611686018427387904 is invalid", "--max-body", "4611686018427387904"),
		Entry("zero capacity", "--store-capacity 0 is invalid", "--store-capacity", "0"),
		Entry("negative capacity", "--store-capacity -1 is invalid", "--store-capacity", "-1"),
		Entry("zero request timeout", "--request-timeout 0s is invalid", "--request-timeout", "0s"),
		Entry("unknown log level", `--log-level "loud" is invalid`, "--log-level", "loud"),
		Entry("stray argument", `unexpected argument "now"`, "now"),
	)

	It("exits 2 when the port is taken", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		defer ln.Close()
		var stdout, stderr bytes.Buffer
		Expect(serve(context.Background(), []string{"--addr", ln.Addr().String()}, &stdout, &stderr)).To(Equal(exitUsage))
		Expect(stderr.String()).To(ContainSubstring("cannot listen on " + ln.Addr().String()))
		Expect(strings.TrimSpace(stdout.String())).To(BeEmpty())
	})
})
