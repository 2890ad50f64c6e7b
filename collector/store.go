package collector

import (
	"slices"
	"sync"
)

// record is one stored good event or bad row, already encoded as Micro
// returns it, with the keys Micro's filters read.
type record struct {
	good bool
	json []byte

	// Good-event filter keys (Micro's keepGoodEvent).
	eventType *string
	schema    *string
	contexts  []string

	// Bad-row filter keys (Micro's keepBadEvent); nil when the bad event
	// has no collector payload, which every vendor/version filter keeps.
	vendor  *string
	version *string
}

// store is a bounded in-memory store: a ring of records, the oldest
// overwritten once capacity records are held. Micro's own store is
// unbounded; the bound keeps a long load test from exhausting memory.
type store struct {
	mu       sync.Mutex
	ring     []record
	start    int // index of the oldest record
	count    int
	goodN    int
	dropped  uint64
	received uint64
}

func newStore(capacity int) *store {
	return &store{ring: make([]record, capacity)}
}

// add stores r, dropping the oldest record when the store is full.
func (s *store) add(r record) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.received++
	if len(s.ring) == 0 {
		s.dropped++
		return
	}
	if s.count == len(s.ring) {
		if s.ring[s.start].good {
			s.goodN--
		}
		s.ring[s.start] = r
		s.start = (s.start + 1) % len(s.ring)
		s.dropped++
	} else {
		s.ring[(s.start+s.count)%len(s.ring)] = r
		s.count++
	}
	if r.good {
		s.goodN++
	}
}

// counts returns the good and bad records held now.
func (s *store) counts() (good, bad int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.goodN, s.count - s.goodN
}

// newestFirst returns up to limit records (limit < 0: all) for which keep
// is true, newest first as Micro lists them.
func (s *store) newestFirst(keep func(*record) bool, limit int) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out [][]byte
	for i := s.count - 1; i >= 0; i-- {
		if limit >= 0 && len(out) >= limit {
			break
		}
		r := &s.ring[(s.start+i)%len(s.ring)]
		if keep(r) {
			out = append(out, r.json)
		}
	}
	return out
}

// reset empties the store; the dropped and received counters keep running.
func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.ring)
	s.start, s.count, s.goodN = 0, 0, 0
}

func (s *store) counters() (dropped, received uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped, s.received
}

// keepGood is Micro's keepGoodEvent: each filter given must match, and an
// event must carry every context listed.
func keepGood(eventType, schema *string, contexts []string) func(*record) bool {
	return func(r *record) bool {
		if !r.good {
			return false
		}
		if eventType != nil && (r.eventType == nil || *r.eventType != *eventType) {
			return false
		}
		if schema != nil && (r.schema == nil || *r.schema != *schema) {
			return false
		}
		for _, c := range contexts {
			if !slices.Contains(r.contexts, c) {
				return false
			}
		}
		return true
	}
}

// keepBad is Micro's keepBadEvent: a filter matches a bad event without a
// collector payload (Scala's Option.forall on None is true).
func keepBad(vendor, version *string) func(*record) bool {
	return func(r *record) bool {
		if r.good {
			return false
		}
		if vendor != nil && r.vendor != nil && *r.vendor != *vendor {
			return false
		}
		if version != nil && r.version != nil && *r.version != *version {
			return false
		}
		return true
	}
}
