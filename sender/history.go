package sender

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"time"

	"github.com/brianvoe/gofakeit/v6"
)

// Status is one value of StatusGator's status vocabulary.
type Status string

// StatusGator's statuses; maintenance came later than the 2015 four.
const (
	StatusUp          Status = "up"
	StatusWarn        Status = "warn"
	StatusDown        Status = "down"
	StatusUnknown     Status = "unknown"
	StatusMaintenance Status = "maintenance"
)

// statusWeights sets how often each status is the new one. Real feeds are
// mostly up, warn and down, with a little unknown and maintenance.
var statusWeights = []struct {
	status Status
	weight int
}{
	{StatusUp, 40},
	{StatusWarn, 27},
	{StatusDown, 23},
	{StatusUnknown, 5},
	{StatusMaintenance, 5},
}

// StatusChange is one change of a service's status, with what every
// format draws from it.
type StatusChange struct {
	Service Service
	Last    Status
	Current Status
	// OccurredAt is the instant of the change in UTC.
	OccurredAt time.Time
	// Offset is the UTC offset v2 writes occurred_at in, in seconds.
	Offset int
	// Message and Details are the incident text; either may be empty, as
	// StatusGator's v2 article notes.
	Message string
	Details string
	// Components are the component changes; often none.
	Components []ComponentChange
	// Components' current statuses, for v2's component_statuses.
	ComponentStatuses []ComponentStatus
	// Board and monitor ids for v3.
	BoardID, BoardName, MonitorID string
	// EarlyWarning makes a v3 EarlyWarningSignal instead of a StatusChange.
	EarlyWarning bool
	// SignalID is the id in an EarlyWarningSignal's vote URLs.
	SignalID string
}

// ComponentChange is one entry of component_status_changes. GroupName is
// nil when the status page has no groups (JSON null).
type ComponentChange struct {
	GroupName *string `json:"group_name"`
	Name      string  `json:"name"`
	Last      Status  `json:"last_status"`
	Current   Status  `json:"current_status"`
}

// ComponentStatus is one entry of v2's component_statuses.
type ComponentStatus struct {
	GroupName *string `json:"group_name"`
	Name      string  `json:"name"`
	Status    Status  `json:"status"`
}

// history is one service's status over time. Each change starts from the
// status the previous change ended in. The instants come from the plan's
// timeline (see timeline), which only moves forward.
type history struct {
	service Service
	faker   *gofakeit.Faker
	current Status
}

// meanGap is the mean time between two changes of one service of average
// weight.
const meanGap = 45 * time.Minute

func newHistory(service Service, faker *gofakeit.Faker) *history {
	h := &history{service: service, faker: faker}
	h.current = h.drawStatus("")
	return h
}

// next returns the service's next change, which occurred at at, and
// advances the history. With statusOnly set it skips the incident text,
// components and offset, which v1 does not send.
func (h *history) next(at time.Time, earlyWarning, statusOnly bool) StatusChange {
	f := h.faker
	change := StatusChange{
		Service:    h.service,
		Last:       h.current,
		OccurredAt: at.UTC(),
		BoardID:    "Pwg0NMcnNF",
		BoardName:  "Production",
		MonitorID:  h.service.ID[5:] + h.service.ID[:5],
	}
	if earlyWarning {
		// A signal precedes a confirmed change, so the status stays.
		change.Current = h.current
		change.EarlyWarning = true
		change.SignalID = randomID(f)
		change.Message = "Service outage"
		return change
	}

	change.Current = h.drawStatus(h.current)
	h.current = change.Current
	if statusOnly {
		return change
	}
	change.Offset = h.drawOffset()
	change.Message, change.Details = h.drawText(change.Current)
	change.Components, change.ComponentStatuses = h.drawComponents(change.Last, change.Current)
	return change
}

// drawStatus returns a status different from previous.
func (h *history) drawStatus(previous Status) Status {
	total := 0
	for _, w := range statusWeights {
		if w.status != previous {
			total += w.weight
		}
	}
	n := h.faker.Rand.Intn(total)
	for _, w := range statusWeights {
		if w.status == previous {
			continue
		}
		if n < w.weight {
			return w.status
		}
		n -= w.weight
	}
	return StatusUp
}

// offsets are the UTC offsets v2 writes occurred_at in, in seconds; UTC
// most of the time.
var offsets = []int{0, 0, 0, 0, 0, -4 * 3600, -5 * 3600, -7 * 3600, 3600, 2 * 3600, 5*3600 + 1800, 9 * 3600}

func (h *history) drawOffset() int {
	return offsets[h.faker.Rand.Intn(len(offsets))]
}

var incidentMessages = map[Status][]string{
	StatusUp:          {"", "Resolved", "All systems operational", "Service restored"},
	StatusWarn:        {"", "Degraded performance", "Elevated error rates", "Increased latency"},
	StatusDown:        {"", "Major outage", "Service unavailable", "Partial outage"},
	StatusUnknown:     {"", "Status page unreachable"},
	StatusMaintenance: {"", "Scheduled maintenance", "Database upgrade in progress"},
}

// incidentDetails are the detail texts status pages publish with an
// incident message.
var incidentDetails = []string{
	"We are investigating reports of elevated error rates.",
	"We have identified the cause and are implementing a fix.",
	"A fix has been implemented and we are monitoring the results.",
	"Some users are experiencing delays. We are working on a mitigation.",
	"This incident has been resolved.",
	"Maintenance is under way; some requests may fail during the window.",
	"We are seeing increased latency in one region.",
}

func (h *history) drawText(current Status) (message, details string) {
	msgs := incidentMessages[current]
	message = msgs[h.faker.Rand.Intn(len(msgs))]
	if message == "" {
		return "", ""
	}
	return message, incidentDetails[h.faker.Rand.Intn(len(incidentDetails))]
}

var componentNames = []string{"API", "Website", "Webhooks", "Dashboard", "Authentication", "Notifications", "Git Operations", "Payments", "Search", "CDN"}

var componentGroups = []string{"APIs", "Core services", "Regions"}

// drawComponents returns up to three component changes and the statuses
// of every component. Some services group their components; the choice is
// fixed per service.
func (h *history) drawComponents(last, current Status) ([]ComponentChange, []ComponentStatus) {
	f := h.faker
	n := f.Rand.Intn(4)
	changes := []ComponentChange{}
	statuses := []ComponentStatus{}
	if n == 0 {
		return changes, statuses
	}

	var group *string
	if h.service.Weight > 5 {
		g := componentGroups[f.Rand.Intn(len(componentGroups))]
		group = &g
	}
	first := f.Rand.Intn(len(componentNames))
	for i := 0; i < n; i++ {
		name := componentNames[(first+i)%len(componentNames)]
		changes = append(changes, ComponentChange{GroupName: group, Name: name, Last: last, Current: current})
		statuses = append(statuses, ComponentStatus{GroupName: group, Name: name, Status: current})
	}
	statuses = append(statuses, ComponentStatus{
		GroupName: group,
		Name:      componentNames[(first+n)%len(componentNames)],
		Status:    StatusUp,
	})
	return changes, statuses
}

// timeline gives every request of a plan the instant of its status change.
// A webhook reports a change that already happened, so every instant is at
// or before the plan's start, the collector_tstamp of its predictions. The
// timeline begins the plan's expected span before the start and shortens a
// gap only when the requests left would otherwise pass the start. Gaps are
// exponential, because changes cluster during incidents, and whole seconds
// of at least one, so instants increase strictly across the plan and hence
// per service. Every shard draws every position's gap, so all shards see
// the same instants.
type timeline struct {
	rand   *rand.Rand
	mean   float64 // seconds
	at     time.Time
	end    time.Time
	length int
	used   int
}

// maxSpan is the longest time a plan's changes spread over when one
// second per request allows it.
const maxSpan = 30 * 24 * time.Hour

// errHorizon is returned once an unbounded plan outgrows its timeline.
var errHorizon = errors.New("sender: plan passed its horizon")

func newTimeline(seed int64, start time.Time, length, services int) *timeline {
	mean := meanGap.Seconds() / float64(services)
	mean = max(1, min(mean, maxSpan.Seconds()/float64(length)))
	span := max(int64(math.Round(float64(length)*mean)), int64(length))
	end := start.UTC().Truncate(time.Second)
	return &timeline{
		rand:   rand.New(rand.NewSource(mix(seed, timelineStream))),
		mean:   mean,
		at:     end.Add(-time.Duration(span) * time.Second),
		end:    end,
		length: length,
	}
}

// next returns the instant of the plan's next request.
func (t *timeline) next() (time.Time, error) {
	if t.used >= t.length {
		return time.Time{}, fmt.Errorf("%w of %d requests: every occurred_at must lie before the start, so set Options.Horizon to the most requests the run may send", errHorizon, t.length)
	}
	t.used++
	at := t.at
	gap := max(1, int64(math.Round(-math.Log(1-t.rand.Float64())*t.mean)))
	// Leave one second for each request after the next one.
	limit := int64(t.end.Sub(at)/time.Second) - int64(t.length-1-t.used)
	t.at = at.Add(time.Duration(max(1, min(gap, limit))) * time.Second)
	return at, nil
}

// timelineStream is the mix stream of the timeline's gaps, apart from the
// services' (0 and up) and the edge cases' (-1 and down, one per case).
const timelineStream = -1 << 40
