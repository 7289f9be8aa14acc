package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
	"github.com/clusme/fieldbook/data/locale"
)

// envelope is what a record key holds: the record's fields, the clock of
// the last write to each field (for field-level last-writer-wins when
// merging other devices' changes) and, for a tombstone, when it was deleted.
type envelope struct {
	Kind    data.Kind                `json:"k"`
	Fields  data.Fields              `json:"f"`
	Clocks  map[string]hlc.Timestamp `json:"c"`
	Deleted hlc.Timestamp            `json:"d,omitempty"`
	// What sync's merge needs beyond the clocks (merge.go): the device
	// that wrote a field's value when it was another device (absent: this
	// one), the clock of the value each write replaced, the newest field
	// clock a delete had seen (an edit newer than that beats the delete),
	// the element states of set fields, and the erase mark.
	Writers     map[string]data.ID       `json:"w,omitempty"`
	Seen        map[string]hlc.Timestamp `json:"s,omitempty"`
	DeletedSeen hlc.Timestamp            `json:"ds,omitempty"`
	Sets        map[string]*setState     `json:"sets,omitempty"`
	Erased      hlc.Timestamp            `json:"e,omitempty"`
	// DelKnew: the changes the record's deleters knew (merged); Unknown:
	// the writes to the record per device, sorted, the newest maxWrites
	// of each (known to a deleter or not; older stores kept only unknown
	// ones) — while one is not in DelKnew, the record lives (edit beats
	// delete; see envelope.allKnown).
	DelKnew map[data.ID]*data.SeqSet `json:"dk,omitempty"`
	Unknown map[data.ID][]uint64     `json:"u,omitempty"`
}

func (e *envelope) record() (data.Record, error) { return e.Fields.Decode(e.Kind) }

func wrapNotFound(id data.ID) error {
	return data.Errorf(data.ErrNotFound, "no record with ID %s", id)
}

func readEnvelope(txn *badger.Txn, raw [16]byte) (*envelope, error) {
	item, err := txn.Get(recordKey(raw))
	if err != nil {
		return nil, err
	}
	var e envelope
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &e) })
	if err != nil {
		return nil, fmt.Errorf("record %s is damaged: %w", data.IDFromBytes(raw[:]), err)
	}
	return &e, nil
}

// liveRecord decodes the record stored under raw; nil without an error if
// there is none or it is a tombstone.
func liveRecord(txn *badger.Txn, raw [16]byte) (data.Record, error) {
	item, err := txn.Get(recordKey(raw))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Reading needs neither the field clocks nor the fields one by one:
	// the envelope's "f" object is the record's own JSON, decoded
	// straight into it (lists of 100k records read twice as fast).
	var e struct {
		Kind    data.Kind       `json:"k"`
		Fields  json.RawMessage `json:"f"`
		Deleted hlc.Timestamp   `json:"d,omitempty"`
	}
	var rec data.Record
	err = item.Value(func(v []byte) error {
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		if e.Deleted != 0 {
			return nil
		}
		if rec, err = data.New(e.Kind); err != nil {
			return err
		}
		return json.Unmarshal(e.Fields, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("record %s is damaged: %w", data.IDFromBytes(raw[:]), err)
	}
	return rec, nil
}

// Get returns the live record with id.
func (s *Store) Get(ctx context.Context, id data.ID) (data.Record, error) {
	raw, err := id.Bytes()
	if err != nil {
		return nil, err
	}
	var rec data.Record
	err = s.db.View(func(txn *badger.Txn) error {
		rec, err = liveRecord(txn, raw)
		if err == nil && rec == nil {
			return wrapNotFound(id)
		}
		return err
	})
	return rec, err
}

// Load returns the live record with id as type T, or ErrNotFound if there
// is none or it is of another kind.
func Load[T data.Record](ctx context.Context, s Reader, id data.ID) (T, error) {
	var zero T
	rec, err := s.Get(ctx, id)
	if err != nil {
		return zero, err
	}
	t, ok := rec.(T)
	if !ok {
		return zero, data.Errorf(data.ErrNotFound, "%s is %s, not %s", id, rec.Kind().WithArticle(), zero.Kind().WithArticle())
	}
	return t, nil
}

// Create saves a new record, giving it an ID unless it has one, and returns
// once the save is durable.
func (s *Store) Create(ctx context.Context, rec data.Record) error {
	if rec.Meta().ID == "" {
		rec.Meta().ID = data.NewID()
	}
	return s.save(ctx, rec, true)
}

// Update saves changes to an existing record. Only the fields that differ
// from the stored record enter the change log.
func (s *Store) Update(ctx context.Context, rec data.Record) error {
	return s.save(ctx, rec, false)
}

// UpdateFrom saves an edit: orig is the record as the user opened it,
// edited what they made of it. Only the fields that differ between the two
// are written, onto the record as it is now — a change made meanwhile to a
// field the user did not touch (by another screen, or merged by sync) is
// kept rather than silently reverted. It returns the record as saved.
//
// A field the user changed that was also changed meanwhile (its value now
// is not the one the form opened with) is a concurrent write:
//   - a set field (data.IsSetField) gets the user's additions and removals
//     applied to its current list, so an element added meanwhile stays;
//   - any other field takes the user's value, which is logged as not
//     having seen the value it replaces, and that value is kept here as a
//     conflict for review — as every other replica will find when it
//     merges the edit. Nothing typed meanwhile is silently overwritten.
func (s *Store) UpdateFrom(ctx context.Context, orig, edited data.Record) (data.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if orig.Kind() != edited.Kind() || orig.Meta().ID != edited.Meta().ID {
		return nil, data.Errorf(data.ErrInvalid, "an edit of %s cannot become %s %s", orig.Meta().ID, edited.Kind(), edited.Meta().ID)
	}
	before, err := data.FieldsOf(orig)
	if err != nil {
		return nil, err
	}
	after, err := data.FieldsOf(edited)
	if err != nil {
		return nil, err
	}
	changed := data.Diff(before, after)
	delete(changed, "updated")
	delete(changed, "created")
	raw, err := edited.Meta().ID.Bytes()
	if err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	w := s.newWrite()
	defer w.discard()
	env, err := readEnvelope(w.txn, raw)
	if errors.Is(err, badger.ErrKeyNotFound) || (err == nil && env.Deleted != 0) {
		return nil, wrapNotFound(edited.Meta().ID)
	}
	if err != nil {
		return nil, err
	}
	cur, err := env.record()
	if err != nil {
		return nil, err
	}
	fields, err := data.FieldsOf(cur)
	if err != nil {
		return nil, err
	}
	var concurrent map[string]hlc.Timestamp
	for name, v := range changed {
		now := fields[name]
		if jsonEqual(now, before[name]) || jsonEqual(now, v) {
			continue // unchanged meanwhile, or changed the same way
		}
		if data.IsSetField(cur.Kind(), name) {
			add, del := data.SetDelta(before[name], v)
			changed[name] = applyDelta(now, add, del)
			continue
		}
		// The clock of the value the user saw is not known for sure:
		// the value the current one replaced (its writer's Seen) is the
		// best guess — exact when one write came in meanwhile; otherwise
		// a value its writer knew, so claiming to have seen it loses
		// nothing. None (0) reads as concurrent with every value.
		if concurrent == nil {
			concurrent = map[string]hlc.Timestamp{}
		}
		concurrent[name] = env.Seen[name]
	}
	fields.Apply(changed)
	rec, err := fields.Decode(cur.Kind())
	if err != nil {
		return nil, err
	}
	if err := data.Prepare(rec); err != nil {
		return nil, err
	}
	if err := w.checkRefs(rec); err != nil {
		return nil, err
	}
	if err := w.putEdit(rec, false, concurrent); err != nil {
		return nil, err
	}
	return rec, w.commit()
}

// applyDelta is the set list list with add appended (those not in it yet)
// and del removed; JSON null when empty.
func applyDelta(list json.RawMessage, add, del []string) json.RawMessage {
	var l []string
	_ = json.Unmarshal(list, &l)
	out := []string{}
	for _, v := range l {
		if !slices.Contains(del, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, v := range add {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(out)
	return b
}

func (s *Store) save(ctx context.Context, rec data.Record, create bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := data.Prepare(rec); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	w := s.newWrite()
	defer w.discard()
	if err := w.checkRefs(rec); err != nil {
		return err
	}
	if err := w.put(rec, create); err != nil {
		return err
	}
	return w.commit()
}

// Delete turns the record into a tombstone: it disappears from lists,
// indexes and search, and the delete is logged for sync.
func (s *Store) Delete(ctx context.Context, id data.ID) error {
	raw, err := id.Bytes()
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	w := s.newWrite()
	defer w.discard()
	e, err := readEnvelope(w.txn, raw)
	if errors.Is(err, badger.ErrKeyNotFound) || (err == nil && e.Deleted != 0) {
		return wrapNotFound(id)
	}
	if err != nil {
		return err
	}
	old, err := e.record()
	if err != nil {
		return err
	}
	ts := w.clock.Now()
	if err := w.unindex(old, raw); err != nil {
		return err
	}
	e.Deleted = ts
	// The delete knows every change this replica has: its own log and
	// what it merged from others.
	knew, err := w.knowledge()
	if err != nil {
		return err
	}
	e.deletedKnowing(knew)
	if err := w.setJSON(recordKey(raw), e); err != nil {
		return err
	}
	w.counts[e.Kind]--
	if err := w.log(data.Change{HLC: ts, Record: id, Kind: e.Kind, Op: data.OpDelete,
		Private: old.Meta().Confidentiality == data.Private, Seen: e.newestClock(), Knew: knew}); err != nil {
		return err
	}
	return w.commit()
}

// write is one write transaction with the bookkeeping every save needs.
// Sequence numbers and counts are applied to the Store only on commit, so
// a failed transaction leaves no trace.
type write struct {
	s      *Store
	txn    *badger.Txn
	clock  *hlc.Clock
	seq    uint64
	counts map[data.Kind]uint64
	logged int
	done   bool
	// observed: a merge moved the clock past other devices' changes,
	// which must persist even when nothing was logged.
	observed bool
}

func (s *Store) newWrite() *write {
	counts := make(map[data.Kind]uint64, len(s.counts))
	for k, v := range s.counts {
		counts[k] = v
	}
	return &write{s: s, txn: s.db.NewTransaction(true), clock: s.clock, seq: s.seq, counts: counts}
}

func (w *write) discard() {
	if !w.done {
		w.txn.Discard()
	}
}

func (w *write) commit() error {
	if w.logged > 0 || w.observed {
		if err := w.txn.Set(metaKey("seq"), u64(w.seq)); err != nil {
			return err
		}
		if err := w.txn.Set(metaKey("hlc"), u64(uint64(w.clock.Last()))); err != nil {
			return err
		}
		for k, n := range w.counts {
			if n != w.s.counts[k] {
				if err := w.txn.Set(countKey(k), u64(n)); err != nil {
					return err
				}
			}
		}
	}
	w.done = true
	if err := w.txn.Commit(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	w.s.seq = w.seq
	w.s.counts = w.counts
	w.s.gen.Add(1)
	return nil
}

func (w *write) setJSON(key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return w.txn.Set(key, b)
}

// log appends a change-log entry in the same transaction as the record it
// describes, so the log and the data can never disagree.
func (w *write) log(c data.Change) error {
	w.seq++
	w.logged++
	c.Device = w.s.device
	c.Seq = w.seq
	sort.Slice(c.Fields, func(i, j int) bool { return c.Fields[i].Name < c.Fields[j].Name })
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return w.txn.Set(logKey(w.s.devRaw, w.seq), b)
}

// put writes rec (new or changed) with its indexes, search terms and
// change-log entry.
func (w *write) put(rec data.Record, create bool) error {
	return w.putEdit(rec, create, nil)
}

// putEdit is put for an edit some of whose fields were written without
// seeing their current value (UpdateFrom): concurrent gives, per such
// field, the clock of the value the writer had seen (0: unknown), logged
// as the field's Seen instead of the current value's clock; the current
// value, which the write replaces, is kept as a conflict.
func (w *write) putEdit(rec data.Record, create bool, concurrent map[string]hlc.Timestamp) error {
	meta := rec.Meta()
	id := meta.ID
	raw, err := id.Bytes()
	if err != nil {
		return err
	}
	old, err := readEnvelope(w.txn, raw)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		if !create {
			return wrapNotFound(id)
		}
		old = nil
	case err != nil:
		return err
	case create && old.Deleted == 0:
		return data.Errorf(data.ErrConflict, "record %s already exists", id)
	case create || old.Deleted != 0:
		return data.Errorf(data.ErrNotFound, "record %s was deleted", id)
	case old.Kind != rec.Kind():
		return data.Errorf(data.ErrInvalid, "%s is %s, not %s", id, old.Kind.WithArticle(), rec.Kind().WithArticle())
	}

	now := w.s.now().UTC().Truncate(time.Millisecond)
	if old != nil {
		var created time.Time
		_ = json.Unmarshal(old.Fields["created"], &created)
		meta.Created = created
		meta.Updated = old.updated()
	} else {
		meta.Created, meta.Updated = now, now
	}
	fields, err := data.FieldsOf(rec)
	if err != nil {
		return err
	}
	var oldFields data.Fields
	var oldRec data.Record
	if old != nil {
		oldFields = old.Fields
		if oldRec, err = old.record(); err != nil {
			return err
		}
	}
	diff := data.Diff(oldFields, fields)
	if len(diff) == 0 {
		return nil // nothing changed: no write, no log entry
	}
	meta.Updated = now
	fields["updated"], _ = json.Marshal(now)

	ts := w.clock.Now()
	env := &envelope{Kind: rec.Kind(), Fields: fields}
	if old != nil {
		// Copies: changesFor reads old's clocks after these change.
		env.Clocks = maps.Clone(old.Clocks)
		env.Writers, env.Seen, env.Sets = maps.Clone(old.Writers), maps.Clone(old.Seen), old.Sets
		env.DelKnew, env.Unknown = old.DelKnew, old.Unknown
	}
	if env.Clocks == nil {
		env.Clocks = map[string]hlc.Timestamp{}
	}
	var conflicts []data.Conflict
	for name := range diff {
		var before json.RawMessage
		if old != nil {
			before = old.Fields[name]
			seen, ok := concurrent[name]
			if !ok || data.IsSetField(rec.Kind(), name) {
				seen = old.Clocks[name]
			} else if H := old.Clocks[name]; H != 0 {
				conflicts = append(conflicts, data.Conflict{Record: id, Kind: rec.Kind(), Field: name,
					Current:  data.ConflictValue{Value: fields[name], HLC: ts, Device: w.s.device},
					Other:    data.ConflictValue{Value: before, HLC: H, Device: old.writer(name, w.s.device)},
					Detected: ts})
			}
			env.noteSeen(name, seen)
		}
		env.Clocks[name] = ts
		delete(env.Writers, name)
	}
	changes := changesFor(id, rec.Kind(), ts, oldRec, meta.Confidentiality, fields, diff, old, concurrent)
	// Set fields: each element added is an add by this change; a change
	// that removes elements carries what this replica knows, so that a
	// concurrent add it did not know survives everywhere.
	var knew map[data.ID]*data.SeqSet
	for i := range changes {
		seq := w.seq + uint64(i) + 1 // the number w.log gives it below
		for _, fc := range changes[i].Fields {
			if !data.IsSetField(rec.Kind(), fc.Name) {
				continue
			}
			if len(fc.Del) > 0 && knew == nil {
				if knew, err = w.knowledge(); err != nil {
					return err
				}
			}
			if len(fc.Del) > 0 {
				changes[i].Knew = knew
			}
			var before json.RawMessage
			var clock hlc.Timestamp
			if old != nil {
				before, clock = old.Fields[fc.Name], old.Clocks[fc.Name]
			}
			env.setOf(fc.Name, before, clock).local(fc.Add, fc.Del, w.s.device, seq, ts, fc.Seen, changes[i].Knew, fields[fc.Name])
		}
	}
	for i := range changes {
		env.wrote(w.s.device, w.seq+uint64(i)+1) // the numbers w.log gives them below
	}
	for _, c := range conflicts {
		if err := w.putConflict(c); err != nil {
			return err
		}
	}
	if err := w.setJSON(recordKey(raw), env); err != nil {
		return err
	}
	if oldRec == nil {
		if err := w.txn.Set(kindKey(rec.Kind(), raw), nil); err != nil {
			return err
		}
		w.counts[rec.Kind()]++
	}
	if err := w.reindex(oldRec, rec, raw); err != nil {
		return err
	}
	for _, ch := range changes {
		if err := w.log(ch); err != nil {
			return err
		}
	}
	return nil
}

// changesFor builds the change-log entries of one save. A new record logs
// every field. An edit logs the changed fields, each with the clock of the
// value it replaced (for a field in concurrent, the clock given there);
// "updated" is left out of edits (a receiver stamps it from the change's
// clock), or every two edits of different fields on two devices would
// conflict over it. Private records never leave the device,
// so confidentiality changes need care:
//   - private → shared/office logs the whole record, since peers have
//     never seen any of it;
//   - shared/office → private logs the confidentiality change on its own
//     (peers learn to keep their copy to themselves) and the other edits
//     of that save as private.
func changesFor(id data.ID, kind data.Kind, ts hlc.Timestamp, oldRec data.Record, conf data.Confidentiality,
	fields, diff data.Fields, old *envelope, concurrent map[string]hlc.Timestamp) []data.Change {
	wasPrivate := oldRec != nil && oldRec.Meta().Confidentiality == data.Private
	isPrivate := conf == data.Private
	entry := func(private bool, names func(string) bool, src data.Fields) data.Change {
		ch := data.Change{HLC: ts, Record: id, Kind: kind, Op: data.OpPut, Private: private, SetDeltas: true}
		for name, v := range src {
			if !names(name) {
				continue
			}
			var seen hlc.Timestamp
			if old != nil {
				seen = old.Clocks[name]
				if s, ok := concurrent[name]; ok && !data.IsSetField(kind, name) {
					seen = s // written without seeing the current value
				}
			}
			fc := data.FieldChange{Name: name, Value: v, Seen: seen}
			if data.IsSetField(kind, name) {
				var before json.RawMessage
				if old != nil && oldRec != nil && !(wasPrivate && !isPrivate) {
					before = old.Fields[name]
				}
				fc.Add, fc.Del = data.SetDelta(before, v)
			}
			ch.Fields = append(ch.Fields, fc)
		}
		return ch
	}
	all := func(string) bool { return true }
	edited := func(name string) bool { return oldRec == nil || (name != "updated" && name != "created") }
	switch {
	case oldRec == nil:
		return []data.Change{entry(isPrivate, all, fields)}
	case wasPrivate && !isPrivate:
		return []data.Change{entry(false, all, fields)}
	case !wasPrivate && isPrivate:
		out := []data.Change{entry(false, func(n string) bool { return n == "confidentiality" }, diff)}
		if rest := entry(true, func(n string) bool { return n != "confidentiality" && edited(n) }, diff); len(rest.Fields) > 0 {
			out = append(out, rest)
		}
		return out
	}
	return []data.Change{entry(isPrivate, edited, diff)}
}

func (e *envelope) updated() time.Time {
	var t time.Time
	_ = json.Unmarshal(e.Fields["updated"], &t)
	return t
}

// reindex replaces old's index entries and search terms with rec's,
// touching only the keys that differ.
func (w *write) reindex(old, rec data.Record, raw [16]byte) error {
	oldKeys := map[string]bool{}
	if old != nil {
		for _, k := range indexKeys(old) {
			oldKeys[string(k)] = true
		}
		stored, err := w.storedTermKeys(raw, old.Kind())
		if err != nil {
			return err
		}
		for _, k := range stored {
			oldKeys[string(k)] = true
		}
	}
	newKeys := append(indexKeys(rec), termKeys(rec, raw)...)
	for _, k := range newKeys {
		if oldKeys[string(k)] {
			delete(oldKeys, string(k))
			continue
		}
		if err := w.txn.Set(k, nil); err != nil {
			return err
		}
	}
	for k := range oldKeys {
		if err := w.txn.Delete([]byte(k)); err != nil {
			return err
		}
	}
	return w.txn.Set(docKey(raw), docValue(terms(rec)))
}

// unindex removes every index entry, search term and list key of rec.
func (w *write) unindex(rec data.Record, raw [16]byte) error {
	stored, err := w.storedTermKeys(raw, rec.Kind())
	if err != nil {
		return err
	}
	for _, k := range append(indexKeys(rec), stored...) {
		if err := w.txn.Delete(k); err != nil {
			return err
		}
	}
	if err := w.txn.Delete(docKey(raw)); err != nil {
		return err
	}
	return w.txn.Delete(kindKey(rec.Kind(), raw))
}

// storedTermKeys rebuilds the term keys of a record from its stored term
// document: removing what was indexed, rather than what the current
// tokenizer would index, leaves no stale keys when folding rules change.
func (w *write) storedTermKeys(raw [16]byte, kind data.Kind) ([][]byte, error) {
	item, err := w.txn.Get(docKey(raw))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys [][]byte
	err = item.Value(func(doc []byte) error {
		for word, weight := range docTerms(doc) {
			keys = append(keys, termKey(word, raw, weight, kind))
		}
		return nil
	})
	return keys, err
}

// indexKeys lists the secondary index entries of a record.
func indexKeys(rec data.Record) [][]byte {
	id := rec.Meta().ID
	var keys []keyBuilder
	switch r := rec.(type) {
	case *data.Meeting:
		if r.Mission != "" {
			keys = append(keys, ixKey(ixMeetingByMission).id(r.Mission).instant(r.Start).id(id))
		}
		for _, o := range uniq(r.Orgs) {
			keys = append(keys, ixKey(ixMeetingByOrg).id(o).instant(r.Start).id(id))
		}
		for _, c := range uniq(append(append([]data.ID{}, r.Attendees...), r.Delegates...)) {
			keys = append(keys, ixKey(ixMeetingByContact).id(c).instant(r.Start).id(id))
		}
		if r.Seminar != "" {
			keys = append(keys, ixKey(ixMeetingBySeminar).id(r.Seminar).num(r.Slot).num(r.Table).id(id))
		}
	case *data.Seminar:
		if r.Mission != "" {
			keys = append(keys, ixKey(ixSeminarByMission).id(r.Mission).date(r.Date).id(id))
		}
	case *data.Contact:
		if r.Org != "" {
			keys = append(keys, ixKey(ixContactByOrg).id(r.Org).id(id))
		}
	case *data.FollowUp:
		if r.Mission != "" {
			keys = append(keys, ixKey(ixFollowUpByMission).id(r.Mission).date(r.Due).id(id))
		}
		if r.Org != "" {
			keys = append(keys, ixKey(ixFollowUpByOrg).id(r.Org).date(r.Due).id(id))
		}
		if r.Meeting != "" {
			keys = append(keys, ixKey(ixFollowUpByMeeting).id(r.Meeting).id(id))
		}
		keys = append(keys,
			ixKey(ixFollowUpByStatus).str(string(r.Status)).date(r.Due).id(id),
			ixKey(ixFollowUpByDue).date(r.Due).id(id))
	case *data.Organization:
		keys = append(keys, ixKey(ixOrgByKind).str(string(r.OrgKind)).id(id))
	case *data.Attachment:
		if r.Record != "" {
			keys = append(keys, ixKey(ixAttachmentByRec).id(r.Record).id(id))
		}
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

func uniq(ids []data.ID) []data.ID {
	seen := map[data.ID]bool{}
	var out []data.ID
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// terms returns the record's search tokens with the highest weight each
// appears with. A Cyrillic word is also indexed under its Latin spellings
// (locale.Latin), so "kodir" typed on a Finnish keyboard finds "Қодиров".
func terms(rec data.Record) map[string]uint8 {
	out := map[string]uint8{}
	add := func(tok string, w uint8) {
		tok = clipTerm(tok)
		if w > out[tok] {
			out[tok] = w
		}
	}
	for _, wt := range rec.SearchText() {
		for _, tok := range locale.Tokens(wt.Text) {
			add(tok, wt.Weight)
			for _, l := range locale.Latin(tok) {
				add(l, wt.Weight)
			}
		}
	}
	return out
}

// maxTermLen bounds a term key; longer tokens (URLs, pasted hashes) are
// still found by their first 64 bytes.
const maxTermLen = 64

func termKeys(rec data.Record, raw [16]byte) [][]byte {
	t := terms(rec)
	keys := make([][]byte, 0, len(t))
	for tok, w := range t {
		keys = append(keys, termKey(tok, raw, w, rec.Kind()))
	}
	return keys
}

// checkRefs makes sure every record rec newly points to exists and is of
// the expected kind, so a typo in an ID is an error, not a dangling link.
// References the stored version already had are not checked again: after a
// mission is deleted (here or on another device), its meetings must stay
// editable.
func (w *write) checkRefs(rec data.Record) error {
	had := map[data.ID]bool{}
	if raw, err := rec.Meta().ID.Bytes(); err == nil {
		if old, err := liveRecord(w.txn, raw); err == nil && old != nil {
			for _, r := range data.Refs(old) {
				had[r.ID] = true
			}
		}
	}
	for _, rf := range data.Refs(rec) {
		if had[rf.ID] {
			continue
		}
		raw, err := rf.ID.Bytes()
		if err != nil {
			return &data.FieldError{Kind: rec.Kind(), Field: rf.Field, Value: string(rf.ID), Msg: "is not a record ID"}
		}
		target, err := liveRecord(w.txn, raw)
		if err != nil {
			return err
		}
		if target == nil {
			return &data.FieldError{Kind: rec.Kind(), Field: rf.Field, Value: string(rf.ID), Msg: "no such " + rf.Kind.Noun()}
		}
		if rf.Kind != "" && target.Kind() != rf.Kind {
			return &data.FieldError{Kind: rec.Kind(), Field: rf.Field, Value: string(rf.ID), Msg: "is " + target.Kind().WithArticle() + ", not " + rf.Kind.WithArticle()}
		}
		// A follow-up agreed in a meeting belongs to that meeting's mission.
		if f, ok := rec.(*data.FollowUp); ok && rf.Field == "meeting" && f.Mission != "" {
			if m := target.(*data.Meeting); m.Mission != f.Mission {
				return &data.FieldError{Kind: rec.Kind(), Field: "meeting", Value: string(rf.ID), Msg: "belongs to another mission than the follow-up's"}
			}
		}
		// An agenda meeting takes place at a seminar of its own mission.
		if m, ok := rec.(*data.Meeting); ok && rf.Field == "seminar" {
			if sem := target.(*data.Seminar); sem.Mission != m.Mission {
				return &data.FieldError{Kind: rec.Kind(), Field: "seminar", Value: string(rf.ID), Msg: "belongs to another mission than the meeting's"}
			}
		}
	}
	return nil
}
