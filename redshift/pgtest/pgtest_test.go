package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Start", func() {
	It("explains how to install PostgreSQL when no binaries exist", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "")
		GinkgoT().Setenv("PATH", GinkgoT().TempDir())
		saved := debianBinGlob
		debianBinGlob = "/nonexistent/*/bin"
		DeferCleanup(func() { debianBinGlob = saved })

		_, err := Start(context.Background())
		Expect(err).To(MatchError(ContainSubstring("initdb and pg_ctl not found")))
		Expect(err).To(MatchError(ContainSubstring("make postgres")))
		Expect(err).To(MatchError(ContainSubstring(EnvDatabaseURL)))
	})

	It("rejects an invalid SGKIT_DATABASE_URL without echoing it", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "postgres://user:s3cret@[::1")
		_, err := Start(context.Background())
		Expect(err).To(MatchError(ContainSubstring("is not a valid PostgreSQL connection URL")))
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
	})

	It("takes host and database from SGKIT_DATABASE_URL", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "postgres://user:s3cret@127.0.0.1:5439/warehouse")
		s, err := Start(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(s.External).To(BeTrue())
		Expect(s.Host).To(Equal("127.0.0.1"))
		Expect(s.Database).To(Equal("warehouse"))
		Expect(s.Stop()).To(Succeed())
	})
})

// secretLeaks lists where a connection error could show the password: its
// text, Go's struct dumps, and the message Gomega prints when
// Expect(err).NotTo(HaveOccurred()) fails.
func secretLeaks(err error) []string {
	return []string{
		err.Error(),
		fmt.Sprintf("%v", err),
		fmt.Sprintf("%+v", err),
		fmt.Sprintf("%#v", err),
		HaveOccurred().NegatedFailureMessage(err),
	}
}

var _ = Describe("Connect", func() {
	const password = "WrongPa55Secret"

	It("reports a refused connection without the password or the DSN", func() {
		// A loopback port that was free a moment ago refuses connections.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		port := l.Addr().(*net.TCPAddr).Port
		Expect(l.Close()).To(Succeed())

		dsn := fmt.Sprintf("postgres://tester:%s@127.0.0.1:%d/dev?connect_timeout=5", password, port)
		GinkgoT().Setenv(EnvDatabaseURL, dsn)
		s, err := Start(context.Background())
		Expect(err).NotTo(HaveOccurred())

		_, err = s.Connect(context.Background(), "")
		Expect(err).To(HaveOccurred())
		var connErr *ConnectError
		Expect(errors.As(err, &connErr)).To(BeTrue())
		Expect(connErr.Host).To(Equal("127.0.0.1"))
		Expect(connErr.Port).To(BeEquivalentTo(port))
		Expect(connErr.Database).To(Equal("dev"))
		Expect(connErr.User).To(Equal("tester"))
		Expect(err.Error()).To(ContainSubstring("connection refused"))
		var pgxErr *pgconn.ConnectError
		Expect(errors.As(err, &pgxErr)).To(BeFalse(), "pgx's ConnectError holds the Config with the password")
		for _, text := range secretLeaks(err) {
			Expect(text).NotTo(ContainSubstring(password))
			Expect(text).NotTo(ContainSubstring(dsn))
		}
	})

	It("reports the server's refusal without the password", Label("database"), func() {
		s, err := Start(context.Background())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)

		// The throwaway server trusts local users and ignores the password,
		// so the refusal is for the missing database (3D000); an external
		// server may refuse the password first (28P01).
		withPassword := &Server{config: s.config.Copy()}
		withPassword.config.Password = password
		missing := RandomName("sgkit_missing_")
		_, err = withPassword.Connect(context.Background(), missing)
		Expect(err).To(HaveOccurred())
		var connErr *ConnectError
		Expect(errors.As(err, &connErr)).To(BeTrue())
		Expect(connErr.SQLState).To(BeElementOf("3D000", "28P01"))
		Expect(connErr.Message).NotTo(BeEmpty())
		Expect(err.Error()).To(ContainSubstring("SQLSTATE " + connErr.SQLState))
		for _, text := range secretLeaks(err) {
			Expect(text).NotTo(ContainSubstring(password))
		}
	})
})

var _ = Describe("Start interrupted", Label("database"), func() {
	BeforeEach(func() {
		if os.Getenv(EnvDatabaseURL) != "" {
			// An external server is never started or stopped by pgtest.
			GinkgoT().Setenv(EnvDatabaseURL, "")
		}
		DeferCleanup(func() { afterStep = nil })
	})

	// postmasterPID reads the server's process id from its folder; alive
	// sends signal 0, which only checks that the process exists.
	postmasterPID := func(dataDir string) int {
		b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
		Expect(err).NotTo(HaveOccurred())
		pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
		Expect(err).NotTo(HaveOccurred())
		return pid
	}
	alive := func(pid int) bool {
		if syscall.Kill(pid, 0) != nil {
			return false
		}
		// A stopped server stays a zombie until its parent, init, reaps it.
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err == nil && !strings.Contains(string(stat), ") Z ")
	}

	It("stops a server whose start-up context ends after pg_ctl start", func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var pid int
		var dir string
		s := New()
		afterStep = func(_ context.Context, step string) {
			if step == "pg_ctl start" {
				dir = s.Host
				pid = postmasterPID(s.dataDir)
				cancel()
			}
		}
		err := s.Start(ctx)
		Expect(err).To(MatchError(context.Canceled))
		Expect(err).To(MatchError(ContainSubstring("stopped after pg_ctl start")))
		Expect(pid).To(BeNumerically(">", 0))
		Eventually(func() bool { return alive(pid) }).WithTimeout(10*time.Second).Should(BeFalse(), "postmaster %d still runs", pid)
		Expect(dir).NotTo(BeADirectory())
		Expect(s.Stop()).To(Succeed())
	})

	It("removes the folder when the context ends after initdb", func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := New()
		var dir string
		afterStep = func(_ context.Context, step string) {
			if step == "initdb" {
				dir = s.Host
				cancel()
			}
		}
		Expect(s.Start(ctx)).To(MatchError(context.Canceled))
		Expect(dir).To(Or(HavePrefix(filepath.Join(os.TempDir(), "sgkit-pg-")), HavePrefix("/tmp/sgkit-pg-")))
		Expect(dir).NotTo(BeADirectory())
	})

	It("lets Stop, registered first, end a Start that is still running", func() {
		// This is what a Ginkgo clean-up does when a timeout abandons
		// BeforeAll in the middle of Start.
		s := New()
		reached := make(chan int)
		var dir string
		afterStep = func(ctx context.Context, step string) {
			if step == "pg_ctl start" {
				dir = s.Host
				reached <- postmasterPID(s.dataDir)
				<-ctx.Done()
			}
		}
		startErr := make(chan error, 1)
		go func() { startErr <- s.Start(context.Background()) }()
		pid := <-reached
		Expect(s.Stop()).To(Succeed())
		Expect(<-startErr).To(MatchError(context.Canceled))
		Eventually(func() bool { return alive(pid) }).WithTimeout(10*time.Second).Should(BeFalse(), "postmaster %d still runs", pid)
		Expect(dir).NotTo(BeADirectory())
	})
})
