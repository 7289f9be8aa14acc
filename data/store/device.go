package store

import (
	"context"
	"encoding/json"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// NewDevice gives this store a new device identity. Sync needs it when one
// identity would otherwise write two histories: a store restored from a
// backup (or a data folder copied to a second laptop) would number its new
// changes with sequence numbers its old self already used on the sync
// location, and readers would take them for changes they have. The old
// log stays under the old ID and is copied, renumbered, to the new one —
// so what was typed after the restore reaches the others (what they
// already have merges as the same values) — and the old identity's log on
// the sync location, including what was typed after the backup, comes
// back like any other device's.
func (s *Store) NewDevice(ctx context.Context) (old data.ID, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	id := data.NewID()
	raw, _ := id.Bytes()
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	var seq uint64
	err = s.db.View(func(txn *badger.Txn) error {
		prefix := append([]byte{pLog}, s.devRaw[:]...)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var c data.Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return err
			}
			seq++
			c.Device, c.Seq = id, seq
			b, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if err := wb.Set(logKey(raw, seq), b); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = wb.Set(metaKey("seq"), u64(seq))
	}
	if err == nil {
		err = wb.Flush()
	}
	if err == nil {
		// Last, so an interruption leaves the old identity in place and
		// the copy is simply made again.
		err = s.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey("device"), raw[:]) })
	}
	if err != nil {
		return "", fmt.Errorf("new device identity: %w", err)
	}
	old = s.device
	s.device, s.devRaw, s.seq = id, raw, seq
	return old, nil
}

// MergedSets reports, per device, exactly which of its changes this
// replica has merged (Merged gives only the gapless part).
func (s *Store) MergedSets(ctx context.Context) (map[data.ID]*data.SeqSet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out map[data.ID]*data.SeqSet
	err := s.db.View(func(txn *badger.Txn) (err error) {
		out, err = readMarks(txn)
		return err
	})
	return out, err
}
