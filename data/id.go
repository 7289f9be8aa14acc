package data

import (
	"crypto/rand"
	"hash/fnv"
	"io"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID identifies a record on every device: a ULID in its canonical 26-character
// text form. ULIDs sort by creation time, which gives lists a natural order.
type ID string

// ParseID checks s is a ULID and returns it in canonical (upper-case) form.
func ParseID(s string) (ID, error) {
	u, err := ulid.ParseStrict(s)
	if err != nil {
		return "", Errorf(ErrInvalid, "%q is not a record ID (expected a 26-character ULID)", s)
	}
	return ID(u.String()), nil
}

// Bytes returns the 16-byte binary form used in store keys.
func (id ID) Bytes() ([16]byte, error) {
	u, err := ulid.ParseStrict(string(id))
	if err != nil {
		return [16]byte{}, Errorf(ErrInvalid, "%q is not a record ID", string(id))
	}
	return u, nil
}

// IDFromBytes is the inverse of Bytes.
func IDFromBytes(b []byte) ID {
	var u ulid.ULID
	copy(u[:], b)
	return ID(u.String())
}

// Time is the creation time encoded in the ID.
func (id ID) Time() time.Time {
	u, err := ulid.ParseStrict(string(id))
	if err != nil {
		return time.Time{}
	}
	return ulid.Time(u.Time())
}

var (
	idMu      sync.Mutex
	idEntropy = ulid.Monotonic(rand.Reader, 0)
)

// NewID returns a fresh ULID. IDs made in the same millisecond still sort in
// creation order thanks to the monotonic entropy source.
func NewID() ID {
	idMu.Lock()
	defer idMu.Unlock()
	return ID(ulid.MustNew(ulid.Timestamp(time.Now()), idEntropy).String())
}

// DeterministicID derives a stable ID from a name, so that loading the same
// sample or generated data twice addresses the same records (idempotent
// loads). The timestamp part is t, the entropy a hash of name.
func DeterministicID(t time.Time, name string) ID {
	h := fnv.New128a()
	io.WriteString(h, name)
	sum := h.Sum(nil)
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(t))
	_ = u.SetEntropy(sum[:10])
	return ID(u.String())
}
