// Package pgtest gives tests a PostgreSQL server: a throwaway one started
// from Debian's postgresql package (initdb and pg_ctl, listening on a Unix
// socket in a temporary folder), or the server SGKIT_DATABASE_URL names.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnvDatabaseURL names the environment variable that points the tests at an
// existing server instead of a throwaway one.
const EnvDatabaseURL = "SGKIT_DATABASE_URL"

// InstallHint is how to get a server when none can be found or started.
const InstallHint = "install Debian's PostgreSQL server (as root: make postgres, " +
	"or apt-get install -y postgresql), or set " + EnvDatabaseURL +
	" to a postgres:// URL of a server where the user may create databases or schemas"

// Server is a PostgreSQL server for tests.
type Server struct {
	// Host and Database identify the server in logs; the DSN is never shown,
	// because it may hold a password.
	Host     string
	Database string
	// External is true when the server comes from SGKIT_DATABASE_URL.
	External bool

	config  *pgx.ConnConfig
	dataDir string
	pgCtl   string
	owner   *syscall.Credential

	// mu guards the fields below, which let Stop end a Start that is still
	// running: a test's clean-up can run while Start is abandoned after a
	// timeout or an interrupt.
	mu       sync.Mutex
	cancel   context.CancelFunc
	starting chan struct{}
	started  bool
	stopped  bool
}

// New returns a Server that Start starts. Register Stop for clean-up
// before calling Start, so that a timeout or an interrupt during start-up
// still stops the server and removes its folder.
func New() *Server { return &Server{} }

// Start returns the server SGKIT_DATABASE_URL names, or else starts a
// throwaway one, which Stop removes. When no server binaries are found, the
// error explains how to install PostgreSQL.
func Start(ctx context.Context) (*Server, error) {
	s := New()
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Start uses the server SGKIT_DATABASE_URL names, or else starts a
// throwaway one. When ctx ends or Stop is called before the server is up,
// Start stops what it had started, removes its folder and returns an error.
func (s *Server) Start(ctx context.Context) error {
	if url := os.Getenv(EnvDatabaseURL); url != "" {
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			// pgx's message may quote the URL; name only the variable.
			return fmt.Errorf("%s is not a valid PostgreSQL connection URL or DSN", EnvDatabaseURL)
		}
		s.Host, s.Database, s.External, s.config = cfg.Host, cfg.Database, true, cfg
		return nil
	}

	s.mu.Lock()
	if s.stopped || s.starting != nil {
		s.mu.Unlock()
		return errors.New("pgtest: Start called after Stop or twice on one Server")
	}
	ctx, cancel := context.WithCancel(ctx)
	s.cancel, s.starting = cancel, make(chan struct{})
	s.mu.Unlock()
	defer cancel()
	defer close(s.starting)

	err := s.startThrowaway(ctx)
	s.mu.Lock()
	s.started = err == nil
	s.mu.Unlock()
	return err
}

// Connect opens a connection to database (the server's default when empty),
// with DateStyle ISO and TimeZone UTC so that TIMESTAMP values read as text
// in one fixed form.
func (s *Server) Connect(ctx context.Context, database string) (*pgx.Conn, error) {
	cfg := s.config.Copy()
	if database != "" {
		cfg.Database = database
	}
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	cfg.RuntimeParams["TimeZone"] = "UTC"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, newConnectError(cfg, err)
	}
	return conn, nil
}

// ConnectError reports a failed connection with what identifies the
// server and the reason, and nothing else. pgx's *pgconn.ConnectError
// holds the whole connection Config, password included, and Gomega's
// failure messages print an error's fields; so the pgx error is not
// wrapped, only its text kept.
type ConnectError struct {
	Host     string
	Port     uint16
	Database string
	User     string
	// SQLState and Message are the server's error code and message when
	// the server refused the connection, e.g. 28P01 for a wrong password;
	// empty when the server was not reached.
	SQLState string
	Message  string
	// Reason is the text of the underlying error, with the password
	// masked should it appear.
	Reason string
}

func newConnectError(cfg *pgx.ConnConfig, err error) *ConnectError {
	e := &ConnectError{Host: cfg.Host, Port: cfg.Port, Database: cfg.Database, User: cfg.User}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		e.SQLState, e.Message = pgErr.Code, pgErr.Message
	}
	var connErr *pgconn.ConnectError
	reason := err
	if errors.As(err, &connErr) && connErr.Unwrap() != nil {
		reason = connErr.Unwrap()
	}
	e.Reason = reason.Error()
	if cfg.Password != "" {
		e.Reason = strings.ReplaceAll(e.Reason, cfg.Password, "xxxxx")
		e.Message = strings.ReplaceAll(e.Message, cfg.Password, "xxxxx")
	}
	return e
}

func (e *ConnectError) Error() string {
	reason := e.Reason
	if e.Message != "" {
		reason = fmt.Sprintf("server said %s (SQLSTATE %s)", e.Message, e.SQLState)
	}
	return fmt.Sprintf("connect to PostgreSQL at %s port %d, database %s, user %s: %s",
		e.Host, e.Port, e.Database, e.User, reason)
}

// Stop stops a throwaway server and removes its folder; for an external
// server it does nothing. Called while Start runs, it ends Start, which
// stops what it had started, and waits for it. Stop may be called more
// than once.
//
// NOTE: a test binary killed before Stop (for example by go test -timeout)
// leaves its server running with its folder /tmp/sgkit-pg-*; stop it with
// pg_ctl stop -D /tmp/sgkit-pg-*/data, run as user postgres under root.
func (s *Server) Stop() error {
	if s.External {
		return nil
	}
	s.mu.Lock()
	s.stopped = true
	cancel, starting := s.cancel, s.starting
	s.mu.Unlock()
	if starting != nil {
		cancel()
		<-starting
	}

	s.mu.Lock()
	started := s.started
	s.started = false
	s.mu.Unlock()
	if !started {
		// Never started, or Start failed and cleaned up after itself.
		return nil
	}
	return s.teardown(context.Background(), "fast")
}

// teardown stops the server, if one runs in the data folder, and removes
// the folder.
func (s *Server) teardown(ctx context.Context, mode string) error {
	var errs []error
	if _, err := os.Stat(filepath.Join(s.dataDir, "postmaster.pid")); err == nil {
		if out, err := s.run(ctx, s.pgCtl, "stop", "-D", s.dataDir, "-m", mode, "-w"); err != nil {
			errs = append(errs, fmt.Errorf("pg_ctl stop: %w: %s", err, out))
		}
	}
	if err := os.RemoveAll(filepath.Dir(s.dataDir)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// RandomName returns prefix followed by 12 random hex digits, for throwaway
// databases and schemas.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// afterStep, when set by a test, runs after each step of a throwaway
// server's start-up ("initdb", "pg_ctl start") with Start's context.
var afterStep func(ctx context.Context, step string)

func (s *Server) startThrowaway(ctx context.Context) (err error) {
	initdb, pgCtl, err := findBinaries()
	if err != nil {
		return err
	}
	owner, err := serverOwner()
	if err != nil {
		return err
	}

	// A short base keeps the socket path under the 107-byte limit of
	// sockaddr_un, and /tmp is reachable for the postgres user when the
	// test runs as root with a private TMPDIR.
	base := os.TempDir()
	if owner != nil || len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "sgkit-pg-")
	if err != nil {
		return fmt.Errorf("create the server folder: %w", err)
	}
	s.Host, s.Database, s.dataDir, s.pgCtl, s.owner = dir, "postgres", filepath.Join(dir, "data"), pgCtl, owner

	// From here on a failure, a cancelled ctx included, stops whatever
	// runs in the folder (pg_ctl start may have been killed after the
	// postmaster forked) and removes the folder. The teardown gets its own
	// context because ctx may be the one that ended.
	defer func() {
		if err != nil {
			tctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if terr := s.teardown(tctx, "immediate"); terr != nil {
				err = fmt.Errorf("%w; cleaning up also failed: %v", err, terr)
			}
		}
	}()
	step := func(name string) error {
		if afterStep != nil {
			afterStep(ctx, name)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("PostgreSQL start-up stopped after %s: %w", name, context.Cause(ctx))
		}
		return nil
	}

	if owner != nil {
		if err := os.Chown(dir, int(owner.Uid), int(owner.Gid)); err != nil {
			return fmt.Errorf("hand %s to user postgres: %w", dir, err)
		}
	}
	// UTF8 with the C locale: the byte-length specs need a UTF-8 database,
	// and the C locale exists on every machine.
	if out, err := s.run(ctx, initdb, "-D", s.dataDir, "--auth=trust", "--username=postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		return fmt.Errorf("initdb failed: %w: %s", err, out)
	}
	if err := step("initdb"); err != nil {
		return err
	}
	// No TCP listener: the server takes connections on a Unix socket in
	// its own folder only, so parallel test packages never share a port.
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c fsync=off -p 5432", dir)
	if out, err := s.run(ctx, pgCtl, "start", "-D", s.dataDir, "-l", filepath.Join(dir, "server.log"),
		"-o", opts, "-w", "-t", "60"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return fmt.Errorf("pg_ctl start failed: %w: %s\nserver log:\n%s", err, out, log)
	}
	if err := step("pg_ctl start"); err != nil {
		return err
	}

	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=5432 user=postgres dbname=postgres sslmode=disable", dir))
	if err != nil {
		return err
	}
	s.config = cfg
	conn, err := s.Connect(ctx, "")
	if err != nil {
		return err
	}
	conn.Close(ctx)
	return nil
}

// run runs a server binary as the server's owner: initdb and pg_ctl
// refuse to run as root, so under root they run as user postgres.
func (s *Server) run(ctx context.Context, bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// initdb's children keep the output pipe open after initdb is killed;
	// do not wait for them beyond this.
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = "/"
	if s.owner != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.owner}
		cmd.Env = append(os.Environ(), "HOME=/tmp", "USER=postgres", "LOGNAME=postgres")
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// serverOwner returns the credential to run the server binaries with: nil
// for an unprivileged user, the postgres user under root.
func serverOwner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the PostgreSQL server needs the unprivileged user postgres, "+
			"which was not found (%v); %s", err, InstallHint)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// debianBinGlob matches the bin folders of Debian's postgresql packages.
var debianBinGlob = "/usr/lib/postgresql/*/bin"

// findBinaries looks for initdb and pg_ctl on PATH, then in Debian's
// /usr/lib/postgresql/<version>/bin, newest version first.
func findBinaries() (string, string, error) {
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return initdb, pgCtl, nil
	}

	dirs, _ := filepath.Glob(debianBinGlob)
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		initdb, pgCtl := filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		if isExecutable(initdb) && isExecutable(pgCtl) {
			return initdb, pgCtl, nil
		}
	}
	return "", "", fmt.Errorf("PostgreSQL server binaries initdb and pg_ctl not found on PATH "+
		"or under /usr/lib/postgresql/*/bin; %s", InstallHint)
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}

// Sandbox is a connection and a database schema that a test may fill and
// that Close removes.
type Sandbox struct {
	Conn *pgx.Conn
	// Schema is the database schema to create tables in: atomic in a
	// throwaway database on a throwaway server, or a random sgkit_* schema
	// on an external server, so that an existing atomic schema is never touched.
	Schema string
	// Database is the database Conn is connected to.
	Database string

	server  *Server
	dropDB  bool
	dropSch bool
}

// NewSandbox creates a throwaway database (own server) or a throwaway
// schema (external server) and connects to it.
func (s *Server) NewSandbox(ctx context.Context) (*Sandbox, error) {
	if s.External {
		conn, err := s.Connect(ctx, "")
		if err != nil {
			return nil, err
		}
		schema := RandomName("sgkit_")
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			conn.Close(ctx)
			return nil, fmt.Errorf("create schema %s in database %s: %w; the user needs CREATE on the database",
				schema, s.config.Database, err)
		}
		return &Sandbox{Conn: conn, Schema: schema, Database: s.config.Database, server: s, dropSch: true}, nil
	}

	admin, err := s.Connect(ctx, "")
	if err != nil {
		return nil, err
	}
	defer admin.Close(ctx)
	db := RandomName("sgkit_")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db+" ENCODING 'UTF8' TEMPLATE template0"); err != nil {
		return nil, fmt.Errorf("create database %s: %w", db, err)
	}
	conn, err := s.Connect(ctx, db)
	if err != nil {
		return nil, err
	}
	return &Sandbox{Conn: conn, Schema: "atomic", Database: db, server: s, dropDB: true}, nil
}

// Close drops what NewSandbox created and closes the connection.
func (b *Sandbox) Close(ctx context.Context) error {
	var errs []error
	if b.dropSch {
		if _, err := b.Conn.Exec(ctx, "DROP SCHEMA "+b.Schema+" CASCADE"); err != nil {
			errs = append(errs, fmt.Errorf("drop schema %s: %w", b.Schema, err))
		}
	}
	errs = append(errs, b.Conn.Close(ctx))
	if b.dropDB {
		admin, err := b.server.Connect(ctx, "")
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+b.Database); err != nil {
			errs = append(errs, fmt.Errorf("drop database %s: %w", b.Database, err))
		}
	}
	return errors.Join(errs...)
}
