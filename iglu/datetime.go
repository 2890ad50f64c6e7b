package iglu

import (
	"unicode/utf16"
)

// IsDateTime reports whether s is a valid `format: date-time` value for
// Snowplow: networknt json-schema-validator 1.0.76 DateTimeValidator calls
// ethlo ITU 1.7.0 ITU.parseDateTime and accepts a LeapSecondException only
// for a verified leap second. This is a port of EthloITU.parse,
// handleSeconds, parseTimezone and leapSecondCheck followed by the range
// checks of java.time.OffsetDateTime.of and ZoneOffset.ofHoursMinutes.
//
// This differs from RFC 3339 parsers such as Go's time.RFC3339. The date
// and time may be separated by 'T', 't' or a space. Seconds and an offset
// are required. The offset is 'Z', 'z' or exactly six characters ±hh?mm,
// because ITU 1.7.0 does not check the character between hours and
// minutes. -00:00 is rejected as RFC 3339's unknown local offset, and a '.'
// may be followed by no fraction digits at all.
func IsDateTime(s string) bool {
	// Java strings are UTF-16 and every position and length in EthloITU
	// counts UTF-16 code units.
	chars := utf16.Encode([]rune(s))
	dt, ok := parseITU(chars)
	if !ok {
		return false
	}
	return dt.valid()
}

// ituDateTime holds the fields EthloITU parsed, before java.time checks them.
type ituDateTime struct {
	year, month, day, hour, minute, second, nanos int
	// offsetMinutes and offsetHours keep the sign of the offset on both
	// parts, as TimezoneOffset does.
	offsetHours, offsetMinutes int
}

// parseITU follows EthloITU.parseDateTime on a value long enough to carry
// seconds. It returns false wherever ITU throws a DateTimeException or an
// unverified LeapSecondException, or where the JDK would throw (an index
// out of bounds, a null offset).
func parseITU(c []uint16) (ituDateTime, bool) {
	var dt ituDateTime
	var ok bool
	n := len(c)

	if dt.year, ok = digits(c, 0, 4); !ok {
		return dt, false
	}
	// A value that ends after the year, month, day or minutes has no
	// seconds, which parseDateTime rejects ("No SECOND field found").
	if n == 4 || !at(c, 4, '-') {
		return dt, false
	}
	if dt.month, ok = digits(c, 5, 7); !ok || n == 7 || !at(c, 7, '-') {
		return dt, false
	}
	if dt.day, ok = digits(c, 8, 10); !ok || n == 10 {
		return dt, false
	}
	if !at(c, 10, 'T', 't', ' ') {
		return dt, false
	}
	if dt.hour, ok = digits(c, 11, 13); !ok || !at(c, 13, ':') {
		return dt, false
	}
	if dt.minute, ok = digits(c, 14, 16); !ok || n == 16 {
		return dt, false
	}
	// handleTime: an offset right after the minutes gives minute
	// granularity, which parseDateTime rejects as well.
	if !at(c, 16, ':') {
		return dt, false
	}
	return handleSeconds(c, dt)
}

// handleSeconds follows EthloITU.handleSeconds.
func handleSeconds(c []uint16, dt ituDateTime) (ituDateTime, bool) {
	remaining := len(c) - 19
	if remaining <= 0 {
		// No offset ("No zone offset information found"), or a value cut
		// inside the seconds, which makes Java index past the array.
		return dt, false
	}
	var ok bool
	if dt.second, ok = digits(c, 17, 19); !ok {
		return dt, false
	}

	hasOffset := false
	switch ch := c[19]; {
	case remaining == 1 && (ch == 'Z' || ch == 'z'):
		hasOffset = true
	case ch == '.':
		end := 20
		for end < len(c) && isDigit(c[end]) {
			end++
		}
		if end == len(c) {
			return dt, false // "No timezone information"
		}
		dt.nanos = fractionNanos(c[20:end])
		if dt.offsetHours, dt.offsetMinutes, ok = parseTimezone(c, end); !ok {
			return dt, false
		}
		hasOffset = true
	case ch == '+' || ch == '-':
		if dt.offsetHours, dt.offsetMinutes, ok = parseTimezone(c, 19); !ok {
			return dt, false
		}
		hasOffset = true
	default:
		return dt, false // "Unexpected character at position 19"
	}

	if dt.second == 60 {
		return dt, hasOffset && dt.isVerifiedLeapSecond()
	}
	return dt, true
}

// parseTimezone follows EthloITU.parseTimezone: 'Z' or 'z' ending the
// value, or exactly six characters whose sign is '+' or '-'. It returns
// signed hours and minutes.
func parseTimezone(c []uint16, offset int) (hours, minutes int, ok bool) {
	ch := c[offset]
	if ch == 'Z' || ch == 'z' {
		return 0, 0, len(c) == offset+1
	}
	if len(c)-offset != 6 {
		return 0, 0, false
	}
	// ITU parses hours at offset+1..3 and minutes at offset+4..6; it never
	// looks at offset+3, so "+05x30" is +05:30.
	if hours, ok = digits(c, offset+1, offset+3); !ok {
		return 0, 0, false
	}
	if minutes, ok = digits(c, offset+4, offset+6); !ok {
		return 0, 0, false
	}
	switch ch {
	case '-':
		if hours == 0 && minutes == 0 {
			// "Unknown 'Local Offset Convention' date-time not allowed"
			return 0, 0, false
		}
		return -hours, -minutes, true
	case '+':
		return hours, minutes, true
	}
	return 0, 0, false
}

// fractionNanos follows EthloITU.getFractions, including its 32-bit
// integer arithmetic. Up to eight digits are scaled to nanoseconds. Nine or
// more are taken as they are, so ten digits can exceed a second and more
// than ten overflow.
func fractionNanos(d []uint16) int {
	var r int32
	for _, ch := range d {
		r = r*10 - int32(ch-'0')
	}
	r = -r
	if len(d) >= 1 && len(d) <= 8 {
		scale := int32(1)
		for i := len(d); i < 9; i++ {
			scale *= 10
		}
		r *= scale
	}
	return int(r)
}

// leapSecondMonths is ethlo ITU 1.7.0's leap_second_dates.csv as it ships,
// with its 1971-12 entry and its repeated 1989-12, and without 1979-12 and
// 1987-12. Validation follows that list, not the IERS one.
var leapSecondMonths = map[[2]int]bool{
	{1971, 12}: true, {1972, 6}: true, {1972, 12}: true, {1973, 12}: true,
	{1974, 12}: true, {1975, 12}: true, {1976, 12}: true, {1977, 12}: true,
	{1978, 12}: true, {1989, 12}: true, {1981, 6}: true, {1982, 6}: true,
	{1983, 6}: true, {1985, 6}: true, {1988, 12}: true, {1990, 12}: true,
	{1992, 6}: true, {1993, 6}: true, {1994, 6}: true, {1995, 12}: true,
	{1997, 6}: true, {1998, 12}: true, {2005, 12}: true, {2008, 12}: true,
	{2012, 6}: true, {2015, 6}: true, {2016, 12}: true,
}

// isVerifiedLeapSecond follows EthloITU.leapSecondCheck for second 60:
// networknt accepts it only when ITU verified the month against its list
// and the value is 23:59:60 UTC on 30 June or 31 December. Every other
// second 60 fails, either as an unverified LeapSecondException or in
// OffsetDateTime.of.
func (dt ituDateTime) isVerifiedLeapSecond() bool {
	if !leapSecondMonths[[2]int{dt.year, dt.month}] {
		return false
	}
	lastDay := (dt.month == 12 && dt.day == 31) || (dt.month == 6 && dt.day == 30)
	// ITU subtracts the offset without carrying between fields.
	total := dt.offsetHours*3600 + dt.offsetMinutes*60
	utcHour := dt.hour - total/3600
	utcMinute := dt.minute - (total%3600)/60
	return lastDay && utcHour == 23 && utcMinute == 59
}

// valid applies the checks of ITU's DateTime constructor (maximums only)
// and of java.time: OffsetDateTime.of (calendar ranges, leap years) and
// ZoneOffset.ofHoursMinutes (at most ±18:00, minutes below 60 with the
// sign of the hours).
func (dt ituDateTime) valid() bool {
	if dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > daysIn(dt.year, dt.month) {
		return false
	}
	if dt.hour > 23 || dt.minute > 59 {
		return false
	}
	// A verified leap second has already been accepted by handleSeconds;
	// OffsetDateTime.of is never reached for it.
	if dt.second > 59 && dt.second != 60 {
		return false
	}
	if dt.nanos < 0 || dt.nanos > 999_999_999 {
		return false
	}
	h, m := dt.offsetHours, dt.offsetMinutes
	if h < -18 || h > 18 || m < -59 || m > 59 {
		return false
	}
	if (h == 18 || h == -18) && m != 0 {
		return false
	}
	return true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		// java.time uses the proleptic Gregorian calendar.
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits parses c[start:end] as ASCII digits, as
// LimitedCharArrayIntegerUtil.parsePositiveInt does. It returns false when
// the value is too short or contains a non-digit.
func digits(c []uint16, start, end int) (int, bool) {
	if end > len(c) {
		return 0, false
	}
	n := 0
	for _, ch := range c[start:end] {
		if !isDigit(ch) {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}

func isDigit(ch uint16) bool { return ch >= '0' && ch <= '9' }

// at reports whether c[i] exists and is one of want.
func at(c []uint16, i int, want ...uint16) bool {
	if i >= len(c) {
		return false
	}
	for _, w := range want {
		if c[i] == w {
			return true
		}
	}
	return false
}
