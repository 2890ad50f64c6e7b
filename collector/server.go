package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
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
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 30 * time.Second,  // networking.responseHeaderTimeout
		IdleTimeout:       610 * time.Second, // networking.idleTimeout
		MaxHeaderBytes:    40960,             // networking.maxHeadersLength
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelError),
	}
	s.done = make(chan error, 1)
	go func(srv *http.Server, done chan<- error) {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
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

	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	if serveErr := <-done; err == nil {
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
