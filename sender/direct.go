package sender

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// directMaxBody is the largest request body the direct transport sends.
// Larger bodies, such as the edge corpus's body over the collector's
// limit, go through net/http's Transport, which reads a response the
// server sends before it has read the whole body.
const directMaxBody = 64 << 10

// maxResponseHeaderBytes is net/http's limit on the headers of a response
// and of the 1xx responses before it, when Transport.MaxResponseHeaderBytes
// is zero (Go 1.26, net/http/transport.go). A server over it fails the
// attempt instead of filling memory.
const maxResponseHeaderBytes = 10 << 20

// directSweepEvery is how often the idle pool is checked for connections
// the server has closed, while it has any. Without it the least recently
// used connections, at the bottom of the pool, would keep their closed
// sockets open until the run ends or a retry wave reuses them.
const directSweepEvery = time.Second

// directTransport is the round tripper of every attempt. It removes the
// X-Vegeta-Seq and X-Vegeta-Attack headers vegeta's attacker adds, so the
// collector receives what StatusGator sends plus, when tagging is on, only
// the eid and aid query parameters.
//
// To a plain http:// collector it sends HTTP/1.1 over keep-alive
// connections it dials itself, writing each request and reading its
// response on the calling goroutine. net/http's Transport hands every
// request to a writer goroutine and its response back from a reader
// goroutine. Those switches cost more CPU than building the request's body
// (bench/README.md). The wire format stays net/http's: Request.Write and
// http.ReadResponse. Unlike net/http's Transport it requests no gzip
// response, which a collector's short response does not need.
type directTransport struct {
	dialer  *net.Dialer
	timeout time.Duration
	// enabled is false when the collector is reached through https or a
	// proxy, or the platform cannot tell a closed connection apart.
	enabled bool
	// fallback sends what this transport does not: everything when it is
	// not enabled, and large bodies.
	fallback http.RoundTripper

	mu   sync.Mutex
	idle map[string][]*directConn
	// sweeper checks the idle pool every directSweepEvery while the pool
	// has connections, and is nil otherwise.
	sweeper *time.Timer
}

type directConn struct {
	conn net.Conn
	// limit bounds what br may read while response headers are parsed.
	limit *limitedReader
	br    *bufio.Reader
	bw    *bufio.Writer
}

// limitedReader fails reads once left bytes are read.
type limitedReader struct {
	r    io.Reader
	left int64
}

var errHeadersTooLarge = fmt.Errorf("server response headers exceeded %d bytes; aborted", maxResponseHeaderBytes)

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errHeadersTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func (t *directTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A RoundTripper should leave its request alone. But vegeta (v12.13.0,
	// Attacker.hit) builds a new request for every attempt and never reads
	// its headers again, and the client follows no redirects, so deleting
	// in place is safe and saves a header copy per attempt.
	delete(req.Header, "X-Vegeta-Seq")
	delete(req.Header, "X-Vegeta-Attack")

	if !t.enabled || req.URL.Scheme != "http" || req.ContentLength > directMaxBody || req.ContentLength < 0 {
		return t.fallback.RoundTrip(req)
	}
	deadline := time.Now().Add(t.timeout)
	if d, ok := req.Context().Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	addr := canonicalAddr(req)

	c, err := t.conn(req.Context(), addr, deadline)
	if err != nil {
		return nil, err
	}
	return t.exchange(c, req, addr)
}

// exchange writes req on c and reads its response. The response body
// returns c to the pool once it is read to the end and closed.
func (t *directTransport) exchange(c *directConn, req *http.Request, addr string) (*http.Response, error) {
	if err := req.Write(c.bw); err != nil {
		c.conn.Close()
		return nil, err
	}
	if err := c.bw.Flush(); err != nil {
		c.conn.Close()
		return nil, err
	}
	c.limit.left = maxResponseHeaderBytes
	for {
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			c.conn.Close()
			return nil, err
		}
		// 1xx responses other than 101 precede the final one (RFC 9110
		// section 15.2).
		if resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			continue
		}
		// After a 101 the connection speaks another protocol, so it is
		// never reused.
		keep := !resp.Close && !req.Close && resp.StatusCode != http.StatusSwitchingProtocols
		c.limit.left = math.MaxInt64
		resp.Body = &directBody{body: resp.Body, t: t, c: c, addr: addr, keep: keep}
		return resp, nil
	}
}

// conn returns an idle connection to addr that the server has not closed,
// or dials one, with its deadline set. net/http's Transport learns of a
// close from its reader goroutine, so here a non-blocking peek checks the
// socket before reuse.
func (t *directTransport) conn(ctx context.Context, addr string, deadline time.Time) (*directConn, error) {
	for {
		t.mu.Lock()
		pool := t.idle[addr]
		var c *directConn
		if n := len(pool); n > 0 {
			c = pool[n-1]
			pool[n-1] = nil
			t.idle[addr] = pool[:n-1]
		}
		t.mu.Unlock()
		if c == nil {
			return t.dial(ctx, addr, deadline)
		}
		// The deadline goes first: a socket whose previous deadline has
		// passed cannot be peeked at.
		if c.conn.SetDeadline(deadline) == nil && !closedByPeer(c.conn) {
			return c, nil
		}
		c.conn.Close()
	}
}

func (t *directTransport) dial(ctx context.Context, addr string, deadline time.Time) (*directConn, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	conn, err := t.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, err
	}
	limit := &limitedReader{r: conn, left: math.MaxInt64}
	return &directConn{conn: conn, limit: limit, br: bufio.NewReader(limit), bw: bufio.NewWriter(conn)}, nil
}

// put returns c to the pool and starts the sweeper if it is not running.
func (t *directTransport) put(addr string, c *directConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.idle == nil {
		t.idle = map[string][]*directConn{}
	}
	t.idle[addr] = append(t.idle[addr], c)
	if t.sweeper == nil {
		t.sweeper = time.AfterFunc(directSweepEvery, t.sweepIdle)
	}
}

// sweepIdle closes the pooled connections the server has closed. It runs
// on the sweeper's goroutine and rearms it while connections remain.
func (t *directTransport) sweepIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sweeper == nil {
		// CloseIdleConnections ran after the timer fired.
		return
	}
	for addr, pool := range t.idle {
		if pool = sweep(pool); len(pool) > 0 {
			t.idle[addr] = pool
		} else {
			delete(t.idle, addr)
		}
	}
	if len(t.idle) > 0 {
		t.sweeper.Reset(directSweepEvery)
	} else {
		t.sweeper = nil
	}
}

// sweep closes and removes the connections of pool the server has closed.
// It runs under the pool's lock, one non-blocking peek per connection,
// measured at about 1.2 µs each on loopback.
func sweep(pool []*directConn) []*directConn {
	open := pool[:0]
	for _, c := range pool {
		// Clear the last attempt's deadline, which may have passed.
		if c.conn.SetReadDeadline(time.Time{}) == nil && !closedByPeer(c.conn) {
			open = append(open, c)
			continue
		}
		c.conn.Close()
	}
	clear(pool[len(open):])
	return open
}

// CloseIdleConnections closes the pooled connections of both transports.
func (t *directTransport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	if t.sweeper != nil {
		t.sweeper.Stop()
		t.sweeper = nil
	}
	t.mu.Unlock()
	for _, pool := range idle {
		for _, c := range pool {
			c.conn.Close()
		}
	}
	if f, ok := t.fallback.(interface{ CloseIdleConnections() }); ok {
		f.CloseIdleConnections()
	}
}

// directBody returns its connection to the pool once the response is read
// to the end, and closes it otherwise.
type directBody struct {
	body io.ReadCloser
	t    *directTransport
	c    *directConn
	addr string
	keep bool
	eof  bool
	done bool
}

func (b *directBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *directBody) Close() error {
	if b.done {
		return nil
	}
	b.done = true
	err := b.body.Close()
	if b.keep && b.eof && err == nil && b.c.br.Buffered() == 0 {
		b.t.put(b.addr, b.c)
		return nil
	}
	b.c.conn.Close()
	return err
}

// canonicalAddr returns the request's host with the http port added when
// the URL has none.
func canonicalAddr(req *http.Request) string {
	host := req.URL.Host
	if req.URL.Port() == "" {
		return net.JoinHostPort(req.URL.Hostname(), "80")
	}
	return host
}
