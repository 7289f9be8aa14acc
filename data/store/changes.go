package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// Changes returns the change-log entries of device with from ≤ seq ≤ to, in
// sequence order (to = 0: up to the newest). This is what sync ships.
func (s *Store) Changes(ctx context.Context, device data.ID, from, to uint64) ([]data.Change, error) {
	dev, err := device.Bytes()
	if err != nil {
		return nil, err
	}
	var out []data.Change
	err = s.db.View(func(txn *badger.Txn) error {
		prefix := append([]byte{pLog}, dev[:]...)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Seek(logKey(dev, from)); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			seq := binary.BigEndian.Uint64(it.Item().Key()[len(prefix):])
			if to != 0 && seq > to {
				break
			}
			var c data.Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return fmt.Errorf("change %s/%d is damaged: %w", device, seq, err)
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// LastSeq is the newest sequence number in this device's change log.
func (s *Store) LastSeq() uint64 {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.seq
}
