package sender

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Sender fires requests at a collector on vegeta's library. Its zero
// value, with Collector set, sends as fast as vegeta's default ten workers
// allow, once per request, with vegeta's 30 s timeout.
type Sender struct {
	// Collector is the collector's base URL; request paths are appended to
	// its path.
	Collector *url.URL
	// Rate is the constant rate of first attempts, in requests per second;
	// 0 sends as fast as Workers allow.
	Rate int
	// Workers is the number of concurrent workers: fixed when Rate is 0,
	// the initial number otherwise; 0 means vegeta.DefaultWorkers.
	Workers int
	// MaxWorkers caps the workers vegeta adds to hold Rate when responses
	// are slow; 0 means no cap. Ignored when Rate is 0.
	MaxWorkers int
	// Timeout bounds each attempt, response body included; 0 means
	// vegeta.DefaultTimeout.
	Timeout time.Duration
	// Duration bounds the run: no first attempt starts after it, and
	// retries not yet due when the last first attempt completes are
	// dropped and reported as pending. 0 sends the whole Source and waits
	// for every retry.
	Duration time.Duration
	// Retry is the retry policy; the zero value never retries, and a zero
	// Scale means 1.
	Retry RetryPolicy
	// Results, when set, receives every attempt's vegeta Result, so that
	// `vegeta report` and `vegeta plot` can read the run.
	Results vegeta.Encoder
	// Progress, when set, is updated as attempts complete.
	Progress *Progress
}

// attackName is the Attack field of every vegeta Result sgkit writes.
const attackName = "sgkit"

func (s *Sender) check() error {
	if s.Collector == nil {
		return errors.New("missing collector URL: set Sender.Collector")
	}
	if s.Rate < 0 || s.Workers < 0 || s.MaxWorkers < 0 || s.Timeout < 0 || s.Duration < 0 {
		return fmt.Errorf("invalid sender settings: rate %d, workers %d, max workers %d, timeout %s and duration %s must not be negative",
			s.Rate, s.Workers, s.MaxWorkers, s.Timeout, s.Duration)
	}
	if s.Retry.Scale == 0 {
		s.Retry.Scale = 1
	}
	return s.Retry.check()
}

// Send fires reqs and returns the report with one RequestResult per
// request, in the order of reqs.
func (s *Sender) Send(ctx context.Context, reqs []Request) (Report, error) {
	results := make([]RequestResult, len(reqs))
	for i, r := range reqs {
		results[i] = RequestResult{Index: r.Index, Name: r.Name}
	}
	rep, err := s.run(ctx, SliceSource(reqs), func(seq int, rr RequestResult) { results[seq] = rr })
	rep.Results = results
	for _, rr := range results {
		if !rr.Sent {
			rep.NotSent++
		}
	}
	return rep, err
}

// Run fires the requests of src until it is done, Duration elapses, ctx is
// canceled or the retry policy disables the integration. The report has
// aggregate figures only, so Run suits unbounded sources.
func (s *Sender) Run(ctx context.Context, src Source) (Report, error) {
	return s.run(ctx, src, nil)
}

// run is one attack plus its retries. The first attempts go out in one
// vegeta attack paced by Rate. The retries that fall due together go out
// in a short attack of their own, on the same HTTP client.
func (s *Sender) run(ctx context.Context, src Source, record func(seq int, rr RequestResult)) (Report, error) {
	if err := s.check(); err != nil {
		return Report{}, err
	}
	client := s.httpClient()
	defer client.CloseIdleConnections()

	acct := newAccounting(s.Retry, s.Progress)
	// Requests are kept while in flight only when they may be retried or
	// reported one by one.
	plan := newPlanTargeter(src, s.Collector, record != nil || s.Retry.Retries > 0)
	defer plan.stop()

	started := time.Now()
	main := s.attacker(client, s.Rate == 0, s.workers())
	pacer := vegeta.Pacer(vegeta.ConstantPacer{Freq: s.Rate, Per: time.Second})
	mainResults := main.Attack(plan.targeter(), pacer, s.Duration, attackName)

	l := &resultLoop{
		sender:       s,
		client:       client,
		acct:         acct,
		plan:         plan,
		main:         main,
		record:       record,
		state:        map[int]*RequestResult{},
		retryResults: make(chan *vegeta.Result, resultBuffer),
		waveDone:     make(chan struct{}),
		reason:       StopDone,
	}
	l.loop(ctx, mainResults)
	l.dropUnsent()

	plan.stop()
	srcErr := plan.sourceErr()
	rep := acct.close(time.Since(started))
	rep.Duplicates = plan.duplicates()
	rep.Stopped = l.reason
	if srcErr != nil {
		return rep, fmt.Errorf("generate requests: %w", srcErr)
	}
	if l.encodeErr != nil {
		return rep, fmt.Errorf("write results: %w", l.encodeErr)
	}
	return rep, nil
}

// resultBuffer is how many retry results may wait for the result loop.
const resultBuffer = 1024

// resultLoop receives every attempt's result, keeps the accounting and
// schedules retries. Only its goroutine touches its fields.
type resultLoop struct {
	sender       *Sender
	client       *http.Client
	acct         *accounting
	plan         *planTargeter
	main         *vegeta.Attacker
	record       func(seq int, rr RequestResult)
	state        map[int]*RequestResult
	pending      retryQueue
	retryResults chan *vegeta.Result
	waveDone     chan struct{}
	waves        []*vegeta.Attacker
	running      int
	stopping     bool
	reason       StopReason
	encodeErr    error
}

func (l *resultLoop) loop(ctx context.Context, mainResults <-chan *vegeta.Result) {
	done := ctx.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	// A wave's goroutine queues all its results before it reports done, and
	// retryResults is buffered, so results may still wait there after the
	// last wave is done: the loop runs until they are handled too.
	for mainResults != nil || l.running > 0 || len(l.pending) > 0 || len(l.retryResults) > 0 {
		if l.running == 0 && len(l.pending) == 0 && len(l.retryResults) == 0 {
			// No retry is scheduled or running, the usual case of a load
			// run: a two-way select locks two channels per result, not five.
			select {
			case res, ok := <-mainResults:
				l.receive(res, ok, &mainResults)
			case <-done:
				l.stop(StopCanceled)
				done = nil
			}
			continue
		}

		var due <-chan time.Time
		if len(l.pending) > 0 {
			timer.Reset(time.Until(l.pending[0].due))
			due = timer.C
		}
		select {
		case res, ok := <-mainResults:
			l.receive(res, ok, &mainResults)
		case res := <-l.retryResults:
			l.handle(res)
		case <-l.waveDone:
			l.running--
		case <-due:
			l.fire(l.pending.popDue(time.Now()))
		case <-done:
			l.stop(StopCanceled)
			done = nil
		}
		timer.Stop()
	}
}

// receive handles one receive from the first attempts' results, which
// close when the attack ends.
func (l *resultLoop) receive(res *vegeta.Result, ok bool, mainResults *<-chan *vegeta.Result) {
	if ok {
		l.handle(res)
		return
	}
	*mainResults = nil
	if l.sender.Duration > 0 {
		l.dropPending()
	}
}

// handle accounts one attempt and decides whether the request is retried.
func (l *resultLoop) handle(res *vegeta.Result) {
	seq, attempt, ok := parseFragment(res.URL)
	if !ok {
		// The result of a worker that found the plan done: no request.
		return
	}
	if l.sender.Results != nil && l.encodeErr == nil {
		l.encodeErr = l.sender.Results.Encode(res)
	}
	if attempt == 1 {
		l.acct.report.Requests++
	}
	succeeded, kind := l.acct.attempt(res)
	if l.acct.disables(succeeded, attempt) {
		l.stop(StopDisabled)
	}
	if !l.plan.keep {
		// Nothing to retry and no per-request results: the counts are all.
		l.acct.progress.Completed.Add(1)
		return
	}

	rr := l.state[seq]
	if rr == nil {
		req, _ := l.plan.request(seq)
		rr = &RequestResult{Index: req.Index, Name: req.Name, Sent: true}
		l.state[seq] = rr
	}
	rr.Attempts = attempt
	rr.Code = int(res.Code)
	rr.ErrorKind = kind
	rr.Error = res.Error
	rr.Succeeded = succeeded

	policy := l.sender.Retry
	if !succeeded && !l.stopping && policy.retryable(res.Code) && attempt <= policy.Retries {
		l.pending.push(retry{due: time.Now().Add(policy.Delay(attempt)), seq: seq, attempt: attempt + 1})
		return
	}
	l.finish(seq)
}

func (l *resultLoop) finish(seq int) {
	l.acct.progress.Completed.Add(1)
	if rr := l.state[seq]; rr != nil && l.record != nil {
		l.record(seq, *rr)
	}
	delete(l.state, seq)
	l.plan.forget(seq)
}

// fire sends the due retries as one attack, as fast as the workers allow.
func (l *resultLoop) fire(due []retry) {
	if len(due) == 0 {
		return
	}
	targets := make([]vegeta.Target, len(due))
	for i, r := range due {
		req, _ := l.plan.request(r.seq)
		targets[i] = req.target(l.sender.Collector, r.seq, r.attempt)
	}
	workers := min(len(due), l.sender.workers())
	a := l.sender.attacker(l.client, true, workers)
	results := a.Attack(listTargeter(targets), countPacer(len(targets)), 0, attackName)

	l.waves = append(l.waves, a)
	l.running++
	go func() {
		for res := range results {
			l.retryResults <- res
		}
		l.waveDone <- struct{}{}
	}()
}

// stop ends the run: no new first attempts, and scheduled retries are
// dropped. Attempts in flight complete within the timeout and are counted.
func (l *resultLoop) stop(reason StopReason) {
	if l.stopping {
		return
	}
	l.stopping = true
	l.reason = reason
	l.plan.stop()
	l.main.Stop()
	for _, a := range l.waves {
		a.Stop()
	}
	l.dropPending()
}

// dropPending ends the requests whose retry is not yet due.
func (l *resultLoop) dropPending() {
	for _, r := range l.pending {
		if rr := l.state[r.seq]; rr != nil {
			rr.RetryPending = true
		}
		l.finish(r.seq)
	}
	l.pending = nil
}

// dropUnsent ends the requests whose retry was in a wave the run stopped
// before the wave sent it: vegeta's Attacker.Stop returns no result for a
// target it did not send.
func (l *resultLoop) dropUnsent() {
	for seq, rr := range l.state {
		rr.RetryPending = true
		l.finish(seq)
	}
}

// countPacer sends its hits at once and stops after that many. vegeta's
// PacerFunc lacks the Rate method of the Pacer interface (v12.13.0), so it
// cannot serve here.
type countPacer uint64

func (p countPacer) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= uint64(p)
}

func (p countPacer) Rate(time.Duration) float64 { return 0 }

func (s *Sender) workers() int {
	if s.Workers == 0 {
		return vegeta.DefaultWorkers
	}
	return s.Workers
}

// attacker returns a vegeta attacker on the shared client. With fixed set,
// the worker count never grows, which is what vegeta needs for an
// unpaced attack.
func (s *Sender) attacker(client *http.Client, fixed bool, workers int) *vegeta.Attacker {
	maxWorkers := uint64(vegeta.DefaultMaxWorkers)
	if fixed {
		maxWorkers = uint64(workers)
	} else if s.MaxWorkers > 0 {
		maxWorkers = uint64(s.MaxWorkers)
	}
	return vegeta.NewAttacker(
		vegeta.Client(client),
		vegeta.Workers(uint64(workers)),
		vegeta.MaxWorkers(maxWorkers),
	)
}

// proxyFromEnvironment is the proxy setting of every run. net/http reads
// the environment once per process, so the specs replace this instead.
var proxyFromEnvironment = http.ProxyFromEnvironment

// httpClient returns the client of every attempt of a run. It sends
// through the direct HTTP/1.1 transport to a plain http:// collector and
// through net/http's Transport otherwise. It follows no redirects, because
// StatusGator expects a 200 and treats a redirect as a failed attempt.
func (s *Sender) httpClient() *http.Client {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = vegeta.DefaultTimeout
	}
	dialer := &net.Dialer{KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:               proxyFromEnvironment,
		DialContext:         dialer.DialContext,
		MaxIdleConnsPerHost: vegeta.DefaultConnections,
	}
	proxy, err := transport.Proxy(&http.Request{URL: s.Collector})
	return &http.Client{
		// The round trippers apply the timeout: http.Client.Timeout with a
		// round tripper other than *http.Transport starts a goroutine and a
		// timer per request (net/http setRequestCancel), which cost a load
		// run a fifth of its CPU.
		Transport: &directTransport{
			dialer:   dialer,
			timeout:  timeout,
			enabled:  directSupported && s.Collector.Scheme == "http" && proxy == nil && err == nil,
			fallback: attemptTransport{next: transport, timeout: timeout},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// attemptTransport bounds each attempt through net/http's Transport,
// response body included, by the timeout.
type attemptTransport struct {
	next    *http.Transport
	timeout time.Duration
}

func (t attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t attemptTransport) CloseIdleConnections() {
	t.next.CloseIdleConnections()
}

// cancelOnClose releases an attempt's timeout when vegeta closes the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
