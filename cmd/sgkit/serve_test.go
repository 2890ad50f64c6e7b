package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var listeningURL = regexp.MustCompile(`collector listening on (http://127\.0\.0\.1:\d+)`)

var _ = Describe("sgkit serve", func() {
	// startServe runs serve in the background and returns its base URL,
	// its signal channel, its exit code and its logs.
	startServe := func(args ...string) (string, chan<- os.Signal, <-chan int, *gbytes.Buffer) {
		stdout, stderr := gbytes.NewBuffer(), gbytes.NewBuffer()
		signals := make(chan os.Signal, 2)
		exit := make(chan int, 1)
		go func() {
			exit <- serve(signals, append([]string{"--addr", "127.0.0.1:0"}, args...), stdout, stderr)
		}()
		var url string
		Eventually(func() string {
			if m := listeningURL.FindSubmatch(stdout.Contents()); m != nil {
				url = string(m[1])
			}
			return url
		}).ShouldNot(BeEmpty())
		return url, signals, exit, stderr
	}

	It("serves until stopped, then shuts down cleanly", func() {
		url, signals, exit, stderr := startServe("--store-capacity", "10")

		resp, err := http.Get(url + "/health")
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		Expect(string(body)).To(Equal("ok"))

		signals <- syscall.SIGTERM
		Eventually(exit).Should(Receive(Equal(exitOK)))
		Expect(string(stderr.Contents())).To(ContainSubstring(`msg="collector started"`))
		Expect(string(stderr.Contents())).To(ContainSubstring(`msg="collector stopped"`))
		_, err = http.Get(url + "/health")
		Expect(err).To(HaveOccurred())
	})

	It("exits 1 at once on a second signal during shutdown", func() {
		url, signals, exit, stderr := startServe()
		// A POST whose body stalls keeps the shutdown waiting.
		conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(conn.Close)
		_, err = io.WriteString(conn, "POST /com.statusgator/v1 HTTP/1.1\r\nHost: localhost\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nservice_name=Cloud")
		Expect(err).NotTo(HaveOccurred())
		// Shutdown closes at once a connection the server has not read a byte
		// from, so the stalled one must be read first. Connections are
		// accepted in order: once a later one is served, the stalled one's
		// goroutine has been running for a whole request.
		// NOTE: that makes the read near certain, not guaranteed.
		resp, err := http.Get(url + "/health")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())

		signals <- os.Interrupt
		Eventually(stderr).Should(gbytes.Say(`msg="stop requested`))
		signals <- os.Interrupt
		Eventually(exit).Should(Receive(Equal(exitFail)))
		Expect(string(stderr.Contents())).To(ContainSubstring(`msg="second signal: exiting without waiting for requests in flight" signal=interrupt`))
		// Exited before the 5 s shutdown wait ran out.
		Expect(string(stderr.Contents())).NotTo(ContainSubstring(`msg=shutdown`))
	})

	It("stops the built binary cleanly on SIGTERM", func() {
		bin, err := gexec.Build("github.com/sgkit/sgkit/cmd/sgkit")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)

		session, err := gexec.Start(exec.Command(bin, "serve", "--addr", "127.0.0.1:0"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { session.Kill().Wait() })
		Eventually(session.Out).Should(gbytes.Say(`collector listening on http://127\.0\.0\.1:\d+`))
		Eventually(session.Err).Should(gbytes.Say(`msg="collector started"`))

		session.Signal(syscall.SIGTERM)
		Eventually(session).Should(gexec.Exit(exitOK))
		Expect(session.Err).To(gbytes.Say(`msg="stop requested, shutting down; a second signal exits at once" signal=terminated`))
		Expect(session.Err).To(gbytes.Say(`msg="collector stopped"`))
	})

	DescribeTable("rejects bad flags with exit 2",
		func(message string, args ...string) {
			var stdout, stderr bytes.Buffer
			Expect(serve(nil, args, &stdout, &stderr)).To(Equal(exitUsage))
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
		Expect(serve(nil, []string{"--addr", ln.Addr().String()}, &stdout, &stderr)).To(Equal(exitUsage))
		Expect(stderr.String()).To(ContainSubstring("cannot listen on " + ln.Addr().String()))
		Expect(strings.TrimSpace(stdout.String())).To(BeEmpty())
	})
})
