package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
	"github.com/clusme/fieldbook/data/internal/fsutil"
)

// Options tune Open. The zero value is right for the application.
type Options struct {
	// EncryptionKey, when set, is the 32-byte data key Badger encrypts
	// with. A store created with a key can only be opened with it.
	EncryptionKey []byte
	// Verbose lets Badger's own log through (to stderr).
	Verbose bool
	// Now replaces the wall clock (tests).
	Now func() time.Time
	// InMemory keeps the database in memory only (property tests that
	// open thousands of replicas); dir still holds the lock and marker.
	InMemory bool
	// Upgrading, when set, is called before each schema migration runs,
	// with its name: over a big store one can take a minute, and the
	// user should be told why opening is slow this once.
	Upgrading func(step string)
}

// Store is an open Fieldbook data directory. It is safe for concurrent use:
// reads run in parallel, writes are serialized (each is one durable
// transaction, so there is nothing to gain from running them side by side).
type Store struct {
	db     *badger.DB
	dir    string
	lock   *fsutil.Lock // the data directory's lock, held until Close (convert.go)
	now    func() time.Time
	clock  *hlc.Clock
	device data.ID
	devRaw [16]byte

	wmu    sync.Mutex // held for every write transaction
	seq    uint64     // last sequence number of this device's change log
	counts map[data.Kind]uint64

	// gen counts committed record writes; the search cache (search.go)
	// is valid for one generation.
	gen   atomic.Uint64
	scans scanCache
}

// marker is a small plaintext file beside the database saying whether it
// is encrypted, so a missing or unexpected key gives a clear error before
// Badger touches anything.
type marker struct {
	Format    string `json:"format"`
	Encrypted bool   `json:"encrypted"`
}

const markerName = "fieldbook.json"

// DefaultDir is where the application keeps its data: the OS user config
// directory (e.g. ~/.config/fieldbook on Linux).
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory: %w (use --data DIR)", err)
	}
	return filepath.Join(d, "fieldbook"), nil
}

// Open opens (creating if needed) the data directory dir.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	if k := len(opt.EncryptionKey); k != 0 && k != 32 {
		return nil, data.Errorf(data.ErrInvalid, "open %s: encryption key must be 32 bytes, not %d", dir, k)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	// The directory lock keeps a conversion's swap and its crash recovery
	// (convert.go) away from every other opener.
	lock, err := lockDir(dir, "open")
	if err != nil {
		return nil, err
	}
	opened := false
	defer func() {
		if !opened {
			lock.Unlock()
		}
	}()
	if err := recoverLocked(dir); err != nil {
		return nil, err
	}
	m, exists, err := readMarker(dir)
	if err != nil {
		return nil, err
	}
	if exists {
		switch {
		case m.Encrypted && opt.EncryptionKey == nil:
			return nil, data.Errorf(data.ErrLocked, "open %s: the data is encrypted; a passphrase is needed", dir)
		case !m.Encrypted && opt.EncryptionKey != nil:
			return nil, data.Errorf(data.ErrInvalid, "open %s: the data is not encrypted, but a key was given", dir)
		}
	}
	bopt := badgerOptions(filepath.Join(dir, "db"), opt)
	db, err := badger.Open(bopt)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "Cannot acquire directory lock"):
			return nil, data.Errorf(data.ErrInUse, "open %s: the data directory is in use by another Fieldbook", dir)
		case strings.Contains(msg, "Encryption key mismatch"):
			return nil, data.Errorf(data.ErrLocked, "open %s: wrong passphrase or key", dir)
		}
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	if !exists {
		if err := writeMarker(dir, marker{Format: "fieldbook", Encrypted: opt.EncryptionKey != nil}); err != nil {
			db.Close()
			return nil, err
		}
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{db: db, dir: dir, lock: lock, now: now, counts: map[data.Kind]uint64{}}
	if err := s.init(ctx, opt.Upgrading); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	opened = true
	return s, nil
}

// badgerOptions sizes Badger for a laptop. The defaults are for servers
// (5 × 64 MB memtables, a 256 MB block cache, 1 GB value-log files) and
// cost ~190 MB of RSS for 100k small records; these keep it well under
// half of that and write faster (docs/PERFORMANCE.md).
func badgerOptions(path string, opt Options) badger.Options {
	o := badger.DefaultOptions(path).
		WithSyncWrites(true). // a save is durable when it returns
		WithMemTableSize(8 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(8 << 20). // must be > 0 with compression or encryption
		WithIndexCacheSize(8 << 20).
		WithValueLogFileSize(16 << 20).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		WithNumCompactors(2).
		// Every level keeps 2 MB tables: Badger pools one table-builder
		// allocator per concurrent build at twice the table size, and the
		// default ×2 growth per level let them reach ~128 MB each (bulk
		// loads peaked at 1 GB RSS; now flat).
		WithBaseTableSize(2 << 20).
		WithCompression(options.ZSTD).
		WithLogger(quietLogger{verbose: opt.Verbose})
	o.TableSizeMultiplier = 1 // (no With… setter for it)
	if opt.InMemory {
		o = o.WithDir("").WithValueDir("").WithInMemory(true).WithSyncWrites(false)
	}
	if opt.EncryptionKey != nil {
		o = o.WithEncryptionKey(opt.EncryptionKey).WithIndexCacheSize(8 << 20)
	}
	return o
}

// quietLogger drops Badger's chatter; errors always reach stderr.
type quietLogger struct{ verbose bool }

var stderrLog = log.New(os.Stderr, "badger: ", 0)

func (l quietLogger) Errorf(f string, a ...any) { stderrLog.Printf("error: "+f, a...) }
func (l quietLogger) Warningf(f string, a ...any) {
	if l.verbose {
		stderrLog.Printf("warning: "+f, a...)
	}
}
func (l quietLogger) Infof(f string, a ...any) {
	if l.verbose {
		stderrLog.Printf(f, a...)
	}
}
func (l quietLogger) Debugf(string, ...any) {}

func readMarker(dir string) (marker, bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, markerName))
	if errors.Is(err, os.ErrNotExist) {
		// A database without a marker predates it: only unencrypted ones did.
		if _, err := os.Stat(filepath.Join(dir, "db", "MANIFEST")); err == nil {
			return marker{Format: "fieldbook"}, true, nil
		}
		return marker{}, false, nil
	}
	if err != nil {
		return marker{}, false, fmt.Errorf("open %s: %w", dir, err)
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil || m.Format != "fieldbook" {
		return marker{}, false, data.Errorf(data.ErrInvalid, "open %s: %s is not a Fieldbook marker file", dir, markerName)
	}
	return m, true, nil
}

// writeMarker writes the marker atomically (temp file, fsync, rename).
func writeMarker(dir string, m marker) error {
	b, _ := json.Marshal(m)
	tmp := filepath.Join(dir, markerName+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, markerName))
}

// init checks the schema (migrating older ones), then loads the device ID,
// the change-log sequence, the clock and the record counts.
func (s *Store) init(ctx context.Context, upgrading func(string)) error {
	if err := s.migrate(ctx, upgrading); err != nil {
		return err
	}
	return s.db.Update(func(txn *badger.Txn) error {
		dev, err := getMeta(txn, "device")
		if errors.Is(err, badger.ErrKeyNotFound) {
			id := data.NewID()
			raw, _ := id.Bytes()
			dev = raw[:]
			if err := txn.Set(metaKey("device"), dev); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		copy(s.devRaw[:], dev)
		s.device = data.IDFromBytes(dev)
		s.seq = getMetaUint(txn, "seq")
		s.clock = hlc.NewClock(hlc.Timestamp(getMetaUint(txn, "hlc")), s.now)
		for _, k := range data.Kinds {
			item, err := txn.Get(countKey(k))
			if err == nil {
				_ = item.Value(func(v []byte) error { s.counts[k] = binary.BigEndian.Uint64(v); return nil })
			}
		}
		return nil
	})
}

func getMeta(txn *badger.Txn, name string) ([]byte, error) {
	item, err := txn.Get(metaKey(name))
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

func getMetaUint(txn *badger.Txn, name string) uint64 {
	v, err := getMeta(txn, name)
	if err != nil || len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// Close flushes and closes the database.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	defer s.lock.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.dir, err)
	}
	return nil
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Device is this installation's device ID, which stamps its changes.
func (s *Store) Device() data.ID { return s.device }

// Stats returns the number of live records of each kind.
func (s *Store) Stats(ctx context.Context) map[data.Kind]int {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	out := make(map[data.Kind]int, len(data.Kinds))
	for _, k := range data.Kinds {
		out[k] = int(s.counts[k])
	}
	return out
}

// Empty reports whether the store holds no live records.
func (s *Store) Empty(ctx context.Context) bool {
	for _, n := range s.Stats(ctx) {
		if n > 0 {
			return false
		}
	}
	return true
}

var _ io.Closer = (*Store)(nil)
