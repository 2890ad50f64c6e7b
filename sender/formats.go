package sender

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Content types StatusGator sends: form-encoded for v1, JSON for v2 and v3.
const (
	ContentTypeForm = "application/x-www-form-urlencoded"
	ContentTypeJSON = "application/json"
)

// occurredAtLayout writes an offset as ±hh:mm, "+00:00" for UTC, as in
// StatusGator's 2015 example (2015-04-15T16:48:52+00:00).
const occurredAtLayout = "2006-01-02T15:04:05-07:00"

// EncodeV1 returns the form-encoded v1 body of a change. The fields come in
// the order of the CloudFlare body in enrich's StatusGatorAdapterSpec, and
// values are escaped as Go's url.Values does (url.QueryEscape: space as '+',
// reserved characters as %XX). Together they reproduce the spec's body byte
// for byte.
func EncodeV1(c StatusChange) string {
	return encodeV1(encodeV1Service(c.Service), c)
}

// encodeV1Service returns the service's part of a v1 body, the same for
// every change of the service.
func encodeV1Service(s Service) string {
	var b strings.Builder
	b.Grow(256)
	writeField(&b, "service_name", s.Name)
	writeField(&b, "favicon_url", s.IconURL())
	writeField(&b, "status_page_url", s.StatusPageURL)
	writeField(&b, "home_page_url", s.HomePageURL)
	return b.String()
}

// encodeV1 appends the change's fields to the service's part of the body.
func encodeV1(service string, c StatusChange) string {
	var b strings.Builder
	b.Grow(len(service) + 96)
	b.WriteString(service)
	writeField(&b, "current_status", string(c.Current))
	writeField(&b, "last_status", string(c.Last))
	b.WriteString("&occurred_at=")
	writeEscapedUTC(&b, c.OccurredAt)
	return b.String()
}

// writeEscapedUTC writes t in UTC with a +00:00 offset, form-escaped as
// url.QueryEscape would: 2016-05-19T09%3A26%3A31%2B00%3A00. Writing the
// digits directly saves the format-then-escape round trip, a fifth of the
// cost of a v1 body in a load run.
func writeEscapedUTC(b *strings.Builder, t time.Time) {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	writeDigits(b, year, 4)
	b.WriteByte('-')
	writeDigits(b, int(month), 2)
	b.WriteByte('-')
	writeDigits(b, day, 2)
	b.WriteByte('T')
	writeDigits(b, hour, 2)
	b.WriteString("%3A")
	writeDigits(b, minute, 2)
	b.WriteString("%3A")
	writeDigits(b, second, 2)
	b.WriteString("%2B00%3A00")
}

// writeDigits writes n, 0 <= n < 10^width, zero-padded to width digits.
func writeDigits(b *strings.Builder, n, width int) {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	b.Write(buf[:width])
}

// writeField appends one name=value pair, after a '&' unless it is the first.
func writeField(b *strings.Builder, name, value string) {
	if b.Len() > 0 {
		b.WriteByte('&')
	}
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(url.QueryEscape(value))
}

// v2Body is the v2 JSON object. Its fields are in alphabetical order, as
// in the Heroku example of StatusGator's "Webhook Version 2.0" article.
type v2Body struct {
	ComponentStatusChanges []ComponentChange `json:"component_status_changes"`
	ComponentStatuses      []ComponentStatus `json:"component_statuses"`
	CurrentStatus          Status            `json:"current_status"`
	Details                string            `json:"details"`
	FaviconURL             string            `json:"favicon_url"`
	HomePageURL            string            `json:"home_page_url"`
	LastStatus             Status            `json:"last_status"`
	Message                string            `json:"message"`
	OccurredAt             string            `json:"occurred_at"`
	ServiceName            string            `json:"service_name"`
	Slug                   string            `json:"slug"`
	StatusPageURL          string            `json:"status_page_url"`
}

// EncodeV2 returns the v2 JSON body of a change. occurred_at carries the
// change's offset, which is not always UTC (the article's example is
// 2022-01-20T10:52:30-04:00).
func EncodeV2(c StatusChange) string {
	zone := time.FixedZone("", c.Offset)
	return mustJSON(v2Body{
		ComponentStatusChanges: c.Components,
		ComponentStatuses:      c.ComponentStatuses,
		CurrentStatus:          c.Current,
		Details:                c.Details,
		FaviconURL:             c.Service.FaviconURL(),
		HomePageURL:            c.Service.HomePageURL,
		LastStatus:             c.Last,
		Message:                c.Message,
		OccurredAt:             c.OccurredAt.In(zone).Format(occurredAtLayout),
		ServiceName:            c.Service.Name,
		Slug:                   c.Service.Slug,
		StatusPageURL:          c.Service.StatusPageURL,
	})
}

// The v3 objects, fields in the order of the "Webhook version 3.0"
// article's examples.
type v3Service struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Slug           string `json:"slug"`
	HomePageURL    string `json:"home_page_url"`
	StatusPageURL  string `json:"status_page_url"`
	IconURL        string `json:"icon_url"`
	LandingPageURL string `json:"landing_page_url"`
}

type v3Monitor struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	DisplayName string `json:"display_name"`
	IconURL     string `json:"icon_url"`
}

type v3Board struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type v3StatusChange struct {
	Type                   string            `json:"type"`
	RecordedAt             string            `json:"recorded_at"`
	Service                v3Service         `json:"service"`
	Monitor                v3Monitor         `json:"monitor"`
	Board                  v3Board           `json:"board"`
	Status                 Status            `json:"status"`
	PreviousStatus         Status            `json:"previous_status"`
	Message                string            `json:"message"`
	Details                string            `json:"details"`
	ComponentStatusChanges []ComponentChange `json:"component_status_changes"`
}

type v3EarlyWarningSignal struct {
	Type       string    `json:"type"`
	RecordedAt string    `json:"recorded_at"`
	Service    v3Service `json:"service"`
	Monitor    v3Monitor `json:"monitor"`
	Board      v3Board   `json:"board"`
	Summary    string    `json:"summary"`
	YesVoteURL string    `json:"yes_vote_url"`
	NoVoteURL  string    `json:"no_vote_url"`
}

// EncodeV3 returns the v3 JSON body of a change: an EarlyWarningSignal when
// c.EarlyWarning is set, a StatusChange otherwise. recorded_at is UTC with
// a Z suffix.
func EncodeV3(c StatusChange) string {
	s := c.Service
	service := v3Service{
		ID:             s.ID,
		Name:           s.Name,
		Slug:           s.Slug,
		HomePageURL:    s.HomePageURL,
		StatusPageURL:  s.StatusPageURL,
		IconURL:        s.V3IconURL(),
		LandingPageURL: s.LandingPageURL(),
	}
	monitor := v3Monitor{ID: c.MonitorID, Type: "ServiceMonitor", DisplayName: s.Name, IconURL: s.V3IconURL()}
	board := v3Board{ID: c.BoardID, Name: c.BoardName}
	recordedAt := c.OccurredAt.UTC().Format(time.RFC3339)

	if c.EarlyWarning {
		votes := "https://statusgator.com/signal_alerts/" + c.SignalID
		return mustJSON(v3EarlyWarningSignal{
			Type:       "EarlyWarningSignal",
			RecordedAt: recordedAt,
			Service:    service,
			Monitor:    monitor,
			Board:      board,
			Summary:    c.Message,
			YesVoteURL: votes + "/confirm",
			NoVoteURL:  votes + "/deny",
		})
	}
	return mustJSON(v3StatusChange{
		Type:                   "StatusChange",
		RecordedAt:             recordedAt,
		Service:                service,
		Monitor:                monitor,
		Board:                  board,
		Status:                 c.Current,
		PreviousStatus:         c.Last,
		Message:                c.Message,
		Details:                c.Details,
		ComponentStatusChanges: c.Components,
	})
}

// mustJSON marshals the payload structs of this file, whose fields are
// strings, slices and structs only, so json.Marshal cannot fail on them.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sender: marshal payload: " + err.Error())
	}
	return string(b)
}
