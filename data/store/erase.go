package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
)

// OpErase is the change-log operation of Erase (see data.OpErase).
const OpErase = data.OpErase

// erasedEnvelope is the envelope of an erased record: no fields but the
// ID, no field clocks, deleted, and marked erased ("e"). readEnvelope
// ignores the mark, so the rest of the store sees an ordinary tombstone.
type erasedEnvelope struct {
	Kind    data.Kind                `json:"k"`
	Fields  data.Fields              `json:"f"`
	Clocks  map[string]hlc.Timestamp `json:"c"`
	Deleted hlc.Timestamp            `json:"d"`
	Erased  hlc.Timestamp            `json:"e"`
}

// Erase removes a person's (or any record's) data for good — the right to
// be forgotten:
//
//   - the record becomes a content-free tombstone: its ID, kind, and the
//     clock of the erase; Get and Load answer ErrNotFound, as for a
//     deleted record, and the ID cannot be reused;
//   - every change-log entry about it (this device's and those received
//     from others) keeps its place and field names — sequence numbers stay
//     gapless for sync — but its values become null;
//   - its search terms, search document, list and index entries go;
//   - attachments that belong to it (Attachment.Record) are erased the
//     same way, and their blobs deleted unless another attachment still
//     uses the same content;
//   - open conflicts about it or its attachments (which hold their
//     values) are dropped;
//   - the erase itself is logged (op "erase", no fields), so it travels
//     through sync and other replicas scrub their copies too.
//
// Links from other records (a meeting's attendees, a follow-up's contact)
// keep the bare ID, which no longer resolves; text that other records say
// about the person (a meeting's notes) is theirs and is not touched.
//
// Erase works on live and deleted records alike, and erasing again is not
// an error (it repeats the scrubbing), so an interrupted erase can simply
// be run again. Badger keeps the overwritten values in its files until
// they are compacted away: EraseAndCompact rewrites the store so that
// nothing of the person is left in any file.
func (s *Store) Erase(ctx context.Context, id data.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := id.Bytes()
	if err != nil {
		return err
	}
	id = data.IDFromBytes(raw[:]) // canonical spelling, as stored in logs
	s.wmu.Lock()
	defer s.wmu.Unlock()
	w := s.newWrite()
	defer w.discard()
	if _, err := w.txn.Get(recordKey(raw)); errors.Is(err, badger.ErrKeyNotFound) {
		return wrapNotFound(id)
	} else if err != nil {
		return err
	}
	// Attachments of the record, and who uses which blob.
	atts, users, err := w.attachmentsOf(id)
	if err != nil {
		return err
	}
	targets := append([]data.ID{id}, atts...)
	erasing := map[data.ID]bool{}
	for _, t := range targets {
		erasing[t] = true
	}
	var blobs []string
	for _, t := range targets {
		sha, err := w.eraseRecordAt(t, w.clock.Now(), true)
		if err != nil {
			return fmt.Errorf("erase %s: %w", t, err)
		}
		if sha != "" {
			blobs = append(blobs, sha)
		}
	}
	if err := w.dropBlobs(blobs, users, erasing); err != nil {
		return err
	}
	// Conflicts hold the erased records' values: they go too (as in a
	// merged erase).
	for _, t := range targets {
		traw, err := t.Bytes()
		if err != nil {
			return err
		}
		if err := w.dropConflicts(traw); err != nil {
			return err
		}
	}
	if err := w.scrubLog(erasing); err != nil {
		return err
	}
	if err := w.commit(); err != nil {
		return err
	}
	// commit writes the sequence only when something was logged; an erase
	// repeated on an erased record logs nothing but may have scrubbed.
	return nil
}

// dropBlobs deletes the blobs of erased attachments, each unless an
// attachment that is not being erased (live or deleted) still uses it;
// users is, per blob, the attachments that use it (attachmentsOf).
func (w *write) dropBlobs(blobs []string, users map[string][]data.ID, erasing map[data.ID]bool) error {
	for _, sha := range blobs {
		inUse := false
		for _, u := range users[sha] {
			if !erasing[u] {
				inUse = true
			}
		}
		if inUse {
			continue
		}
		b, err := hex.DecodeString(sha)
		if err != nil || len(b) != 32 {
			continue
		}
		if err := w.txn.Delete(append([]byte{pBlob}, b...)); err != nil {
			return err
		}
	}
	return nil
}

// attachmentsOf lists the attachments (live or deleted, not yet erased)
// whose record is id, and for every blob the attachments that use it.
func (w *write) attachmentsOf(id data.ID) ([]data.ID, map[string][]data.ID, error) {
	var atts []data.ID
	users := map[string][]data.ID{}
	prefix := []byte{pRecord}
	kindAtt := []byte(`{"k":"` + string(data.KindAttachment) + `"`)
	it := w.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(func(v []byte) error {
			if !bytes.HasPrefix(v, kindAtt) {
				return nil
			}
			var e erasedEnvelope
			if err := json.Unmarshal(v, &e); err != nil {
				return nil // a damaged envelope is not ours to judge here
			}
			rec, err := e.Fields.Decode(data.KindAttachment)
			if err != nil {
				return nil
			}
			a := rec.(*data.Attachment)
			if a.ID == "" {
				a.ID = data.IDFromBytes(it.Item().Key()[1:])
			}
			if a.SHA256 != "" {
				users[a.SHA256] = append(users[a.SHA256], a.ID)
			}
			if a.Record == id && e.Erased == 0 {
				atts = append(atts, a.ID)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return atts, users, nil
}

// eraseRecordAt turns one record into an erased tombstone stamped ts and,
// when logIt (an erase made here rather than merged from another device),
// logs the erase; it returns the blob an attachment pointed to. An already
// erased record is left as it is.
func (w *write) eraseRecordAt(id data.ID, ts hlc.Timestamp, logIt bool) (blob string, err error) {
	raw, err := id.Bytes()
	if err != nil {
		return "", err
	}
	item, err := w.txn.Get(recordKey(raw))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var e erasedEnvelope
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
		return "", fmt.Errorf("record is damaged: %w", err)
	}
	if e.Erased != 0 {
		return "", nil
	}
	var private bool
	rec, decErr := e.Fields.Decode(e.Kind)
	if decErr == nil {
		private = rec.Meta().Confidentiality == data.Private
		if a, ok := rec.(*data.Attachment); ok {
			blob = a.SHA256
		}
	}
	if e.Deleted == 0 {
		// Live: take it out of lists, indexes and search. (A tombstone
		// was taken out when it was deleted.)
		if decErr != nil {
			return "", decErr
		}
		if err := w.unindex(rec, raw); err != nil {
			return "", err
		}
		w.counts[e.Kind]--
	} else {
		// Deleted: its index entries are gone, but remove the search
		// document and list key in case an older version left them.
		if err := w.txn.Delete(docKey(raw)); err != nil {
			return "", err
		}
		if err := w.txn.Delete(kindKey(e.Kind, raw)); err != nil {
			return "", err
		}
	}
	idJSON, _ := json.Marshal(id)
	tomb := erasedEnvelope{Kind: e.Kind, Fields: data.Fields{"id": idJSON}, Clocks: map[string]hlc.Timestamp{},
		Deleted: ts, Erased: ts}
	if err := w.setJSON(recordKey(raw), tomb); err != nil {
		return "", err
	}
	if !logIt {
		return blob, nil
	}
	return blob, w.log(data.Change{HLC: ts, Record: id, Kind: e.Kind, Op: OpErase, Private: private})
}

// scrubLog nulls the field values of every change-log entry about the
// erased records, whichever device wrote it. Entries keep their place,
// operation, clock and field names, so sequence numbers stay gapless and
// a replica that has not seen them yet still learns the record's history
// of puts, deletes and the erase — just not what it said.
func (w *write) scrubLog(erasing map[data.ID]bool) error {
	var needles [][]byte
	for id := range erasing {
		needles = append(needles, []byte(`"record":"`+string(id)+`"`))
	}
	type fix struct{ key, val []byte }
	var fixes []fix
	it := w.txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pLog}})
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		err := item.Value(func(v []byte) error {
			hit := false
			for _, n := range needles {
				if bytes.Contains(v, n) {
					hit = true
					break
				}
			}
			if !hit {
				return nil
			}
			var c data.Change
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("change %x is damaged: %w", item.Key(), err)
			}
			if !erasing[c.Record] {
				return nil
			}
			changed := false
			for i := range c.Fields {
				f := &c.Fields[i]
				if f.Value != nil && !bytes.Equal(f.Value, []byte("null")) {
					f.Value = nil // encodes as null
					changed = true
				}
				if f.Add != nil || f.Del != nil {
					f.Add, f.Del = nil, nil
					changed = true
				}
			}
			if !changed {
				return nil
			}
			b, err := json.Marshal(c)
			if err != nil {
				return err
			}
			fixes = append(fixes, fix{item.KeyCopy(nil), b})
			return nil
		})
		if err != nil {
			it.Close()
			return err
		}
	}
	it.Close()
	for _, f := range fixes {
		if err := w.txn.Set(f.key, f.val); err != nil {
			return err
		}
	}
	return nil
}

// EraseAndCompact erases the record id from the store in dir (see Erase)
// and then rewrites the store into a fresh copy with the same key, so that
// the values Badger still kept from before the erase — older versions in
// its tables and logs — are gone from the files too. The store must not be
// open (close it first); key is its data key (nil for a plaintext store).
// If it is interrupted after the erase, running it again finishes the job.
func EraseAndCompact(ctx context.Context, dir string, key []byte, id data.ID) error {
	s, err := Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		return err
	}
	if err := s.Erase(ctx, id); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	return rewrite(ctx, dir, key, key, nil, "erase")
}
