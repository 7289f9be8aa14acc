package hlc

import (
	"encoding/json"
	"testing"
	"time"
)

func TestNowIsMonotonicWhenWallClockGoesBack(t *testing.T) {
	wall := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	c := NewClock(0, func() time.Time { return wall })
	a := c.Now()
	wall = wall.Add(-time.Hour) // the laptop's clock is set back
	b := c.Now()
	if b <= a {
		t.Fatalf("timestamp went backwards: %v then %v", a, b)
	}
	if b.WallMS() != a.WallMS() || b.Logical() != a.Logical()+1 {
		t.Fatalf("want same wall, logical+1; got %v then %v", a, b)
	}
	wall = wall.Add(2 * time.Hour)
	if c2 := c.Now(); c2.Logical() != 0 || c2.WallMS() != wall.UnixMilli() {
		t.Fatalf("wall time moved ahead, want logical reset: %v", c2)
	}
}

func TestObserveMovesPastRemote(t *testing.T) {
	wall := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	c := NewClock(0, func() time.Time { return wall })
	remote := New(wall.Add(time.Minute).UnixMilli(), 7) // a device whose clock runs fast
	c.Observe(remote)
	if n := c.Now(); n <= remote {
		t.Fatalf("local %v not after observed %v", n, remote)
	}
}

func TestRestartContinuesAfterLast(t *testing.T) {
	wall := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	last := New(wall.UnixMilli(), 41)
	c := NewClock(last, func() time.Time { return wall.Add(-time.Second) })
	if n := c.Now(); n != last+1 {
		t.Fatalf("got %v, want %v", n, last+1)
	}
}

func TestLogicalOverflowCarries(t *testing.T) {
	wall := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	c := NewClock(New(wall.UnixMilli(), 0xffff), func() time.Time { return wall })
	n := c.Now()
	if n.WallMS() != wall.UnixMilli()+1 || n.Logical() != 0 {
		t.Fatalf("overflow: got %v", n)
	}
}

func TestTextRoundTrip(t *testing.T) {
	ts := New(time.Date(2026, 5, 19, 4, 15, 0, 123e6, time.UTC).UnixMilli(), 3)
	b, err := json.Marshal(ts)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `"2026-05-19T04:15:00.123Z/3"` {
		t.Fatalf("json = %s", b)
	}
	var back Timestamp
	if err := json.Unmarshal(b, &back); err != nil || back != ts {
		t.Fatalf("round trip: %v %v", back, err)
	}
	for _, bad := range []string{"", "2026-05-19", "2026-05-19T04:15:00.123Z/x", "2026-05-19T04:15:00.123Z/70000"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
