package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// shutdownTimeout bounds how long Close waits for requests in flight.
const shutdownTimeout = 5 * time.Second

// Server runs a Handler on a TCP listener.
type Server struct {
	handler *Handler
	addr    string
	log     *slog.Logger

	mu       sync.Mutex
	listener net.Listener
	http     *http.Server
	done     chan error
	closing  atomic.Bool
	fresh    freshConns
}

// freshConns holds the connections that have not sent a byte yet.
//
// net/http's Server.Shutdown treats a connection in StateNew as busy until
// it is 5 seconds old (closeIdleConns in net/http's server.go), which is
// as long as Close waits. Go's http.Transport and browsers open spare
// connections they may never use, so one of them made Close fail on a
// loaded machine. Such a connection holds no request, so Shutdown closes
// it at once; one that has sent part of a request is left to net/http.
type freshConns struct {
	mu    sync.Mutex
	conns map[*countingConn]struct{}
}

func (f *freshConns) track(c net.Conn, state http.ConnState) {
	cc, ok := c.(*countingConn)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if state == http.StateNew {
		if f.conns == nil {
			f.conns = map[*countingConn]struct{}{}
		}
		f.conns[cc] = struct{}{}
		return
	}
	delete(f.conns, cc)
}

// closeUnused closes the connections that never sent a byte.
func (f *freshConns) closeUnused() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		if !c.read.Load() {
			c.Close()
			delete(f.conns, c)
		}
	}
}

// countingListener wraps each accepted connection in a countingConn.
type countingListener struct{ net.Listener }

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c}, nil
}

// countingConn records whether the client has sent anything.
type countingConn struct {
	net.Conn
	read atomic.Bool
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.read.Store(true)
	}
	return n, err
}

// CloseWrite keeps net/http's graceful close (half-close, then drain) for
// responses sent before the whole body was read, e.g. 413.
func (c *countingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// New returns a Server that is not listening yet; call Start.
func New(opts ...Option) (*Server, error) {
	h, err := NewHandler(opts...)
	if err != nil {
		return nil, err
	}
	return &Server{handler: h, addr: h.cfg.addr, log: h.log}, nil
}

// Handler returns the server's handler, e.g. to read its Stats.
func (s *Server) Handler() *Handler { return s.handler }

// Start listens on the configured address and serves in the background.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener != nil {
		return fmt.Errorf("collector already listening on %s", s.listener.Addr())
	}

	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("collector cannot listen on %s: %w", s.addr, err)
	}
	s.listener = ln
	s.closing.Store(false)
	s.http = &http.Server{
		ConnState:         s.fresh.track,
		Handler:           s.handler,
		ReadHeaderTimeout: s.handler.cfg.requestTimeout, // networking.responseHeaderTimeout
		IdleTimeout:       610 * time.Second,            // networking.idleTimeout
		MaxHeaderBytes:    40960,                        // networking.maxHeadersLength
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelError),
	}
	s.done = make(chan error, 1)
	go func(srv *http.Server, done chan<- error) {
		err := srv.Serve(countingListener{ln})
		// Shutdown closes the listener itself before srv.Shutdown.
		if errors.Is(err, http.ErrServerClosed) || (s.closing.Load() && errors.Is(err, net.ErrClosed)) {
			err = nil
		}
		if err != nil {
			s.log.Error("collector stopped serving", "addr", ln.Addr().String(), "err", err)
		}
		done <- err
	}(s.http, s.done)

	s.log.Info("collector started", "url", "http://"+ln.Addr().String(),
		"max_payload_bytes", s.handler.cfg.maxPayloadSize, "store_capacity", s.handler.cfg.capacity)
	return nil
}

// URL returns the base URL the server listens on, e.g.
// http://127.0.0.1:9090, or "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Shutdown stops accepting requests and waits until those in flight are
// done or ctx ends. Calling it on a server that is not running does
// nothing.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, done, ln := s.http, s.done, s.listener
	s.http, s.done, s.listener = nil, nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}

	// Stop accepting first and wait for Serve to return: every accepted
	// connection is then tracked, and the unused ones can be closed before
	// srv.Shutdown waits for the busy ones.
	s.closing.Store(true)
	ln.Close()
	serveErr := <-done
	s.fresh.closeUnused()
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	if err == nil {
		err = serveErr
	}
	stats := s.handler.Stats()
	s.log.Info("collector stopped", "addr", ln.Addr().String(), "received", stats.Received,
		"dropped", stats.Dropped, "outside_model", stats.OutsideModel)
	if err != nil {
		return fmt.Errorf("collector shutdown on %s: %w", ln.Addr(), err)
	}
	return nil
}

// Close shuts the server down, waiting up to five seconds for requests in
// flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	return s.Shutdown(ctx)
}
