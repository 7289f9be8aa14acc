// Package hlc holds the hybrid logical clock that stamps every change in
// Fieldbook's change log. An HLC timestamp is close to wall time (so it
// reads like a time) but never goes backwards on a device and always moves
// past any timestamp the device has seen from another device, which makes
// "last writer wins" well defined across laptops with drifting clocks.
package hlc

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Timestamp packs milliseconds since the Unix epoch (upper 48 bits) and a
// logical counter (lower 16 bits): comparing two Timestamps as integers
// orders them.
type Timestamp uint64

const logicalBits = 16
const logicalMask = 1<<logicalBits - 1

// New builds a timestamp from wall milliseconds and a logical counter.
func New(wallMS int64, logical uint16) Timestamp {
	return Timestamp(uint64(wallMS)<<logicalBits | uint64(logical))
}

// WallMS is the physical part in milliseconds since the epoch.
func (t Timestamp) WallMS() int64 { return int64(t >> logicalBits) }

// Logical is the counter part.
func (t Timestamp) Logical() uint16 { return uint16(t & logicalMask) }

// Time is the physical part as a time.
func (t Timestamp) Time() time.Time { return time.UnixMilli(t.WallMS()).UTC() }

// String is "<RFC 3339 ms>/<logical>", e.g. "2026-03-10T07:30:00.000Z/0".
func (t Timestamp) String() string {
	return t.Time().Format("2006-01-02T15:04:05.000Z") + "/" + strconv.Itoa(int(t.Logical()))
}

// MarshalText writes the String form so JSON stays readable and exact
// (a 64-bit number would lose precision in JavaScript consumers).
func (t Timestamp) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses the String form.
func (t *Timestamp) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// Parse reads the String form.
func Parse(s string) (Timestamp, error) {
	wall, logical, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("hlc: %q: missing /logical part", s)
	}
	tm, err := time.Parse("2006-01-02T15:04:05.000Z", wall)
	if err != nil {
		return 0, fmt.Errorf("hlc: %q: %w", s, err)
	}
	n, err := strconv.ParseUint(logical, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("hlc: %q: bad logical counter", s)
	}
	if ms := tm.UnixMilli(); ms < 0 || ms >= 1<<(64-logicalBits) {
		return 0, fmt.Errorf("hlc: %q: time outside 1970–10889", s)
	}
	return New(tm.UnixMilli(), uint16(n)), nil
}

// Clock issues timestamps. It is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	last Timestamp
	now  func() time.Time
}

// NewClock returns a clock that continues after last (the highest timestamp
// this device issued or saw before a restart) and reads wall time from now
// (time.Now when nil).
func NewClock(last Timestamp, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{last: last, now: now}
}

// Now returns a timestamp greater than every one issued or observed before.
func (c *Clock) Now() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.now().UnixMilli()
	if wall > c.last.WallMS() {
		c.last = New(wall, 0)
	} else {
		c.last = c.tick(c.last)
	}
	return c.last
}

// Observe merges a timestamp received from another device, so that every
// later local timestamp is greater than it.
func (c *Clock) Observe(remote Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if remote > c.last {
		c.last = remote
	}
}

// Last is the highest timestamp issued or observed.
func (c *Clock) Last() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// tick increments the logical part, carrying into the wall part when 65535
// events happened in one millisecond (so the order is never violated).
func (c *Clock) tick(t Timestamp) Timestamp { return t + 1 }
