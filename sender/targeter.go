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

// batchSize is how many requests the producer builds before handing them
// to the workers: one handover per batch keeps goroutine switches rare.
const batchSize = 64

// planned is one request with its sequence number in the run.
type planned struct {
	seq int
	req Request
}

// planTargeter feeds a Source to a vegeta attack. One goroutine draws from
// the Source, which need not be safe for concurrent use, numbers the
// requests and passes them on in batches, so that building bodies runs
// beside the sending instead of inside each worker's timed attempt.
type planTargeter struct {
	base    *url.URL
	batches chan []planned
	// free returns emptied batches to the producer for reuse.
	free chan []planned
	quit chan struct{}
	once sync.Once
	// err is the Source's error other than ErrPlanDone, read after the
	// producer closed batches.
	err error

	// keep makes the targeter hold each request until forget is called.
	keep bool

	mu sync.Mutex
	// current is the batch being handed out, from index pos on.
	current    []planned
	pos        int
	done       bool
	inflight   map[int]Request
	duplicated Duplicates
}

func newPlanTargeter(src Source, base *url.URL, keep bool) *planTargeter {
	t := &planTargeter{
		base:     base,
		keep:     keep,
		batches:  make(chan []planned, 4),
		free:     make(chan []planned, 8),
		quit:     make(chan struct{}),
		inflight: map[int]Request{},
	}
	go t.produce(src)
	return t
}

func (t *planTargeter) produce(src Source) {
	defer close(t.batches)
	seq := 0
	for {
		var batch []planned
		select {
		case batch = <-t.free:
		default:
			batch = make([]planned, 0, batchSize)
		}
		for len(batch) < batchSize {
			select {
			case <-t.quit:
				return
			default:
			}
			r, err := src.Next()
			if err != nil {
				if !errors.Is(err, ErrPlanDone) {
					t.err = err
				}
				if len(batch) > 0 {
					select {
					case t.batches <- batch:
					case <-t.quit:
					}
				}
				return
			}
			batch = append(batch, planned{seq: seq, req: r})
			seq++
		}
		select {
		case t.batches <- batch:
		case <-t.quit:
			return
		}
	}
}

// targeter returns the vegeta.Targeter of the first attempts. It returns
// vegeta.ErrNoTargets once the Source is done or stop was called, which
// ends the attack.
func (t *planTargeter) targeter() vegeta.Targeter {
	return func(tgt *vegeta.Target) error {
		p, ok := t.take()
		if !ok {
			return vegeta.ErrNoTargets
		}
		*tgt = p.req.target(t.base, p.seq, 1)
		return nil
	}
}

func (t *planTargeter) take() (planned, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return planned{}, false
	}
	if t.pos == len(t.current) {
		if cap(t.current) == batchSize {
			// The batch is used up: its array goes back to the producer.
			select {
			case t.free <- t.current[:0]:
			default:
			}
		}
		// Workers that need a request wait here for the next batch.
		batch, ok := <-t.batches
		if !ok {
			t.done = true
			return planned{}, false
		}
		t.current, t.pos = batch, 0
	}
	p := t.current[t.pos]
	t.pos++
	if t.keep {
		t.inflight[p.seq] = p.req
	}
	// vegeta's worker attempts every target it takes, even when the attack
	// stops meanwhile, so a request taken counts as sent.
	switch p.req.Duplicate {
	case NaturalDuplicate:
		t.duplicated.Natural++
	case SyntheticDuplicate:
		t.duplicated.Synthetic++
	}
	return p, true
}

// duplicates returns the duplicates sent so far.
func (t *planTargeter) duplicates() Duplicates {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.duplicated
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

// stop makes the targeter hand out no more requests and ends the producer.
func (t *planTargeter) stop() {
	t.once.Do(func() { close(t.quit) })
	// A worker waiting for a batch holds mu until the producer, which has
	// seen quit, closes batches.
	t.mu.Lock()
	t.done = true
	t.mu.Unlock()
}

// sourceErr waits for the producer to end and returns the Source's error,
// if any.
func (t *planTargeter) sourceErr() error {
	for range t.batches {
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
