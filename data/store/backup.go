package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/internal/fsutil"
)

// The store stream is what Backup writes and Restore reads: every key and
// value of the database (latest versions), then a trailer with their number
// and digest (the same order-independent digest a conversion checks):
//
//	"fieldbook-store 1\n"
//	( uvarint len(key) ≥ 1, key, uvarint len(value), value )*
//	uvarint 0
//	uvarint number of pairs, 32-byte digest
//
// It is plaintext — everything in the store, readable — so it must never be
// written to disk as it is: data/vault compresses and encrypts it.
const streamMagic = "fieldbook-store 1\n"

// Limits a stream must respect; Badger refuses longer keys, and values
// longer than its value-log file size (16 MB here), anyway.
const (
	maxStreamKey   = 65000
	maxStreamValue = 64 << 20
)

// Encrypted reports whether the store's files are encrypted.
func (s *Store) Encrypted() bool {
	m, _, _ := readMarker(s.dir)
	return m.Encrypted
}

// Backup writes every key and value of the store to w as a store stream
// (see streamMagic): a consistent snapshot, taken while saves go on. The
// stream is plaintext whether or not the store is encrypted; wrap w in
// encryption (vault.Backup) before it reaches a file.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(streamMagic)
	var num []byte
	sum, err := eachKV(ctx, s.db, func(_ *badger.Item, k, v []byte) error {
		num = binary.AppendUvarint(num[:0], uint64(len(k)))
		bw.Write(num)
		bw.Write(k)
		num = binary.AppendUvarint(num[:0], uint64(len(v)))
		bw.Write(num)
		_, err := bw.Write(v)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	num = binary.AppendUvarint(num[:0], 0)
	num = binary.AppendUvarint(num, uint64(sum.n))
	bw.Write(num)
	bw.Write(sum.bytes())
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore builds a store in dir from a store stream read from r, encrypted
// with key (nil: plaintext). dir must be empty or not exist: a restore
// never merges into or replaces existing data.
//
// The stream is loaded into a work directory inside dir, checked against
// its trailer, read back from disk and checked again; only then does
// beforeSwap (if set) run with the work directory — the vault checks its
// own checksum there and writes the new keyring (KeyringFile) into it —
// and the copy is moved into place with the same journal as Convert, so a
// crash leaves either nothing or the complete store. On any failure dir is
// left as it was: empty, or not there at all if Restore created it.
func Restore(ctx context.Context, dir string, r io.Reader, key []byte, beforeSwap func(tmpDir string) error) (err error) {
	const op = "restore into"
	if err := checkKey(key, dir, op); err != nil {
		return err
	}
	// Refuse a directory with data, and a reader that does not hold a
	// store stream, before creating anything (the lock file included);
	// emptiness is checked again under the lock.
	if err := checkEmpty(dir, op, true); err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if err := readMagic(br); err != nil {
		return err
	}
	created := false
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("%s %s: %w", op, dir, err)
		}
		created = true
	}
	lockPath := filepath.Join(dir, lockName)
	hadLock := exists(lockPath)
	lock, err := lockDir(dir, op)
	if err != nil {
		if created {
			os.RemoveAll(dir)
		}
		return err
	}
	// On failure, undo what this call made: the work directory, and the
	// lock file or the whole directory if they are new.
	committed := false
	defer func() {
		failed := !committed
		if failed {
			os.RemoveAll(filepath.Join(dir, workName))
			if !created && !hadLock {
				os.Remove(lockPath)
			}
		}
		lock.Unlock()
		if failed && created {
			os.RemoveAll(dir)
		}
	}()
	if err := recoverLocked(dir); err != nil {
		return err
	}
	if err := checkEmpty(dir, op, false); err != nil {
		return err
	}

	work := filepath.Join(dir, workName)
	if err := os.MkdirAll(work, 0o700); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	fresh := filepath.Join(work, dbName)
	db, err := openBadger(fresh, key, dir, op, false)
	if err != nil {
		return err
	}
	bw, err := newBulkWriter(db)
	var sum *digest
	if err == nil {
		sum, err = readPairs(ctx, br, func(k, v []byte) error { return bw.add(k, v, 1, 0) })
		if err == nil {
			err = bw.finish()
		} else {
			bw.cancel()
		}
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	step("loaded")
	if err := verifyCopy(ctx, fresh, key, sum, dir, op); err != nil {
		return err
	}
	if err := fsutil.SyncTree(work); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	if beforeSwap != nil {
		if err := beforeSwap(work); err != nil {
			return err
		}
		if err := fsutil.SyncTree(work); err != nil {
			return fmt.Errorf("%s %s: %w", op, dir, err)
		}
	}
	j := journal{Phase: phaseSwap, Encrypted: key != nil, Keyring: exists(filepath.Join(work, KeyringFile)),
		Keys: sum.n, Digest: sum.String(), Written: time.Now().UTC()}
	if err := writeJournal(dir, j); err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	committed = true
	if err := rollForward(dir, j); err != nil {
		return fmt.Errorf("%w (the restored copy is complete: Fieldbook finishes moving it into place when it next opens the data)", err)
	}
	return nil
}

// checkEmpty refuses a directory that holds anything but a lock file (and,
// before recovery, the leftovers of an interrupted restore).
func checkEmpty(dir, op string, leftoversOK bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, dir, err)
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case n == lockName:
		case leftoversOK && (n == workName || n == journalName || strings.HasPrefix(n, "."+journalName+".")):
		default:
			return data.Errorf(data.ErrInvalid, "%s %s: the directory is not empty (it holds %s); restore only into a new or empty data directory", op, dir, n)
		}
	}
	return nil
}

// errTruncated is how a stream that ends early is reported; the vault
// reports the same words for its own layers.
func errTruncated() error { return data.Errorf(data.ErrInvalid, "backup is truncated") }

func readMagic(br *bufio.Reader) error {
	magic := make([]byte, len(streamMagic))
	if _, err := io.ReadFull(br, magic); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errTruncated()
		}
		return err
	}
	if string(magic) != streamMagic {
		return data.Errorf(data.ErrInvalid, "not a Fieldbook store stream")
	}
	return nil
}

// readPairs reads the pairs of a store stream (after its magic), handing
// each to put, and returns their digest once the stream's trailer has
// confirmed it. Keys must come in strictly ascending order, as Backup
// writes them: the bulk writer depends on it.
func readPairs(ctx context.Context, br *bufio.Reader, put func(k, v []byte) error) (*digest, error) {
	readFull := func(b []byte) error {
		if _, err := io.ReadFull(br, b); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errTruncated()
			}
			return err
		}
		return nil
	}
	readLen := func(max uint64, what string) (int, error) {
		// A uvarint, read by hand: binary.ReadUvarint's overflow error
		// could not be told from the underlying reader's own errors.
		var n uint64
		for shift := 0; ; shift += 7 {
			c, err := br.ReadByte()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return 0, errTruncated()
				}
				return 0, err
			}
			if shift > 56 {
				return 0, data.Errorf(data.ErrInvalid, "backup is damaged: bad %s length", what)
			}
			n |= uint64(c&0x7f) << shift
			if c < 0x80 {
				break
			}
		}
		if n > max {
			return 0, data.Errorf(data.ErrInvalid, "backup is damaged: %s of %d bytes", what, n)
		}
		return int(n), nil
	}
	sum := newDigest()
	var prev []byte
	for {
		if sum.n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		kl, err := readLen(maxStreamKey, "key")
		if err != nil {
			return nil, err
		}
		if kl == 0 {
			break
		}
		k := make([]byte, kl)
		if err := readFull(k); err != nil {
			return nil, err
		}
		if bytes.Compare(k, prev) <= 0 {
			return nil, data.Errorf(data.ErrInvalid, "backup is damaged: keys out of order")
		}
		prev = k
		vl, err := readLen(maxStreamValue, "value")
		if err != nil {
			return nil, err
		}
		v := make([]byte, vl)
		if err := readFull(v); err != nil {
			return nil, err
		}
		sum.add(k, v)
		if err := put(k, v); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	n, err := readLen(1<<62, "count")
	if err != nil {
		return nil, err
	}
	want := make([]byte, 32)
	if err := readFull(want); err != nil {
		return nil, err
	}
	if n != sum.n {
		return nil, data.Errorf(data.ErrInvalid, "backup checksum mismatch: the store stream holds %d entries, its trailer says %d", sum.n, n)
	}
	if string(want) != string(sum.bytes()) {
		return nil, data.Errorf(data.ErrInvalid, "backup checksum mismatch: the store stream does not match its digest")
	}
	return sum, nil
}
