package store

import (
	"context"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// Each calls fn for every record matching q, in List's order, decoding
// one record at a time: a screen that keeps only a few fields of 100 000
// contacts never holds them all in memory at once. An error from fn stops
// the walk and is returned as is; so does a cancelled ctx.
//
// fn runs inside a read transaction: it sees the store as it was when Each
// started, and may read (Get, List) but should not take long, since the
// snapshot keeps old versions from being compacted away while it lasts.
func (s *Store) Each(ctx context.Context, q Query, fn func(data.Record) error) error {
	prefix, err := q.prefix()
	if err != nil {
		return err
	}
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		n := 0
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			k := it.Item().Key()
			if q.Kind == data.KindFollowUp && !q.dueInRange(k, prefix) {
				continue
			}
			raw, _ := idFromKeyEnd(k).Bytes()
			rec, err := liveRecord(txn, raw)
			if err != nil {
				return err
			}
			if rec == nil || rec.Kind() != q.Kind || !q.matches(rec) {
				continue
			}
			if err := fn(rec); err != nil {
				return err
			}
			n++
			if q.Limit > 0 && n >= q.Limit {
				return nil
			}
		}
		return nil
	})
}
