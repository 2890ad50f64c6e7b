package sender

import (
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Source produces the requests of a run in order and returns ErrPlanDone
// after the last one. A Generator is a Source.
type Source interface {
	Next() (Request, error)
}

// SliceSource returns a Source over a fixed list of requests.
func SliceSource(reqs []Request) Source {
	return &sliceSource{reqs: reqs}
}

type sliceSource struct {
	reqs []Request
	next int
}

func (s *sliceSource) Next() (Request, error) {
	if s.next >= len(s.reqs) {
		return Request{}, ErrPlanDone
	}
	r := s.reqs[s.next]
	s.next++
	return r, nil
}

// prefetch is how many requests the producer generates ahead of the
// workers, so that building bodies and predictions overlaps with sending.
const prefetch = 1024

// planned is one request with its sequence number in the run.
type planned struct {
	seq int
	req Request
}

// planTargeter feeds a Source to a vegeta attack. One goroutine draws from
// the Source, which need not be safe for concurrent use, and numbers the
// requests; the attack's workers take them from a buffered channel.
type planTargeter struct {
	base  *url.URL
	queue chan planned
	quit  chan struct{}
	once  sync.Once
	// err is the Source's error other than ErrPlanDone, read after the
	// queue is closed.
	err error

	mu       sync.Mutex
	inflight map[int]Request
}

func newPlanTargeter(src Source, base *url.URL) *planTargeter {
	t := &planTargeter{
		base:     base,
		queue:    make(chan planned, prefetch),
		quit:     make(chan struct{}),
		inflight: map[int]Request{},
	}
	go t.produce(src)
	return t
}

func (t *planTargeter) produce(src Source) {
	defer close(t.queue)
	for seq := 0; ; seq++ {
		r, err := src.Next()
		if err != nil {
			if !errors.Is(err, ErrPlanDone) {
				t.err = err
			}
			return
		}
		t.mu.Lock()
		t.inflight[seq] = r
		t.mu.Unlock()
		select {
		case t.queue <- planned{seq: seq, req: r}:
		case <-t.quit:
			return
		}
	}
}

// targeter returns the vegeta.Targeter of the first attempts. It returns
// vegeta.ErrNoTargets once the Source is done, which ends the attack.
func (t *planTargeter) targeter() vegeta.Targeter {
	return func(tgt *vegeta.Target) error {
		p, ok := <-t.queue
		if !ok {
			return vegeta.ErrNoTargets
		}
		*tgt = p.req.target(t.base, p.seq, 1)
		return nil
	}
}

// request returns the request with sequence number seq while it is in
// flight or waiting for a retry.
func (t *planTargeter) request(seq int) (Request, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.inflight[seq]
	return r, ok
}

// forget drops a request that needs no further attempt.
func (t *planTargeter) forget(seq int) {
	t.mu.Lock()
	delete(t.inflight, seq)
	t.mu.Unlock()
}

// stop tells the producer to end. The producer may still be inside
// Source.Next and finish that call after stop returns.
func (t *planTargeter) stop() {
	t.once.Do(func() { close(t.quit) })
}

// sourceErr waits for the producer to finish and returns its error.
func (t *planTargeter) sourceErr() error {
	for range t.queue {
	}
	return t.err
}

// retry is one scheduled retry.
type retry struct {
	due     time.Time
	seq     int
	attempt int
}

// retryQueue holds scheduled retries, earliest first.
type retryQueue []retry

func (q *retryQueue) push(r retry) {
	i := len(*q)
	for i > 0 && (*q)[i-1].due.After(r.due) {
		i--
	}
	*q = append(*q, retry{})
	copy((*q)[i+1:], (*q)[i:])
	(*q)[i] = r
}

// popDue removes and returns the retries due at now.
func (q *retryQueue) popDue(now time.Time) []retry {
	n := 0
	for n < len(*q) && !(*q)[n].due.After(now) {
		n++
	}
	due := append([]retry(nil), (*q)[:n]...)
	*q = (*q)[n:]
	return due
}

// listTargeter returns a Targeter over a fixed list of targets, each
// taken once.
func listTargeter(targets []vegeta.Target) vegeta.Targeter {
	var next atomic.Int64
	return func(tgt *vegeta.Target) error {
		i := next.Add(1) - 1
		if i >= int64(len(targets)) {
			return vegeta.ErrNoTargets
		}
		*tgt = targets[i]
		return nil
	}
}
