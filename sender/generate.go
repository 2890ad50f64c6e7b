package sender

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/sgkit/sgkit/adapter"
)

// Corpus selects what a generator produces.
type Corpus string

// Corpora.
const (
	// CorpusRealistic is status histories of a service catalog in the
	// chosen format.
	CorpusRealistic Corpus = "realistic"
	// CorpusEdge is one request per collector, adapter, validation and
	// warehouse rule, named after the rule.
	CorpusEdge Corpus = "edge"
)

// Options configure a generator. The zero value is a valid, unbounded,
// tagged v1 plan with seed 0 starting now.
type Options struct {
	// Seed makes the plan reproducible: the same Options give the same
	// requests, eids included.
	Seed int64
	// Count is the number of requests in the whole plan, before sharding.
	// Zero means unbounded for the realistic corpus and one request per
	// rule for the edge corpus.
	Count int
	// Format is v1, v2, v3 or mixed; "" means v1. The edge corpus ignores it.
	Format Format
	// Corpus is realistic or edge; "" means realistic.
	Corpus Corpus
	// RunID is the aid tag; "" means "sgkit-" followed by the seed.
	RunID string
	// NoTag leaves out the eid and aid tags, so the requests are exactly
	// what StatusGator sends.
	NoTag bool
	// NaturalDuplicates is the probability, from 0 to 1, that a request
	// repeats its service's previous request byte for byte.
	NaturalDuplicates float64
	// SyntheticDuplicates is the probability, from 0 to 1, that a request
	// reuses its service's previous eid with a new status change.
	SyntheticDuplicates float64
	// Start anchors the status histories, and the zero time means now.
	// Every occurred_at is at or before Start, with the plan's changes
	// spread back over about Count x 45 min / Services (30 days at most,
	// and at least one second per request). A given
	// Start is also the processing time in predicted bad rows, so that the
	// whole plan, predictions included, is reproducible.
	Start time.Time
	// Services is the catalog size; zero means DefaultServices.
	Services int
	// Shard selects one part of the plan; the zero value is the whole plan.
	Shard Shard
	// Predictor predicts each request's outcome; nil means adapter.Default().
	Predictor *adapter.Predictor
	// SkipPredictions leaves Request.Expected zero, for load runs where the
	// outcome is not checked.
	SkipPredictions bool
	// MaxBodyBytes is the collector's payload limit the edge case
	// "body-over-limit" exceeds; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int
	// Horizon bounds an unbounded realistic plan (Count 0): the most
	// requests this generator (this shard) is expected to return. The
	// timeline is laid back from Start over enough plan positions for
	// that many with a wide margin, and Next fails once they run out.
	// Zero means DefaultHorizon. Ignored when Count is set.
	Horizon int
}

// DefaultMaxBodyBytes is the maxBytes default of the stream collector's
// Kinesis, Kafka and NSQ sinks, the limit adapter.Default() predicts with.
const DefaultMaxBodyBytes = adapter.DefaultMaxBytes

// Shard is part I of N of a plan, I from 1 to N. Realistic plans are split
// by service, so each service's history stays whole and in order on one
// machine; edge plans are split by position. Shards of one plan never
// share a request and together make the whole plan.
type Shard struct {
	I, N int
}

// ParseShard parses "i/n", e.g. "2/3".
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("invalid shard %q: give i/n with 1 <= i <= n, e.g. 2/3", s)
	}
	return Shard{I: i, N: n}, nil
}

func (s Shard) whole() bool { return s.N <= 1 }

func (s Shard) owns(k int) bool { return s.whole() || k%s.N == s.I-1 }

// Generator produces a plan one request at a time. It is not safe for
// concurrent use.
type Generator struct {
	opts      Options
	predictor *adapter.Predictor
	catalog   []Service
	// cumulative is the running sum of service weights, to pick a service.
	cumulative []float64
	// schedule picks the service and duplicate kind of every plan position.
	// Every shard draws it in full, so every shard follows the same plan.
	schedule *rand.Rand
	services map[int]*serviceState
	edge     []edgeCase
	// timeline gives each plan position the instant of its change.
	timeline *timeline
	position int
	// aid is the escaped run id of the aid tag.
	aid string
	// timestamp is every request's assumed collector timestamp: Start to
	// the millisecond, the collector's precision.
	timestamp time.Time
}

// serviceState is one service's part of the plan.
type serviceState struct {
	history *history
	faker   *gofakeit.Faker
	// last is the service's previous request, for duplicates; valid when
	// hasLast is set. It is a copy, so that requests need no heap cell.
	last    Request
	hasLast bool
	// v1Service caches the service's escaped fields of a v1 body.
	v1Service string
}

// NewGenerator checks opts and returns a generator at the plan's start.
func NewGenerator(opts Options) (*Generator, error) {
	if opts.Format == "" {
		opts.Format = FormatV1
	}
	if opts.Corpus == "" {
		opts.Corpus = CorpusRealistic
	}
	if opts.Services == 0 {
		opts.Services = DefaultServices
	}
	if opts.RunID == "" {
		opts.RunID = "sgkit-" + strconv.FormatInt(opts.Seed, 10)
	}
	fixedStart := !opts.Start.IsZero()
	if !fixedStart {
		opts.Start = time.Now()
	}
	if opts.Horizon == 0 {
		opts.Horizon = DefaultHorizon
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if err := opts.check(); err != nil {
		return nil, err
	}

	g := &Generator{
		opts:      opts,
		predictor: opts.Predictor,
		services:  map[int]*serviceState{},
		aid:       url.QueryEscape(opts.RunID),
		timestamp: opts.Start.UTC().Truncate(time.Millisecond),
	}
	if g.predictor == nil && !opts.SkipPredictions {
		g.predictor = adapter.Default()
		if fixedStart {
			start := opts.Start.UTC()
			g.predictor.Now = func() time.Time { return start }
		}
	}
	g.catalog = NewCatalog(opts.Seed, opts.Services)
	total := 0.0
	for _, s := range g.catalog {
		total += s.Weight
		g.cumulative = append(g.cumulative, total)
	}
	g.schedule = rand.New(rand.NewSource(opts.Seed))
	if opts.Corpus == CorpusEdge {
		g.edge = edgeCases(opts)
	} else {
		length := opts.Count
		if length == 0 {
			length = g.horizonPositions()
		}
		g.timeline = newTimeline(opts.Seed, opts.Start, length, opts.Services)
	}
	return g, nil
}

func (o Options) check() error {
	switch o.Format {
	case FormatV1, FormatV2, FormatV3, FormatMixed:
	default:
		return fmt.Errorf("invalid format %q: use v1, v2, v3 or mixed", o.Format)
	}
	switch o.Corpus {
	case CorpusRealistic, CorpusEdge:
	default:
		return fmt.Errorf("invalid corpus %q: use realistic or edge", o.Corpus)
	}
	if err := CheckRunID(o.RunID); err != nil {
		return err
	}
	if o.NoTag && o.SyntheticDuplicates > 0 {
		// A synthetic duplicate reuses an eid, and untagged requests carry
		// none, so it would be an ordinary new request.
		return fmt.Errorf("invalid synthetic duplicate probability %g with NoTag: a synthetic duplicate reuses the eid tag, so set SyntheticDuplicates to 0 or tag the requests", o.SyntheticDuplicates)
	}
	if o.Horizon < 0 {
		return fmt.Errorf("invalid horizon %d: use 0 (the default) or more requests", o.Horizon)
	}
	if o.Count < 0 {
		return fmt.Errorf("invalid count %d: use 0 or more", o.Count)
	}
	if o.Services < 1 {
		return fmt.Errorf("invalid catalog size %d: use 1 or more services", o.Services)
	}
	if o.NaturalDuplicates < 0 || o.SyntheticDuplicates < 0 || o.NaturalDuplicates+o.SyntheticDuplicates > 1 {
		return fmt.Errorf("invalid duplicate probabilities %g and %g: each must be 0 to 1 and their sum at most 1",
			o.NaturalDuplicates, o.SyntheticDuplicates)
	}
	if !o.Shard.whole() && o.Corpus == CorpusRealistic && o.Shard.N > o.Services {
		return fmt.Errorf("invalid shard %d/%d: a realistic plan is split by service, so use at most %d shards or more services",
			o.Shard.I, o.Shard.N, o.Services)
	}
	return nil
}

// ErrPlanDone is returned by Next after the last request of a bounded plan.
var ErrPlanDone = errors.New("sender: plan done")

// Next returns the shard's next request, or ErrPlanDone.
func (g *Generator) Next() (Request, error) {
	if g.opts.Corpus == CorpusEdge {
		return g.nextEdge()
	}
	for {
		if g.opts.Count > 0 && g.position >= g.opts.Count {
			return Request{}, ErrPlanDone
		}
		index := g.position
		g.position++

		// These draws happen at every position, in every shard.
		pick := g.schedule.Float64() * g.cumulative[len(g.cumulative)-1]
		dup := g.schedule.Float64()
		at, err := g.timeline.next()
		if err != nil {
			return Request{}, err
		}
		s := sort.SearchFloat64s(g.cumulative, pick)
		if s == len(g.catalog) {
			s--
		}
		if !g.opts.Shard.owns(s) {
			continue
		}
		return g.realistic(index, s, dup, at)
	}
}

// horizonPositions returns the plan positions an unbounded plan's
// timeline needs for Horizon requests of this shard. A shard owns only its
// services' share of the positions, and half as many again plus a
// thousand covers the random variation of that share.
func (g *Generator) horizonPositions() int {
	share := 1.0
	if !g.opts.Shard.whole() {
		owned := 0.0
		for k, svc := range g.catalog {
			if g.opts.Shard.owns(k) {
				owned += svc.Weight
			}
		}
		share = owned / g.cumulative[len(g.cumulative)-1]
	}
	return int(float64(g.opts.Horizon)/share*1.5) + 1000
}

// MaxRunIDLength is the longest run id: it becomes app_id, and enrich
// rejects an app_id longer than atomic 1-0-0's maxLength of 255 with an
// enrichment_failures bad row for every event.
const MaxRunIDLength = 255

// CheckRunID reports whether id can tag requests as aid: 1 to 255 of the
// characters A-Z, a-z, 0-9, '.', '_' and '-'. The suites find a run's
// events by app_id, so the id is restricted to characters a query string
// carries literally and that every tool quotes the same way.
func CheckRunID(id string) error {
	if id == "" || len(id) > MaxRunIDLength {
		return fmt.Errorf("invalid run id of %d characters: it becomes app_id, which enrich limits to %d; use 1 to %d characters", len(id), MaxRunIDLength, MaxRunIDLength)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("invalid run id %q: character %q would need escaping in the query string; use only A-Z, a-z, 0-9, '.', '_' and '-'", id, c)
		}
	}
	return nil
}

// DefaultHorizon is the Horizon of an unbounded plan when Options leaves it
// zero: about 16.8 million requests, 4.6 hours at 1000 requests per second.
const DefaultHorizon = 1 << 24

// Generate returns the whole bounded plan (or the shard's part).
func Generate(opts Options) ([]Request, error) {
	if opts.Count == 0 && opts.Corpus != CorpusEdge {
		return nil, fmt.Errorf("invalid count 0: Generate needs a bounded plan; give Count or use NewGenerator")
	}
	g, err := NewGenerator(opts)
	if err != nil {
		return nil, err
	}
	var plan []Request
	for {
		r, err := g.Next()
		if errors.Is(err, ErrPlanDone) {
			return plan, nil
		}
		if err != nil {
			return nil, err
		}
		plan = append(plan, r)
	}
}

func (g *Generator) state(s int) *serviceState {
	st := g.services[s]
	if st == nil {
		// Each service draws from its own faker, so its history does not
		// depend on which other services share the shard.
		faker := gofakeit.NewUnlocked(mix(g.opts.Seed, int64(s)))
		st = &serviceState{faker: faker, history: newHistory(g.catalog[s], faker)}
		g.services[s] = st
	}
	return st
}

func (g *Generator) realistic(index, s int, dup float64, at time.Time) (Request, error) {
	st := g.state(s)
	natural := dup < g.opts.NaturalDuplicates
	synthetic := !natural && dup < g.opts.NaturalDuplicates+g.opts.SyntheticDuplicates

	if natural && st.hasLast {
		r := st.last
		r.Index = index
		r.Name = requestName(r.Format, r.Service, index)
		r.Duplicate = NaturalDuplicate
		r.DuplicateOf = st.last.Index
		return r, nil
	}

	format := g.opts.Format
	if synthetic && st.hasLast {
		format = st.last.Format
	} else if format == FormatMixed {
		format = []Format{FormatV1, FormatV2, FormatV3}[st.faker.Rand.Intn(3)]
	}
	// About one v3 webhook in seven is an early warning signal.
	earlyWarning := format == FormatV3 && st.faker.Rand.Intn(7) == 0
	change := st.history.next(at, earlyWarning, format == FormatV1)
	eid := newUUID(st.faker.Rand)

	r := Request{
		Index:     index,
		Name:      requestName(format, g.catalog[s].Slug, index),
		Format:    format,
		Method:    "POST",
		Path:      StatusGatorPath,
		Service:   g.catalog[s].Slug,
		Timestamp: g.timestamp,
	}
	switch format {
	case FormatV1:
		if st.v1Service == "" {
			st.v1Service = encodeV1Service(g.catalog[s])
		}
		r.ContentType, r.Body = ptr(ContentTypeForm), ptr(encodeV1(st.v1Service, change))
	case FormatV2:
		r.ContentType, r.Body = ptr(ContentTypeJSON), ptr(EncodeV2(change))
	case FormatV3:
		r.ContentType, r.Body = ptr(ContentTypeJSON), ptr(EncodeV3(change))
	}
	if synthetic && st.hasLast {
		eid = st.last.EventID
		r.Duplicate = SyntheticDuplicate
		r.DuplicateOf = st.last.Index
	}
	g.tag(&r, "", eid)
	if err := g.predict(&r); err != nil {
		return Request{}, err
	}

	st.last, st.hasLast = r, true
	return r, nil
}

// tag sets the query to query plus the eid and aid tags, unless tagging
// is off.
func (g *Generator) tag(r *Request, query, eid string) {
	r.Query = query
	if g.opts.NoTag {
		return
	}
	r.EventID = eid
	if r.Query != "" {
		r.Query += "&"
	}
	r.Query += "eid=" + url.QueryEscape(eid) + "&aid=" + g.aid
}

// requestName returns "format-slug-index", the index zero-padded to six
// digits so names sort in plan order.
func requestName(format Format, slug string, index int) string {
	// One allocation: sgkit load builds a name for every request it sends.
	var digits [20]byte
	n := strconv.AppendInt(digits[:0], int64(index), 10)
	var b strings.Builder
	b.Grow(len(format) + len(slug) + 2 + max(len(n), 6))
	b.WriteString(string(format))
	b.WriteByte('-')
	b.WriteString(slug)
	b.WriteByte('-')
	for range 6 - len(n) {
		b.WriteByte('0')
	}
	b.Write(n)
	return b.String()
}

func (g *Generator) predict(r *Request) error {
	if g.opts.SkipPredictions {
		return nil
	}
	pred, err := g.predictor.Predict(r.Payload())
	if err != nil {
		return fmt.Errorf("predict request %s: %w", r.Name, err)
	}
	r.Expected = pred
	return nil
}

// newUUID returns a random (version 4) UUID drawn from r, so that a seed
// reproduces its event ids. It draws two 64-bit numbers where gofakeit's
// UUID draws sixteen.
func newUUID(r *rand.Rand) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.Uint64())
	binary.BigEndian.PutUint64(b[8:], r.Uint64())
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant

	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// mix derives an independent seed from a seed and a stream number
// (SplitMix64's finaliser).
func mix(seed, stream int64) int64 {
	z := uint64(seed) + uint64(stream+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int64(z ^ (z >> 31))
}
