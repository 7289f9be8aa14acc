package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/internal/fsutil"
)

// A data directory holds, besides the database in db/:
//
//	fieldbook.json   the marker: is the database encrypted (plaintext)
//	keyring.json     the wrapped data key of an encrypted store (data/vault)
//	fieldbook.lock   locked (flock / LockFileEx) by whoever has the store open
//	convert.json     the journal of a swap in progress (only after a crash)
//	.convert/        the new copy being written, or the old one being removed
//
// Badger encrypts only what it writes after a key is set, and keeps old
// versions of values until compaction, so turning encryption on or off,
// and erasing a person for good, write a fresh copy of the database and
// swap it in. The swap is journaled so that a crash at any moment leaves
// exactly one complete copy that Open finds (see Convert and docs/SECURITY.md).
const (
	// KeyringFile is the name of the wrapped-key file of an encrypted
	// store. The vault writes it; the store only moves it together with
	// the database, so the keyring in place always matches the database.
	KeyringFile = "keyring.json"
	lockName    = "fieldbook.lock"
	journalName = "convert.json"
	workName    = ".convert"
	dbName      = "db"
)

// journal is convert.json. It is written (atomically, fsynced) only once
// the new copy is complete, verified and on disk: from then on the swap is
// decided and recovery finishes it; without it, recovery throws the
// unfinished copy away. Every step of finishing is idempotent.
type journal struct {
	Phase     string    `json:"phase"`     // always "swap"
	Encrypted bool      `json:"encrypted"` // whether the new copy is encrypted
	Keyring   bool      `json:"keyring"`   // a new keyring.json travels with it
	Keys      int       `json:"keys"`      // what the new copy was verified to hold
	Digest    string    `json:"digest"`
	Written   time.Time `json:"written"`
}

const phaseSwap = "swap"

// testHook, when set (tests only), is called at each step of a conversion
// and its recovery, so a test can kill the process at exactly that point.
var testHook func(step string)

func step(name string) {
	if testHook != nil {
		testHook(name)
	}
}

// freeSpace is the file-system query behind the disk-space check; tests
// replace it.
var freeSpace = fsutil.FreeBytes

// lockDir takes the data directory's lock. Open holds it for the life of
// the Store; Convert and Restore for their whole run, so nothing else can
// open the database while copies are being swapped.
func lockDir(dir, op string) (*fsutil.Lock, error) {
	l, err := fsutil.LockFile(filepath.Join(dir, lockName))
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, data.Errorf(data.ErrInUse, "%s %s: the data directory is in use by another Fieldbook", op, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	return l, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// pending says whether a crash left conversion work behind in dir.
func pending(dir string) bool {
	return exists(filepath.Join(dir, journalName)) || exists(filepath.Join(dir, workName))
}

// Recover finishes or undoes a conversion (or restore) that a crash
// interrupted, so that dir holds exactly one database with a marker and
// keyring that match it. Open does this by itself; Recover is for callers
// that read the directory's files before opening it (the vault reads the
// marker and the keyring). With nothing to recover it touches nothing and
// takes no lock; otherwise it needs the directory's lock (ErrInUse while
// another process is converting).
func Recover(dir string) error {
	if !pending(dir) {
		return nil
	}
	l, err := lockDir(dir, "recover")
	if err != nil {
		return err
	}
	defer l.Unlock()
	return recoverLocked(dir)
}

// Encrypted reports whether the store in dir is encrypted, after finishing
// any interrupted conversion. A directory without a store is not.
func Encrypted(dir string) (bool, error) {
	if err := Recover(dir); err != nil {
		return false, err
	}
	m, _, err := readMarker(dir)
	return m.Encrypted, err
}

// recoverLocked is Recover with the lock held. It also clears what a
// process killed while opening Badger leaves behind (dropEmptyLogs).
func recoverLocked(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		// No journal: any work directory is a copy that was never
		// verified (or the old copy of a finished swap). Throw it away.
		if err := discardWork(dir); err != nil {
			return err
		}
		return dropEmptyLogs(filepath.Join(dir, dbName))
	}
	if err != nil {
		return fmt.Errorf("recover %s: %w", dir, err)
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil || j.Phase != phaseSwap {
		// The journal is written atomically, so this is damage to the
		// disk, not a crash: a person must look before anything moves.
		return fmt.Errorf("recover %s: the conversion journal %s is damaged; the data is in %s and %s — keep a copy of the whole directory and ask for help",
			dir, journalName, dbName, filepath.Join(workName, dbName))
	}
	if err := rollForward(dir, j); err != nil {
		return err
	}
	return dropEmptyLogs(filepath.Join(dir, dbName))
}

// dropEmptyLogs removes empty (0-byte) write-ahead and value-log files
// from a Badger directory. Badger creates such a file, then sizes it; a
// process killed in between (the kill tests hit it while a conversion
// opened the store) leaves a file that makes the next badger.Open fail
// with "Create a new file" (dgraph-io/badger#2207, unfixed in v4.9.6). An
// empty file holds no data, so removing it loses nothing.
func dropEmptyLogs(db string) error {
	ents, err := os.ReadDir(db)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", db, err)
	}
	removed := false
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
			continue
		}
		if err := os.Remove(filepath.Join(db, name)); err != nil {
			return fmt.Errorf("remove the empty log %s: %w", filepath.Join(db, name), err)
		}
		removed = true
	}
	if removed {
		return fsutil.SyncFile(db)
	}
	return nil
}

// discardWork removes the work directory of an unfinished conversion and
// any temporary file of an interrupted journal write.
func discardWork(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, workName)); err != nil {
		return fmt.Errorf("recover %s: remove the unfinished copy: %w", dir, err)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "."+journalName+".*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
	return fsutil.SyncFile(dir)
}

// rollForward finishes a decided swap. Each step checks what is already
// done, so running it again after a crash in the middle is safe:
//
//  1. db → .convert/old and .convert/db → db (two renames; between them
//     there is no db/, which only this function ever sees);
//  2. the new keyring into place, or the old one removed for a plaintext
//     copy;
//  3. the marker rewritten for the new copy;
//  4. the journal removed — the swap is complete;
//  5. .convert (the old copy) removed.
func rollForward(dir string, j journal) error {
	work := filepath.Join(dir, workName)
	cur := filepath.Join(dir, dbName)
	fresh := filepath.Join(work, dbName)
	old := filepath.Join(work, "old")
	fail := func(what string, err error) error {
		return fmt.Errorf("recover %s: finish the swap (%s): %w", dir, what, err)
	}
	if exists(fresh) {
		if exists(cur) {
			if exists(old) {
				return fail("move the old copy aside", fmt.Errorf("%s, %s and %s all exist", cur, fresh, old))
			}
			if err := os.Rename(cur, old); err != nil {
				return fail("move the old copy aside", err)
			}
			if err := syncDirs(dir, work); err != nil {
				return fail("move the old copy aside", err)
			}
			step("moved-old")
		}
		if err := os.Rename(fresh, cur); err != nil {
			return fail("move the new copy into place", err)
		}
		if err := syncDirs(dir, work); err != nil {
			return fail("move the new copy into place", err)
		}
		step("moved-new")
	} else if !exists(cur) {
		return fail("find the copies", fmt.Errorf("the journal says a verified copy exists, but neither %s nor %s is there", cur, fresh))
	}
	if j.Keyring {
		if src := filepath.Join(work, KeyringFile); exists(src) {
			if err := os.Rename(src, filepath.Join(dir, KeyringFile)); err != nil {
				return fail("install the keyring", err)
			}
			if err := syncDirs(dir, work); err != nil {
				return fail("install the keyring", err)
			}
		}
	}
	if !j.Encrypted {
		if err := os.Remove(filepath.Join(dir, KeyringFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail("remove the keyring", err)
		}
		if err := fsutil.SyncFile(dir); err != nil {
			return fail("remove the keyring", err)
		}
	}
	step("keyring")
	mb, _ := json.Marshal(marker{Format: "fieldbook", Encrypted: j.Encrypted})
	if err := fsutil.WriteFileAtomic(filepath.Join(dir, markerName), mb, 0o600); err != nil {
		return fail("write the marker", err)
	}
	step("marker")
	if err := os.Remove(filepath.Join(dir, journalName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("remove the journal", err)
	}
	if err := fsutil.SyncFile(dir); err != nil {
		return fail("remove the journal", err)
	}
	step("journal-removed")
	if err := os.RemoveAll(work); err != nil {
		return fail("remove the old copy", err)
	}
	step("cleaned")
	return fsutil.SyncFile(dir)
}

func syncDirs(dirs ...string) error {
	for _, d := range dirs {
		if err := fsutil.SyncFile(d); err != nil {
			return err
		}
	}
	return nil
}

// openBadger opens a database directory for copying (without the Store's
// start-up work, which would write to it), mapping Badger's errors the way
// Open does.
func openBadger(path string, key []byte, dir, op string, sync bool) (*badger.DB, error) {
	if err := dropEmptyLogs(path); err != nil {
		return nil, err
	}
	o := badgerOptions(path, Options{EncryptionKey: key}).WithSyncWrites(sync)
	db, err := badger.Open(o)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "Cannot acquire directory lock"):
			return nil, data.Errorf(data.ErrInUse, "%s %s: the data directory is in use by another Fieldbook", op, dir)
		case strings.Contains(msg, "Encryption key mismatch"):
			return nil, data.Errorf(data.ErrLocked, "%s %s: wrong passphrase or key", op, dir)
		}
		return nil, fmt.Errorf("%s %s: %w", op, dir, err)
	}
	return db, nil
}

func checkKey(key []byte, dir, op string) error {
	if k := len(key); k != 0 && k != 32 {
		return data.Errorf(data.ErrInvalid, "%s %s: encryption key must be 32 bytes, not %d", op, dir, k)
	}
	return nil
}

// Convert rewrites the store in dir into a fresh copy encrypted with
// newKey (nil: plaintext) and swaps it in, so that turning encryption on
// or off leaves nothing of the old files behind. oldKey opens the current
// copy (nil if it is plaintext). The store must not be open: Convert takes
// the directory's lock (ErrInUse otherwise).
//
// Every key and value is copied as it is — device ID, change-log sequence,
// clock and counts included — but only its latest version, so deleted and
// overwritten values do not survive either. The copy is read back and
// checked against the original (number of keys and an order-independent
// digest of every key and value) before anything is swapped.
//
// beforeSwap, if set, runs once the new copy is verified, with the work
// directory that holds it: a KeyringFile written there replaces the
// directory's keyring together with the database (the vault writes the
// new wrapped key this way). An error from it abandons the conversion.
//
// Crash safety: until the journal is written, the old copy is the store
// and the new one is thrown away on the next start; once it is written,
// the next start finishes the swap. The swap itself is two renames, the
// keyring, the marker and the journal's removal, each redone if needed.
func Convert(ctx context.Context, dir string, oldKey, newKey []byte, beforeSwap func(tmpDir string) error) error {
	return rewrite(ctx, dir, oldKey, newKey, beforeSwap, "conversion")
}

// rewrite is Convert; what names the job in the disk-space message.
func rewrite(ctx context.Context, dir string, oldKey, newKey []byte, beforeSwap func(string) error, what string) (err error) {
	const op = "convert"
	if err := checkKey(oldKey, dir, op); err != nil {
		return err
	}
	if err := checkKey(newKey, dir, op); err != nil {
		return err
	}
	if !exists(filepath.Join(dir, dbName)) && !exists(filepath.Join(dir, journalName)) {
		return data.Errorf(data.ErrNotFound, "%s %s: there is no Fieldbook data there", op, dir)
	}
	lock, err := lockDir(dir, op)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := recoverLocked(dir); err != nil {
		return err
	}
	m, _, err := readMarker(dir)
	if err != nil {
		return err
	}
	switch {
	case m.Encrypted && oldKey == nil:
		return data.Errorf(data.ErrLocked, "%s %s: the data is encrypted; a passphrase is needed", op, dir)
	case !m.Encrypted && oldKey != nil:
		return data.Errorf(data.ErrInvalid, "%s %s: the data is not encrypted, but a key was given", op, dir)
	}
	if err := checkSpace(dir, what); err != nil {
		return err
	}

	src, err := openBadger(filepath.Join(dir, dbName), oldKey, dir, op, true)
	if err != nil {
		return err
	}
	defer func() {
		if src != nil {
			src.Close()
		}
	}()
	work := filepath.Join(dir, workName)
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(work)
		}
	}()
	if err := os.MkdirAll(work, 0o700); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	fresh := filepath.Join(work, dbName)
	dst, err := openBadger(fresh, newKey, dir, op, false)
	if err != nil {
		return err
	}
	sum, err := copyAll(ctx, src, dst)
	if cerr := dst.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s %s: copy: %w", op, dir, err)
	}
	step("copied")
	if err := verifyCopy(ctx, fresh, newKey, sum, dir, op); err != nil {
		return err
	}
	if err := fsutil.SyncTree(work); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	step("verified")
	if beforeSwap != nil {
		if err := beforeSwap(work); err != nil {
			return err
		}
		if err := fsutil.SyncTree(work); err != nil {
			return fmt.Errorf("%s %s: %w", op, dir, err)
		}
	}
	if err := src.Close(); err != nil {
		return fmt.Errorf("%s %s: close: %w", op, dir, err)
	}
	src = nil
	j := journal{Phase: phaseSwap, Encrypted: newKey != nil, Keyring: exists(filepath.Join(work, KeyringFile)),
		Keys: sum.n, Digest: sum.String(), Written: time.Now().UTC()}
	if err := writeJournal(dir, j); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	committed = true
	step("journal")
	if err := rollForward(dir, j); err != nil {
		return fmt.Errorf("%w (the new copy is complete: Fieldbook finishes the swap when it next opens the data)", err)
	}
	return nil
}

func writeJournal(dir string, j journal) error {
	b, _ := json.MarshalIndent(j, "", "  ")
	return fsutil.WriteFileAtomic(filepath.Join(dir, journalName), b, 0o600)
}

// checkSpace makes sure the file system has room for a second copy of the
// database before anything is written: a conversion that fills the disk
// would fail anyway, and take other programs' writes down with it.
func checkSpace(dir, what string) error {
	used, err := fsutil.DiskUsage(filepath.Join(dir, dbName))
	if err != nil {
		return fmt.Errorf("check disk space in %s: %w", dir, err)
	}
	// The copy is at most as big as the original (only latest versions),
	// plus Badger's fresh logs and some slack.
	need := uint64(used) + uint64(used)/10 + 16<<20
	free, err := freeSpace(dir)
	if err != nil {
		return fmt.Errorf("check disk space in %s: %w", dir, err)
	}
	if free < need {
		return fmt.Errorf("not enough free disk space for the %s: need ~%d MB, have %d MB", what, mb(need), mb(free))
	}
	return nil
}

func mb(n uint64) uint64 { return (n + 1<<20 - 1) >> 20 }

// digest is an order-independent fingerprint of a set of key/value pairs:
// the count and the lane-wise sum of each pair's SHA-256. Copies are
// written in key order but Badger gives no promise about how a reader
// meets them, and a sum does not care.
type digest struct {
	n   int
	sum [4]uint64
	h   hash.Hash
	buf []byte
}

func newDigest() *digest { return &digest{h: sha256.New()} }

func (d *digest) add(k, v []byte) {
	d.h.Reset()
	d.buf = binary.AppendUvarint(d.buf[:0], uint64(len(k)))
	d.h.Write(d.buf)
	d.h.Write(k)
	d.h.Write(v)
	d.buf = d.h.Sum(d.buf[:0])
	for i := range d.sum {
		d.sum[i] += binary.BigEndian.Uint64(d.buf[8*i:])
	}
	d.n++
}

func (d *digest) bytes() []byte {
	out := make([]byte, 0, 32)
	for _, x := range d.sum {
		out = binary.BigEndian.AppendUint64(out, x)
	}
	return out
}

func (d *digest) String() string { return hex.EncodeToString(d.bytes()) }

func (d *digest) equal(o *digest) bool { return d.n == o.n && d.sum == o.sum }

// bulkWriter fills an empty database with pairs in ascending key order
// through Badger's StreamWriter, which builds the tables directly — no
// memtables, no write-ahead log, no compactions — several times faster
// than transactions for a whole store. Keys out of order would make
// Badger panic, so callers guarantee the order (an iterator gives it; a
// restore checks it).
type bulkWriter struct {
	sw  *badger.StreamWriter
	buf *z.Buffer
}

const bulkBatch = 4 << 20

func newBulkWriter(db *badger.DB) (*bulkWriter, error) {
	sw := db.NewStreamWriter()
	if err := sw.Prepare(); err != nil {
		sw.Cancel()
		return nil, err
	}
	return &bulkWriter{sw: sw, buf: z.NewBuffer(bulkBatch+bulkBatch/4, "fieldbook.bulk")}, nil
}

func (b *bulkWriter) add(k, v []byte, version uint64, userMeta byte) error {
	badger.KVToBuffer(&pb.KV{Key: k, Value: v, Version: version, UserMeta: []byte{userMeta}}, b.buf)
	if b.buf.LenNoPadding() < bulkBatch {
		return nil
	}
	err := b.sw.Write(b.buf)
	b.buf.Reset()
	return err
}

// finish writes what is left and makes the tables part of the database.
func (b *bulkWriter) finish() error {
	defer b.buf.Release()
	if err := b.sw.Write(b.buf); err != nil {
		b.sw.Cancel()
		return err
	}
	return b.sw.Flush()
}

func (b *bulkWriter) cancel() {
	b.sw.Cancel()
	b.buf.Release()
}

// copyAll copies the latest version of every live key of src into dst
// (empty), in key order. (Iterators here do not prefetch values: the
// store's values live in the tables, where reading them is free, and
// prefetching starts a goroutine per key.)
func copyAll(ctx context.Context, src, dst *badger.DB) (*digest, error) {
	bw, err := newBulkWriter(dst)
	if err != nil {
		return nil, err
	}
	// The bulk writer copies key and value, so they are passed as Badger
	// lends them.
	sum, err := eachKV(ctx, src, func(item *badger.Item, k, v []byte) error {
		return bw.add(k, v, item.Version(), item.UserMeta())
	})
	if err != nil {
		bw.cancel()
		return nil, err
	}
	if err := bw.finish(); err != nil {
		return nil, err
	}
	return sum, nil
}

// digestAll computes the digest of everything in db.
func digestAll(ctx context.Context, db *badger.DB) (*digest, error) {
	return eachKV(ctx, db, nil)
}

// eachKV walks the latest version of every key in db, adding each pair to
// a digest and handing it to fn (if set); k and v are valid only during
// the call. It stops when ctx is cancelled (checked every 1,024 keys).
// Copying, verifying and backing up a store all walk it this way, so all
// three compute the same digest.
func eachKV(ctx context.Context, db *badger.DB, fn func(item *badger.Item, k, v []byte) error) (*digest, error) {
	sum := newDigest()
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if sum.n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			item := it.Item()
			err := item.Value(func(v []byte) error {
				k := item.Key()
				sum.add(k, v)
				if fn == nil {
					return nil
				}
				return fn(item, k, v)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return sum, err
}

// verifyCopy reopens a written copy from disk and checks that it holds
// exactly what was meant to go into it.
func verifyCopy(ctx context.Context, path string, key []byte, want *digest, dir, op string) error {
	db, err := openBadger(path, key, dir, op, true)
	if err != nil {
		return fmt.Errorf("%s %s: reopen the new copy: %w", op, dir, err)
	}
	got, err := digestAll(ctx, db)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s %s: read back the new copy: %w", op, dir, err)
	}
	if !got.equal(want) {
		return fmt.Errorf("%s %s: the new copy does not match the original (%d keys, digest %s; want %d keys, %s); nothing was changed",
			op, dir, got.n, got, want.n, want)
	}
	return nil
}
