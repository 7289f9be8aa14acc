package store

import (
	"context"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// bulkRecords is how many records go into one transaction of a bulk load:
// small enough to stay well inside Badger's transaction limits with every
// index and term key, large enough that fsyncs do not dominate.
const bulkRecords = 200

// ImportResult counts what a bulk load did.
type ImportResult struct {
	Created int
	Skipped int // already present, or deleted by the user: left alone
}

// Import saves many new records, for sample data and generators. A record
// whose ID already exists — live or deleted — is skipped, so loading the
// same records twice changes nothing and never resurrects what the user
// deleted. References must point to records saved earlier or in the same
// call; records are saved in the given order. Every record still goes into
// the change log. progress, if set, is called after each transaction.
func (s *Store) Import(ctx context.Context, recs []data.Record, progress func(done int)) (ImportResult, error) {
	var res ImportResult
	for i := range recs {
		if recs[i].Meta().ID == "" {
			recs[i].Meta().ID = data.NewID()
		}
		if err := data.Prepare(recs[i]); err != nil {
			return res, err
		}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for start := 0; start < len(recs); start += bulkRecords {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		end := min(start+bulkRecords, len(recs))
		w := s.newWrite()
		var batch ImportResult
		for _, rec := range recs[start:end] {
			raw, _ := rec.Meta().ID.Bytes()
			if _, err := w.txn.Get(recordKey(raw)); err == nil {
				batch.Skipped++
				continue
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				w.discard()
				return res, err
			}
			if err := w.checkRefs(rec); err != nil {
				w.discard()
				return res, err
			}
			if err := w.put(rec, true); err != nil {
				w.discard()
				return res, err
			}
			batch.Created++
		}
		if err := w.commit(); err != nil {
			return res, err
		}
		res.Created += batch.Created
		res.Skipped += batch.Skipped
		if progress != nil {
			progress(end)
		}
	}
	return res, nil
}

// Settle compacts the whole database into one level. After a bulk load it
// spares the next start (typically the GUI) the compactions Badger would
// otherwise run then, with their memory peak.
func (s *Store) Settle(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.db.Flatten(1); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}
