package conformance

import "strings"

// sizeViolation is the bad row type the collector writes for a payload
// over its size limit.
const sizeViolation = "size_violation"

// matching is one read of Micro's observations assigned to a run's cases.
type matching struct {
	// byCase holds each case's observations, in case order.
	byCase [][]observation
	// unmatched are observations tagged with the run's aid whose eid belongs
	// to no case.
	unmatched []observation
	// foreign holds, per case, observations with the case's eid but another
	// run's aid, left out of byCase because the eid is not unique to this
	// run. They only explain a case that has no observation.
	foreign [][]observation
}

// match assigns observations to cases: good events by event_id and bad
// rows by the eid in their collector payload's query string, both compared
// in lower case because enrich lowercases event_id.
//
// An observation with another run's aid still belongs to this run when
// its eid is one of the run's fresh UUIDs (Case.UniqueEventID). No other
// run sent that eid, so the pipeline changed app_id, and the comparison
// reports the changed field. A generated eid repeats for a
// repeated seed, so an observation with such an eid and another aid is
// left to the run that sent it and kept only as a hint in foreign.
//
// A size_violation bad row keeps only a prefix of the serialized payload
// (a tenth of the size limit, in stream collector's SplitBatch), so it may
// lack the query string. Such a row is matched by searching its text for a
// case's eid and the run id. Failing that, it is given to a case predicted
// as a size_violation that has no observation yet. In a Micro shared by runs at
// the same time, that last step can swap two runs' size violations.
func match(cases []Case, runID string, obs []observation) matching {
	m := matching{byCase: make([][]observation, len(cases)), foreign: make([][]observation, len(cases))}
	index := make(map[string]int, len(cases))
	for i, c := range cases {
		index[strings.ToLower(c.EventID)] = i
	}

	var anonymous []observation
	for _, o := range obs {
		if o.EventID != "" {
			i, ok := index[strings.ToLower(o.EventID)]
			switch {
			case ok && (o.AppID == "" || o.AppID == runID || cases[i].UniqueEventID):
				m.byCase[i] = append(m.byCase[i], o)
			case ok:
				m.foreign[i] = append(m.foreign[i], o)
			case o.AppID == runID:
				m.unmatched = append(m.unmatched, o)
			}
			continue
		}
		if i, ok := findEventID(o.Text, runID, cases); ok {
			m.byCase[i] = append(m.byCase[i], o)
			continue
		}
		if o.BadRow != nil && badRowType(o.BadRow.Schema) == sizeViolation {
			anonymous = append(anonymous, o)
		}
	}

	for i, c := range cases {
		if len(anonymous) == 0 {
			break
		}
		if len(m.byCase[i]) == 0 && describePrediction(c.Prediction) == "bad "+sizeViolation {
			m.byCase[i] = append(m.byCase[i], anonymous[0])
			anonymous = anonymous[1:]
		}
	}
	return m
}

// findEventID searches an observation's text for a case's eid. The text
// must hold the run id too, because a repeated seed repeats the eids.
func findEventID(text, runID string, cases []Case) (int, bool) {
	if text == "" || !strings.Contains(text, runID) {
		return 0, false
	}
	lower := strings.ToLower(text)
	for i, c := range cases {
		if strings.Contains(lower, strings.ToLower(c.EventID)) {
			return i, true
		}
	}
	return 0, false
}

// accountedFor reports whether every case in waitFor has an observation.
func (m matching) accountedFor(waitFor []bool) bool {
	for i, wait := range waitFor {
		if wait && len(m.byCase[i]) == 0 {
			return false
		}
	}
	return true
}
