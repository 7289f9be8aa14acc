package hlc

import (
	"strings"
	"testing"
	"time"
)

// preEpoch reports whether s has a wall part before 1970, which New cannot
// represent (see TestParsePreEpoch).
func preEpoch(s string) bool {
	wall, _, _ := strings.Cut(s, "/")
	tm, err := time.Parse("2006-01-02T15:04:05.000Z", wall)
	return err == nil && tm.UnixMilli() < 0
}

// FuzzParse: Parse never panics, and whatever it accepts prints back to a
// string that parses to the same timestamp, with the same wall time.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2026-03-10T07:30:00.000Z/0",
		"2026-05-19T04:15:00.123Z/3",
		"1970-01-01T00:00:00.000Z/0",
		"9999-12-31T23:59:59.999Z/65535",
		"2026-05-19T04:15:00,123Z/007",
		"2026-05-19T04:15:00.123Z/65536",
		"2026-05-19T04:15:00.123Z/-1",
		"2026-05-19T04:15:00.123Z/",
		"2026-05-19T04:15:00Z/1",
		"2026-05-19T04:15:00.123+02:00/1",
		"/",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := Parse(s)
		if err != nil {
			if ts != 0 {
				t.Fatalf("Parse(%q) = %v with error %v", s, ts, err)
			}
			return
		}
		str := ts.String()
		back, err := Parse(str)
		if err != nil {
			t.Fatalf("Parse(%q) = %v, but Parse(%q): %v", s, uint64(ts), str, err)
		}
		if back != ts {
			t.Fatalf("Parse(%q) = %v, Parse(String()) = %v", s, ts, back)
		}
		if back.String() != str {
			t.Fatalf("String not stable: %q then %q", str, back.String())
		}
		wall, logical, _ := strings.Cut(s, "/")
		want, err := time.Parse("2006-01-02T15:04:05.000Z", wall)
		if err != nil {
			t.Fatal(err)
		}
		if !ts.Time().Equal(want) {
			t.Fatalf("Parse(%q).Time() = %v, want %v", s, ts.Time(), want)
		}
		if strings.TrimLeft(logical, "0") != strings.TrimLeft(str[strings.IndexByte(str, '/')+1:], "0") {
			t.Fatalf("Parse(%q) logical = %d", s, ts.Logical())
		}
		var u Timestamp
		b, _ := ts.MarshalText()
		if err := u.UnmarshalText(b); err != nil || u != ts {
			t.Fatalf("text round trip of %v: %v %v", ts, u, err)
		}
	})
}

// TestParsePreEpoch documents a bug: Parse accepts a wall time before the
// Unix epoch, which New packs into the unsigned 48-bit wall field as a huge
// value: "1969-12-31T23:59:59.999Z/0" parses to a timestamp that prints as
// "10889-08-02T05:31:50.655Z/0" (which Parse then rejects), and
// "0000-01-01T00:00:00.000Z/0" to one that prints as year 8919 — a timestamp
// that would win every last-writer-wins comparison. Parse should reject
// wall times outside [1970, 10889).
func TestParsePreEpoch(t *testing.T) {
	for _, s := range []string{"1969-12-31T23:59:59.999Z/0", "0000-01-01T00:00:00.000Z/0"} {
		if ts, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %s (wall %d ms), want an error", s, ts, ts.WallMS())
		}
	}
}

func TestNewParts(t *testing.T) {
	wall := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC).UnixMilli()
	ts := New(wall, 65535)
	if ts.WallMS() != wall || ts.Logical() != 65535 {
		t.Fatalf("New parts: %d %d", ts.WallMS(), ts.Logical())
	}
	if ts >= New(wall+1, 0) {
		t.Error("higher logical counter sorts after the next millisecond")
	}
	if got := ts.String(); got != "2026-03-10T07:30:00.000Z/65535" {
		t.Errorf("String = %q", got)
	}
}
