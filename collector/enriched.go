package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/sgkit/sgkit/adapter"
)

// sdkEventFields are the fields of snowplow-scala-analytics-sdk 3.2's Event
// case class in declaration order. Micro encodes an Event with circe's
// derived encoder, so every field is present, in this order, with null for
// a missing value.
var sdkEventFields = []string{
	"app_id", "platform", "etl_tstamp", "collector_tstamp", "dvce_created_tstamp",
	"event", "event_id", "txn_id", "name_tracker", "v_tracker", "v_collector", "v_etl",
	"user_id", "user_ipaddress", "user_fingerprint", "domain_userid", "domain_sessionidx",
	"network_userid", "geo_country", "geo_region", "geo_city", "geo_zipcode",
	"geo_latitude", "geo_longitude", "geo_region_name", "ip_isp", "ip_organization",
	"ip_domain", "ip_netspeed", "page_url", "page_title", "page_referrer",
	"page_urlscheme", "page_urlhost", "page_urlport", "page_urlpath", "page_urlquery",
	"page_urlfragment", "refr_urlscheme", "refr_urlhost", "refr_urlport", "refr_urlpath",
	"refr_urlquery", "refr_urlfragment", "refr_medium", "refr_source", "refr_term",
	"mkt_medium", "mkt_source", "mkt_term", "mkt_content", "mkt_campaign", "contexts",
	"se_category", "se_action", "se_label", "se_property", "se_value", "unstruct_event",
	"tr_orderid", "tr_affiliation", "tr_total", "tr_tax", "tr_shipping", "tr_city",
	"tr_state", "tr_country", "ti_orderid", "ti_sku", "ti_name", "ti_category",
	"ti_price", "ti_quantity", "pp_xoffset_min", "pp_xoffset_max", "pp_yoffset_min",
	"pp_yoffset_max", "useragent", "br_name", "br_family", "br_version", "br_type",
	"br_renderengine", "br_lang", "br_features_pdf", "br_features_flash",
	"br_features_java", "br_features_director", "br_features_quicktime",
	"br_features_realplayer", "br_features_windowsmedia", "br_features_gears",
	"br_features_silverlight", "br_cookies", "br_colordepth", "br_viewwidth",
	"br_viewheight", "os_name", "os_family", "os_manufacturer", "os_timezone",
	"dvce_type", "dvce_ismobile", "dvce_screenwidth", "dvce_screenheight", "doc_charset",
	"doc_width", "doc_height", "tr_currency", "tr_total_base", "tr_tax_base",
	"tr_shipping_base", "ti_currency", "ti_price_base", "base_currency", "geo_timezone",
	"mkt_clickid", "mkt_network", "etl_tags", "dvce_sent_tstamp", "refr_domain_userid",
	"refr_dvce_tstamp", "derived_contexts", "domain_sessionid", "derived_tstamp",
	"event_vendor", "event_name", "event_format", "event_version", "event_fingerprint",
	"true_tstamp",
}

// sdkInstant formats a timestamp of the enriched event as the Analytics
// SDK's circe Encoder[Instant] does; enrich keeps milliseconds.
func sdkInstant(t time.Time) string {
	return adapter.FormatInstant(t.Truncate(time.Millisecond))
}

// enrichedEvent builds the Analytics SDK JSON of a good event and returns it
// with its event_id. It writes the fields the prediction contains, then the
// ones enrich sets from the collector payload and its own run
// (EnrichmentManager.setupEnrichedEvent): event_id when no eid was sent,
// v_collector, v_etl, etl_tstamp, collector_tstamp, derived_tstamp,
// network_userid, user_ipaddress and useragent.
func enrichedEvent(pred adapter.Prediction, cp adapter.CollectorPayload, src source, etl time.Time) ([]byte, string, error) {
	fields := make(map[string]any, len(pred.Event)+12)
	for k, v := range pred.Event {
		fields[k] = v
	}

	setDefault := func(key string, value any) {
		if v, ok := fields[key]; !ok || v == nil {
			fields[key] = value
		}
	}
	// enrich generates a random UUID and replaces it with eid when one is
	// sent; the prediction holds event_id exactly when eid was sent.
	setDefault("event_id", uuid.NewString())
	// cv, when sent, overrides the collector's name.
	setDefault("v_collector", src.name)
	fields["v_etl"] = src.etl
	fields["etl_tstamp"] = sdkInstant(etl)
	fields["collector_tstamp"] = sdkInstant(cp.Timestamp)
	// nuid, when sent, overrides the cookie value.
	setDefault("network_userid", cp.NetworkUserID)
	setDefault("user_ipaddress", cp.IPAddress)
	if cp.UserAgent != "" {
		setDefault("useragent", cp.UserAgent)
	}
	// EventEnrichments.getDerivedTimestamp: true_tstamp when set, else the
	// collector time, because a StatusGator event has no dvce timestamps.
	if tt, ok := fields["true_tstamp"]; ok && tt != nil {
		setDefault("derived_tstamp", tt)
	} else {
		setDefault("derived_tstamp", fields["collector_tstamp"])
	}
	// circe keeps the key order of the parsed ue_pr, so the raw parameter
	// is the SDK's unstruct_event JSON. The decoded map would sort the keys.
	if ue, ok := fields["unstruct_event"]; ok && ue != nil && pred.RawEvent != nil {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(pred.RawEvent.Parameters["ue_pr"])); err == nil {
			fields["unstruct_event"] = json.RawMessage(compact.Bytes())
		}
	}
	// The SDK encodes empty Contexts as {} (SnowplowEvent.contextsCirceEncoder).
	setDefault("contexts", map[string]any{})
	setDefault("derived_contexts", map[string]any{})

	eventID, _ := fields["event_id"].(string)
	raw, err := encodeOrdered(fields)
	return raw, eventID, err
}

// encodeOrdered writes fields as one JSON object in the SDK's field order,
// null for a missing field. A key the SDK does not know is written after the
// SDK fields, in sorted order, so that nothing in the prediction is lost.
func encodeOrdered(fields map[string]any) ([]byte, error) {
	var extra []string
	for k := range fields {
		if !slices.Contains(sdkEventFields, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)

	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, key := range append(slices.Clip(sdkEventFields), extra...) {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := adapter.MarshalCirce(key)
		buf.Write(k)
		buf.WriteByte(':')
		v, err := adapter.MarshalCirce(fields[key])
		if err != nil {
			return nil, fmt.Errorf("encode enriched field %s: %w", key, err)
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// eventSchema is Micro's getEnrichedSchema: the Iglu URI built from
// event_vendor, event_name, event_format and event_version, or nil when
// one is missing.
func eventSchema(event map[string]any) *string {
	parts := make([]string, 0, 4)
	for _, k := range []string{"event_vendor", "event_name", "event_format", "event_version"} {
		s, ok := event[k].(string)
		if !ok {
			return nil
		}
		parts = append(parts, s)
	}
	uri := "iglu:" + parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + parts[3]
	return &uri
}

// stringField returns event[key] when it is a string.
func stringField(event map[string]any, key string) *string {
	if s, ok := event[key].(string); ok {
		return &s
	}
	return nil
}
