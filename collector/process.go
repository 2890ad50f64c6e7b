package collector

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/micro"
)

// Micro's errors[0] sentences (snowplow-micro 4.5.2, EventSink.scala).
const (
	// sentenceAdapter precedes a bad row from enrich's adapters.
	sentenceAdapter = "Error while extracting event(s) from collector payload and validating it/them."
	// sentenceValidation precedes a bad row from enrich's validation and
	// enrichment steps, e.g. schema_violations.
	sentenceValidation = "Error while validating the event."
	// sentenceThrift precedes a bad row from enrich's ThriftLoader, i.e.
	// collector_payload_format_violation. Micro then has no collector payload.
	sentenceThrift = "Can't deserialize Thrift bytes."
	// sentenceSize precedes a size_violation. Micro never writes one: its
	// sink accepts any size. The sentence is sgkit's own, so that errors[1]
	// is the bad row for every bad event.
	sentenceSize = "Collector payload exceeds the maximum size; the collector wrote this bad row, not enrich."
)

// process runs one collector payload through the model, whose size check
// is the collector's, and stores the outcome. cookieSent reports whether the request carried the
// network user id cookie; logs record that, never the id itself.
func (h *Handler) process(cp adapter.CollectorPayload, cookieSent bool) {
	stored := storedContentType(cp.ContentType)
	// Service.buildEvent appends the stored content type to the headers.
	if stored != nil {
		cp.Headers = append(slices.Clip(cp.Headers), *stored)
	}
	pred, err := h.predictor.Predict(cp)
	if err != nil {
		h.outsideModel.Add(1)
		reason := fmt.Sprintf("%s: %v", cp.Path, err)
		h.lastMu.Lock()
		h.lastOutside = reason
		h.lastMu.Unlock()
		h.log.Warn("payload outside the model: responded 200, not stored",
			"path", cp.Path, "cookie_sent", cookieSent, "err", err,
			"outside_model_total", h.outsideModel.Load())
		return
	}

	var rec record
	switch pred.Outcome {
	case adapter.Good:
		rec, err = h.goodRecord(pred, cp, stored)
	case adapter.Bad:
		rec, err = h.badRecord(pred, cp, stored)
	default:
		err = fmt.Errorf("prediction has outcome %q, want good or bad", pred.Outcome)
	}
	if err != nil {
		// A prediction the collector cannot store is a model bug. It is
		// counted with the payloads outside the model so that it is not lost.
		h.outsideModel.Add(1)
		h.lastMu.Lock()
		h.lastOutside = fmt.Sprintf("%s: %v", cp.Path, err)
		h.lastMu.Unlock()
		h.log.Error("store prediction", "path", cp.Path, "err", err)
		return
	}
	h.store.add(rec)
	h.log.Debug("payload stored", "path", cp.Path, "outcome", pred.Outcome, "cookie_sent", cookieSent)
}

func (h *Handler) goodRecord(pred adapter.Prediction, cp adapter.CollectorPayload, stored *string) (record, error) {
	event, _, err := enrichedEvent(pred, cp, h.src, h.cfg.now())
	if err != nil {
		return record{}, err
	}
	rawEvent, err := adapter.MarshalCirce(h.microRawEvent(pred, cp, stored))
	if err != nil {
		return record{}, fmt.Errorf("encode rawEvent: %w", err)
	}
	ge := micro.GoodEvent{
		RawEvent:  rawEvent,
		EventType: stringField(pred.Event, "event"),
		Schema:    eventSchema(pred.Event),
		// Contexts lists the schemas of the event's contexts. The
		// StatusGator adapter attaches none.
		Contexts: []string{},
		Event:    event,
	}
	raw, err := adapter.MarshalCirce(goodEventJSON(ge))
	if err != nil {
		return record{}, fmt.Errorf("encode good event: %w", err)
	}
	return record{good: true, json: raw, eventType: ge.EventType, schema: ge.Schema, contexts: ge.Contexts}, nil
}

func (h *Handler) badRecord(pred adapter.Prediction, cp adapter.CollectorPayload, stored *string) (record, error) {
	if pred.BadRow == nil {
		return record{}, fmt.Errorf("bad prediction for %s has no bad row", cp.Path)
	}
	badRow, err := adapter.MarshalCirce(pred.BadRow)
	if err != nil {
		return record{}, fmt.Errorf("encode bad row: %w", err)
	}

	mcp := h.microCollectorPayload(cp, stored)
	be := micro.BadEvent{CollectorPayload: json.RawMessage("null"), RawEvent: json.RawMessage("null")}
	switch badRowType(pred.BadRow.Schema) {
	case "adapter_failures":
		be.Errors = []string{sentenceAdapter, string(badRow)}
	case "size_violation":
		// The collector wrote it, so enrich never saw the payload; Micro
		// keeps the payload here so that a run can still match the row.
		be.Errors = []string{sentenceSize, string(badRow)}
	case "collector_payload_format_violation":
		// ThriftLoader failed, so Micro has neither payload nor raw event.
		be.Errors = []string{sentenceThrift, string(badRow)}
		mcp = nil
	default:
		be.Errors = []string{sentenceValidation, string(badRow)}
		if pred.RawEvent != nil {
			raw, err := adapter.MarshalCirce(h.microRawEvent(pred, cp, stored))
			if err != nil {
				return record{}, fmt.Errorf("encode rawEvent: %w", err)
			}
			be.RawEvent = raw
		}
	}
	return h.encodeBad(be, mcp)
}

// encodeBad encodes be with mcp as its collector payload (null when nil).
func (h *Handler) encodeBad(be micro.BadEvent, mcp *micro.CollectorPayload) (record, error) {
	rec := record{}
	if mcp != nil {
		raw, err := adapter.MarshalCirce(mcp)
		if err != nil {
			return record{}, fmt.Errorf("encode collectorPayload: %w", err)
		}
		be.CollectorPayload = raw
		rec.vendor, rec.version = &mcp.API.Vendor, &mcp.API.Version
	} else {
		be.CollectorPayload = json.RawMessage("null")
	}
	raw, err := adapter.MarshalCirce(adapter.JSONObject{
		{Name: "collectorPayload", Value: be.CollectorPayload},
		{Name: "rawEvent", Value: be.RawEvent},
		{Name: "errors", Value: be.Errors},
	})
	if err != nil {
		return record{}, fmt.Errorf("encode bad event: %w", err)
	}
	rec.json = raw
	return rec, nil
}

// badRowType returns the name part of a bad row's Iglu URI, e.g.
// adapter_failures.
func badRowType(schema string) string {
	rest := strings.TrimPrefix(schema, "iglu:")
	parts := strings.Split(rest, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// apiOf splits /vendor/version as enrich's CollectorPayload.parseApi does.
func apiOf(path string) micro.API {
	trimmed := strings.Trim(path, "/")
	vendor, version, _ := strings.Cut(trimmed, "/")
	return micro.API{Vendor: vendor, Version: version}
}

func (h *Handler) microSource() micro.Source {
	return micro.Source{Name: h.src.name, Encoding: "UTF-8"}
}

func (h *Handler) microContext(cp adapter.CollectorPayload) micro.Context {
	ctx := micro.Context{
		Timestamp: adapter.FormatJodaTime(cp.Timestamp),
		Headers:   cp.Headers,
	}
	if cp.Headers == nil {
		ctx.Headers = []string{}
	}
	if cp.IPAddress != "" {
		ctx.IPAddress = &cp.IPAddress
	}
	if cp.UserAgent != "" {
		ctx.UserAgent = &cp.UserAgent
	}
	if cp.RefererURI != "" {
		ctx.RefererURI = &cp.RefererURI
	}
	if cp.NetworkUserID != "" {
		ctx.UserID = &cp.NetworkUserID
	}
	return ctx
}

// microCollectorPayload returns enrich's CollectorPayload as Micro encodes
// it, with the query string split into "name=value" strings.
func (h *Handler) microCollectorPayload(cp adapter.CollectorPayload, stored *string) *micro.CollectorPayload {
	return &micro.CollectorPayload{
		API:         apiOf(cp.Path),
		Querystring: querystringPairs(cp.QueryString),
		ContentType: stored,
		Body:        cp.Body,
		Source:      h.microSource(),
		Context:     h.microContext(cp),
	}
}

// microRawEvent returns enrich's RawEvent as Micro encodes it. The adapter
// copies the payload's API, content type, source and context into it.
func (h *Handler) microRawEvent(pred adapter.Prediction, cp adapter.CollectorPayload, stored *string) micro.RawEvent {
	params := map[string]*string{}
	if pred.RawEvent != nil {
		for k, v := range pred.RawEvent.Parameters {
			params[k] = &v
		}
	}
	return micro.RawEvent{
		API:         apiOf(cp.Path),
		Parameters:  params,
		ContentType: stored,
		Source:      h.microSource(),
		Context:     h.microContext(cp),
	}
}

// goodEventJSON lays out a good event in the field order of Micro's
// GoodEvent case class.
func goodEventJSON(ge micro.GoodEvent) adapter.JSONObject {
	return adapter.JSONObject{
		{Name: "rawEvent", Value: ge.RawEvent},
		{Name: "eventType", Value: ge.EventType},
		{Name: "schema", Value: ge.Schema},
		{Name: "contexts", Value: ge.Contexts},
		{Name: "event", Value: ge.Event},
		{Name: "incomplete", Value: ge.Incomplete},
	}
}
