package iglu_test

import (
	"testing"
	"time"
	"unicode/utf16"

	"github.com/sgkit/sgkit/iglu"
)

// FuzzIsDateTime checks IsDateTime on any input. It must not panic, and a
// valid value must be at least "yyyy-mm-ddThh:mm:ssZ" long in UTF-16 units.
// Every RFC 3339 value Go formats with a 'T', seconds and an offset must be
// valid too, because ITU accepts that whole form.
func FuzzIsDateTime(f *testing.F) {
	for _, seed := range []string{
		"2016-05-19T09:26:31Z", "2016-05-19 09:26:31+00:00", "2016-12-31T23:59:60Z",
		"2016-05-19T09:26:31.Z", "2016-05-19T09:26:31+05x30", "", "2016-02-30T09:26:31Z",
	} {
		f.Add(seed, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		if iglu.IsDateTime(s) && len(utf16.Encode([]rune(s))) < 20 {
			t.Errorf("IsDateTime(%q) = true for a value shorter than 20 UTF-16 units", s)
		}

		if unix < 0 {
			unix = -(unix + 1)
		}
		tm := time.Unix(unix%253402300800, 0).UTC() // years 1970 to 9999
		for _, zone := range []*time.Location{time.UTC, time.FixedZone("", -4*3600), time.FixedZone("", 5*3600+30*60)} {
			formatted := tm.In(zone).Format("2006-01-02T15:04:05.999999999Z07:00")
			if !iglu.IsDateTime(formatted) {
				t.Errorf("IsDateTime(%q) = false for an RFC 3339 value", formatted)
			}
		}
	})
}
