package collector

import (
	"log/slog"
	"math"
	"time"

	"github.com/sgkit/sgkit/adapter"
)

// Defaults of a collector built without options.
const (
	// DefaultAddr listens on a free loopback port.
	DefaultAddr = "127.0.0.1:0"
	// DefaultMaxPayloadSize is the size limit adapter.Default() predicts
	// with, the Kinesis, Kafka and NSQ sinks' maxBytes default: a collector
	// payload larger than this, measured as the collector measures it,
	// becomes a size_violation bad row.
	DefaultMaxPayloadSize = adapter.DefaultMaxBytes
	// DefaultStoreCapacity is how many good events and bad rows together the
	// store keeps before it drops the oldest.
	DefaultStoreCapacity = 100000
	// DefaultCookieName is the collector's cookie.name default.
	DefaultCookieName = "sp"
	// DefaultRequestTimeout is the collector's networking.responseHeaderTimeout
	// (reference.conf, 30 seconds): HttpServer.timeoutMiddleware responds
	// 408 to a request not done by then.
	DefaultRequestTimeout = 30 * time.Second
	// MaxPayloadSizeLimit is the largest accepted maximum payload size:
	// the 413 limit, twice the maximum payload size, must fit in an int64.
	MaxPayloadSizeLimit = math.MaxInt64 / 2
)

// Predictor turns a collector payload into a good event or a bad row.
// *adapter.Predictor is the reference model; tests may wrap it.
type Predictor interface {
	Predict(cp adapter.CollectorPayload) (adapter.Prediction, error)
}

type config struct {
	addr           string
	maxPayloadSize int64
	capacity       int
	cookieName     string
	requestTimeout time.Duration
	logger         *slog.Logger
	predictor      Predictor
	now            func() time.Time
}

func defaultConfig() config {
	return config{
		addr:           DefaultAddr,
		maxPayloadSize: DefaultMaxPayloadSize,
		capacity:       DefaultStoreCapacity,
		cookieName:     DefaultCookieName,
		requestTimeout: DefaultRequestTimeout,
		logger:         slog.Default(),
		now:            time.Now,
	}
}

// Option configures a collector.
type Option func(*config)

// WithAddr sets the host:port the Server listens on; DefaultAddr when not
// set. Port 0 picks a free port, which URL reports after Start.
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithMaxPayloadSize sets the sink's maxBytes: the size limit in bytes of
// one collector payload, measured like the collector does, as the
// Thrift-serialised CollectorPayload with body and headers. A payload of at
// least this size is stored as the size_violation bad row stream collector's
// SplitBatch writes, and still gets 200. A request body above twice the
// limit gets 413 and is not stored, like the collector's dropPayloadSize.
// It applies to the default model only, not to one set with WithPredictor.
func WithMaxPayloadSize(bytes int64) Option {
	return func(c *config) { c.maxPayloadSize = bytes }
}

// WithStoreCapacity sets how many good events and bad rows together the
// store keeps; past it the oldest is dropped and counted in Stats.Dropped.
func WithStoreCapacity(n int) Option {
	return func(c *config) { c.capacity = n }
}

// WithCookieName sets the name of the network user id cookie; "sp" when not
// set.
func WithCookieName(name string) Option {
	return func(c *config) { c.cookieName = name }
}

// WithLogger sets the logger for starts, stops, request errors and payloads
// outside the model; slog.Default() when not set.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithPredictor sets the model run on every payload; adapter.Default() when
// not set.
func WithPredictor(p Predictor) Option {
	return func(c *config) { c.predictor = p }
}

// WithClock sets the clock for collector_tstamp, etl_tstamp and cookie
// expiry; time.Now when not set.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithRequestTimeout sets how long a tracking request may take, body
// included, before the response is 408 "Response timed out" and nothing
// is stored; DefaultRequestTimeout when not set.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *config) { c.requestTimeout = d }
}
