package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"unicode/utf8"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
)

// SchemaVersion is the layout this code writes.
//
//	1  records, list keys, secondary indexes, change log (first release)
//	2  adds the search index (terms, documents) and per-kind record counts
//	3  adds seminars: meetings indexed by seminar, seminars by mission
//	4  search terms include the Latin spellings of Cyrillic words
const SchemaVersion = 4

// migration upgrades the store from version From to From+1. Migrations run
// in order, each in its own transactions, and the version key is written
// after the migration's data, so an interrupted upgrade simply runs again.
type migration struct {
	From int
	Name string
	Run  func(ctx context.Context, s *Store) error
}

var migrations = []migration{
	{From: 1, Name: "build search index and record counts", Run: rebuildDerived},
	{From: 2, Name: "index meetings by seminar", Run: rebuildIndexes},
	{From: 3, Name: "index Cyrillic words under their Latin spellings", Run: addLatinTerms},
}

func (s *Store) schema() (int, bool, error) {
	var v uint64
	var found bool
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(metaKey("schema"))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		found = true
		v = getMetaUint(txn, "schema")
		return err
	})
	return int(v), found, err
}

func (s *Store) setSchema(v int) error {
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(metaKey("schema"), u64(uint64(v))) })
}

func (s *Store) migrate(ctx context.Context, upgrading func(string)) error {
	v, found, err := s.schema()
	if err != nil {
		return err
	}
	if !found {
		return s.setSchema(SchemaVersion) // a new store
	}
	if v > SchemaVersion {
		return data.Errorf(data.ErrSchema, "the data was written by a newer Fieldbook (schema %d; this version reads up to %d): please update Fieldbook", v, SchemaVersion)
	}
	for _, m := range migrations {
		if m.From < v {
			continue
		}
		if m.From != v {
			return data.Errorf(data.ErrSchema, "no migration from schema %d", v)
		}
		if upgrading != nil {
			upgrading(m.Name)
		}
		if err := m.Run(ctx, s); err != nil {
			return fmt.Errorf("migrate schema %d→%d (%s): %w", v, v+1, m.Name, err)
		}
		v++
		if err := s.setSchema(v); err != nil {
			return err
		}
	}
	return nil
}

// rebuildDerived recomputes everything that is derived from the records —
// search terms and documents and the per-kind counts — from scratch.
func rebuildDerived(ctx context.Context, s *Store) error {
	for _, p := range []byte{pTerm, pDoc, pCount} {
		if err := s.db.DropPrefix([]byte{p}); err != nil {
			return err
		}
	}
	counts := map[data.Kind]uint64{}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pRecord}, PrefetchValues: true, PrefetchSize: 100})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var raw [16]byte
			copy(raw[:], it.Item().Key()[1:])
			rec, err := liveRecord(txn, raw)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			counts[rec.Kind()]++
			for _, k := range termKeys(rec, raw) {
				if err := wb.Set(k, nil); err != nil {
					return err
				}
			}
			if err := wb.Set(docKey(raw), docValue(terms(rec))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, n := range counts {
		if err := wb.Set(countKey(k), u64(n)); err != nil {
			return err
		}
	}
	return wb.Flush()
}

// rebuildIndexes writes the secondary index entries of every live record.
// Entries already there are written again unchanged, so it is safe to run
// after an interrupted attempt; it is how a new index reaches the records
// saved before the index existed.
func rebuildIndexes(ctx context.Context, s *Store) error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pKind}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var raw [16]byte
			copy(raw[:], it.Item().Key()[2:])
			rec, err := liveRecord(txn, raw)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			for _, k := range indexKeys(rec) {
				if err := wb.Set(k, nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return wb.Flush()
}

// addLatinTerms gives every live record's Cyrillic search words their Latin
// spellings (schema 4). It reads only the term documents, kind by kind, and
// writes only the terms a document gains, in chunks of latinChunk records
// each with its own read transaction and write batch, so memory stays flat
// however big the store. Rebuilding the whole index from the records
// instead took 40 s and 800 MB over the 100k demo store. Running it twice
// writes the same keys again.
func addLatinTerms(ctx context.Context, s *Store) error {
	for k, kb := range kindByte {
		prefix := []byte{pKind, kb}
		for from := prefix; from != nil; {
			var err error
			if from, err = s.addLatinChunk(ctx, k, prefix, from); err != nil {
				return err
			}
		}
	}
	return nil
}

var latinChunk = 5000 // a variable so a test can cross chunk boundaries

// addLatinChunk does up to latinChunk records of kind k from key from on,
// and returns the key to go on from (nil at the end of the kind).
func (s *Store) addLatinChunk(ctx context.Context, k data.Kind, prefix, from []byte) (next []byte, err error) {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		n := 0
		for it.Seek(from); it.Valid(); it.Next() {
			if n == latinChunk {
				next = it.Item().KeyCopy(nil)
				return nil
			}
			n++
			if err := ctx.Err(); err != nil {
				return err
			}
			var raw [16]byte
			copy(raw[:], it.Item().Key()[2:])
			item, err := txn.Get(docKey(raw))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			var old map[string]uint8
			if err := item.Value(func(doc []byte) error { old = docTerms(doc); return nil }); err != nil {
				return err
			}
			now := withLatin(old)
			if clipped(old) {
				// A cut word's Latin spelling is shorter than the cut
				// spelling of the whole word, which terms() indexes.
				rec, err := liveRecord(txn, raw)
				if err != nil {
					return err
				}
				if rec != nil {
					now = terms(rec)
				}
			}
			if err := replaceTerms(wb, raw, k, old, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return next, wb.Flush()
}

// withLatin is term document t with the Latin spellings of its words
// added as terms() adds them: a spelling weighs what the heaviest word it
// spells does.
func withLatin(t map[string]uint8) map[string]uint8 {
	now := maps.Clone(t)
	for word, w := range t {
		for _, l := range locale.Latin(word) {
			if l = clipTerm(l); w > now[l] {
				now[l] = w
			}
		}
	}
	return now
}

// clipped says whether term document t may hold a word cut at maxTermLen.
func clipped(t map[string]uint8) bool {
	for word := range t {
		if len(word) > maxTermLen-utf8.UTFMax {
			return true
		}
	}
	return false
}

// replaceTerms writes record raw's term keys and document for terms now
// where they were old, touching only the keys that differ (a word whose
// weight changed has its old key removed).
func replaceTerms(wb *badger.WriteBatch, raw [16]byte, k data.Kind, old, now map[string]uint8) error {
	if maps.Equal(old, now) {
		return nil
	}
	for word, w := range old {
		if now[word] != w {
			if err := wb.Delete(termKey(word, raw, w, k)); err != nil {
				return err
			}
		}
	}
	for word, w := range now {
		if old[word] != w {
			if err := wb.Set(termKey(word, raw, w, k), nil); err != nil {
				return err
			}
		}
	}
	return wb.Set(docKey(raw), docValue(now))
}
