package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
)

// Merging other devices' changes (sync). The rules, which make every
// replica converge to the same records whatever the order, duplication or
// delay in which changes arrive:
//
//   - Each field is last-writer-wins by (HLC, device ID): a change's value
//     replaces the field's if its clock is later, ties going to the higher
//     device ID. Comparing is all a merge does, so the result does not
//     depend on the order.
//   - A change records the clock of the value its writer replaced (Seen).
//     If the two values that meet were written without either writer having
//     seen the other's, and they differ, the loser is kept as a conflict
//     for review (data.Conflict) — nothing typed is silently dropped. An
//     edit saved from a form opened before a merge changed the same field
//     is such a concurrent write too (Store.UpdateFrom).
//   - Set fields (data.IsSetField) merge element by element: an element is
//     present while its newest add is later than anything a remover had
//     seen, so a concurrent add wins over a remove.
//   - Edit beats delete, decided by knowledge, not by clocks: a delete
//     carries every change its writer knew (Change.Knew: per device, the
//     change-log numbers it had made or merged), collected per record in
//     envelope.DelKnew; every write to the record is noted per device in
//     envelope.Unknown (the newest maxWrites of each device). The record
//     is a tombstone while each noted write is known to some deleter; a
//     write no deleter knew, whatever its clock, brings it back. (Deletes
//     from logs older than Knew fall back to their Seen clock:
//     DeletedSeen.) A record heard of only through edits, its creation
//     not arrived yet, is kept but not shown.
//   - An erase is final: content is scrubbed, conflicts about the record
//     dropped, an erased attachment's blob deleted unless another
//     attachment uses it, and later changes about the record are ignored.
//   - Private changes never leave their device; one that arrives anyway is
//     ignored. This device's own changes are never merged back.
//   - A change that cannot be applied (an unknown kind or operation, say
//     from a newer Fieldbook, or a record it cannot decode) is reported as
//     a problem and not marked merged, so the next merge tries it again.

// setState is a set field's merge state: the list of the field's last
// writer (which gives the order) and, per element, the writes that added
// it and what the writes that removed it knew. An element is present
// while one of its adds is unknown to every remover: a tag added on one
// laptop while another laptop, not knowing that, removes the same tag
// stays (add-wins, an observed-remove set).
type setState struct {
	Base  []string            `json:"b"`
	Elems map[string]*setElem `json:"e"`
}

type setElem struct {
	// Adds: the writes (device, change-log number) that added it.
	Adds []setAdd `json:"adds,omitempty"`
	// RemKnew: every change the writers that removed it knew.
	RemKnew map[data.ID]*data.SeqSet `json:"rk,omitempty"`
	// A and R: an add and a remove without those (the element was in the
	// list before sets were tracked, or came from a change logged before
	// removes carried what they knew), compared by clock.
	A hlc.Timestamp `json:"a,omitempty"`
	R hlc.Timestamp `json:"r,omitempty"`
}

type setAdd struct {
	Device data.ID `json:"d"`
	Seq    uint64  `json:"s"`
}

func (e *setElem) present() bool {
	for _, a := range e.Adds {
		if !e.RemKnew[a.Device].Has(a.Seq) {
			return true
		}
	}
	return e.A > e.R && len(e.RemKnew) == 0
}

// setOf returns the state of a set field, starting it from before — the
// field's value with its clock — when the record has none yet (records
// written before sync existed, or never merged).
func (e *envelope) setOf(name string, before json.RawMessage, clock hlc.Timestamp) *setState {
	if e.Sets == nil {
		e.Sets = map[string]*setState{}
	}
	st := e.Sets[name]
	if st == nil {
		st = &setState{Elems: map[string]*setElem{}}
		_ = json.Unmarshal(before, &st.Base)
		for _, v := range st.Base {
			st.Elems[v] = &setElem{A: clock}
		}
		e.Sets[name] = st
	}
	return st
}

func (st *setState) elem(v string) *setElem {
	el := st.Elems[v]
	if el == nil {
		el = &setElem{}
		st.Elems[v] = el
	}
	return el
}

// apply records that the write (dev, seq) at clock ts added add and
// removed del; knew is what its writer knew (nil for a change logged
// before removes carried it: then the clock it had seen decides).
func (st *setState) apply(add, del []string, dev data.ID, seq uint64, ts, seen hlc.Timestamp, knew map[data.ID]*data.SeqSet) {
	for _, v := range add {
		el := st.elem(v)
		known := false
		for _, a := range el.Adds {
			known = known || a == setAdd{dev, seq}
		}
		if !known {
			el.Adds = append(el.Adds, setAdd{dev, seq})
			sort.Slice(el.Adds, func(i, j int) bool {
				if el.Adds[i].Device != el.Adds[j].Device {
					return el.Adds[i].Device < el.Adds[j].Device
				}
				return el.Adds[i].Seq < el.Adds[j].Seq
			})
		}
	}
	for _, v := range del {
		el := st.elem(v)
		if knew == nil {
			if seen > el.R {
				el.R = seen
			}
			knew = map[data.ID]*data.SeqSet{dev: {Upto: seq - 1}}
		}
		el.RemKnew = addKnowledge(el.RemKnew, knew)
	}
}

// addKnowledge adds the changes in knew to dst (made when nil) and
// returns it: what the writers of removes or deletes knew, together.
func addKnowledge(dst, knew map[data.ID]*data.SeqSet) map[data.ID]*data.SeqSet {
	if dst == nil {
		dst = map[data.ID]*data.SeqSet{}
	}
	for d, set := range knew {
		if dst[d] == nil {
			dst[d] = &data.SeqSet{}
		}
		dst[d].Union(set)
	}
	return dst
}

// value is the merged list: the present elements of the last writer's
// list in its order, then the other present elements sorted.
func (st *setState) value() json.RawMessage {
	out := []string{}
	in := map[string]bool{}
	for _, v := range st.Base {
		if el := st.Elems[v]; el != nil && el.present() && !in[v] {
			out = append(out, v)
			in[v] = true
		}
	}
	var extra []string
	for v, el := range st.Elems {
		if el.present() && !in[v] {
			extra = append(extra, v)
		}
	}
	sort.Strings(extra)
	out = append(out, extra...)
	if len(out) == 0 {
		return nil
	}
	b, _ := json.Marshal(out)
	return b
}

// local records a write made on this device: the new list is the base.
func (st *setState) local(add, del []string, dev data.ID, seq uint64, ts, seen hlc.Timestamp, knew map[data.ID]*data.SeqSet, value json.RawMessage) {
	st.apply(add, del, dev, seq, ts, seen, knew)
	st.Base = nil
	_ = json.Unmarshal(value, &st.Base)
}

// noteSeen remembers the clock of the value a write replaced.
func (e *envelope) noteSeen(name string, seen hlc.Timestamp) {
	if seen == 0 {
		delete(e.Seen, name)
		return
	}
	if e.Seen == nil {
		e.Seen = map[string]hlc.Timestamp{}
	}
	e.Seen[name] = seen
}

// newestClock is the latest field clock of the record. "updated" does not
// count: every replica stamps it itself.
func (e *envelope) newestClock() hlc.Timestamp {
	var n hlc.Timestamp
	for name, c := range e.Clocks {
		if name != "updated" && c > n {
			n = c
		}
	}
	return n
}

// dead tells whether the record is a tombstone under the merge rules:
// erased; or deleted, with every write to it known to some deleter; or,
// for deletes from logs older than Change.Knew, no field newer than what
// the deleter had seen. A record heard of only through edits (its
// creation has not arrived) is not shown either: its other fields are
// unknown, and an edit of it here would log defaults for them.
func (e *envelope) dead() bool {
	switch {
	case e.Erased != 0:
		return true
	case e.DelKnew != nil && e.allKnown():
		return true
	case e.DeletedSeen != 0 && e.newestClock() <= e.DeletedSeen:
		return true
	}
	return len(e.Fields["created"]) == 0
}

// maxWrites bounds the writes envelope.Unknown remembers per device and
// record: the newest 256 (by sequence number) of each device's writes.
// Every replica keeps the same ones, whatever the order the writes arrive
// in, so the bound does not make replicas disagree. Its one consequence:
// an older write of a device that a deleter did not know, while it knew
// all of that device's 256 newer writes to the record, can no longer bring
// the record back. A replica merges each device's log in order, so a
// deleter that knew a device's later writes knew its earlier ones too;
// the case needs a gap in what it had merged (a change still in transit
// or not applicable) under 256 later writes of the record — negligible.
const maxWrites = 256

// wrote notes a write (device, seq) to the record, known to a deleter or
// not (allKnown decides); it reports whether the noted writes changed.
// A device's writes are kept sorted; they mostly arrive in increasing
// order, which appends.
func (e *envelope) wrote(dev data.ID, seq uint64) bool {
	if seq == 0 {
		return false
	}
	l := e.Unknown[dev]
	if n := len(l); n == 0 || seq > l[n-1] {
		l = append(l, seq)
	} else {
		l = sortedWrites(l)
		i, found := slices.BinarySearch(l, seq)
		if found {
			return false
		}
		l = slices.Insert(slices.Clip(l), i, seq) // a copy: e's list stays as it was
	}
	if len(l) > maxWrites {
		l = sortedWrites(l)
		if len(l) > maxWrites {
			l = l[len(l)-maxWrites:]
			if l[0] > seq {
				return false // older than every write kept: not noted
			}
			l = slices.Clone(l)
		}
	}
	if e.Unknown == nil {
		e.Unknown = map[data.ID][]uint64{}
	}
	e.Unknown[dev] = l
	return true
}

// sortedWrites returns l sorted without duplicates: l itself when it is
// (lists noted before they were kept sorted may not be), else a copy.
func sortedWrites(l []uint64) []uint64 {
	for i := 1; i < len(l); i++ {
		if l[i] <= l[i-1] {
			l = slices.Clone(l)
			slices.Sort(l)
			return slices.Compact(l)
		}
	}
	return l
}

// allKnown tells whether every noted write to the record was known to
// some deleter of it.
func (e *envelope) allKnown() bool {
	for dev, seqs := range e.Unknown {
		knew := e.DelKnew[dev]
		for _, s := range seqs {
			if !knew.Has(s) {
				return false
			}
		}
	}
	return true
}

// deletedKnowing applies a delete whose writer knew the changes in knew:
// the writes among them no longer keep the record alive. (The writes stay
// noted: which ones are kept under maxWrites must not depend on when a
// delete arrived.)
func (e *envelope) deletedKnowing(knew map[data.ID]*data.SeqSet) {
	e.DelKnew = addKnowledge(e.DelKnew, knew)
}

// MergeResult counts what a Merge did.
type MergeResult struct {
	Applied    int // changes that changed at least one field or a record's life
	Unchanged  int // already known (duplicates, or values that lost)
	Ignored    int // private or this device's own changes
	Created    int // records new to this replica
	Deleted    int // records that became tombstones
	Restored   int // tombstones an edit brought back
	Erased     int
	Conflicts  []data.Conflict // found in this merge
	Problems   []error         // changes that could not be applied, each naming its record
	ClockAfter hlc.Timestamp
}

// mergeBatch bounds a merge transaction (Badger limits a transaction's
// size; smaller batches also keep memory flat for 100k changes).
const mergeBatch = 400

// Merge applies other devices' changes (see the rules above). It is
// idempotent: merging the same changes again changes nothing. progress, if
// set, is called after each batch with the number of changes done.
func (s *Store) Merge(ctx context.Context, changes []data.Change, progress func(done int)) (MergeResult, error) {
	var res MergeResult
	s.wmu.Lock()
	defer s.wmu.Unlock()
	marks := map[data.ID]*mergedMark{}
	size := mergeBatch
	for start := 0; start < len(changes); {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		end := min(start+size, len(changes))
		w := s.newWrite()
		batch := MergeResult{}
		touched := map[data.ID]*mergedMark{}
		var err error
		for i := range changes[start:end] {
			c := &changes[start+i]
			var m *mergedMark
			if m, err = w.mark(marks, c.Device); err != nil {
				break
			}
			if m != nil && m.Has(c.Seq) {
				batch.Unchanged++
				continue
			}
			problems := len(batch.Problems)
			if err = w.merge(c, &batch); err != nil {
				if errors.Is(err, badger.ErrTxnTooBig) {
					// Records with many search terms and merge state:
					// the batch is more than one transaction holds. Do
					// it again with what fitted (room left for the
					// bookkeeping), or alone.
					size = max(1, i*3/4)
				}
				break
			}
			if m != nil && len(batch.Problems) == problems {
				// A change that only raised a problem (from a newer
				// Fieldbook, say) stays unmerged: it is tried again,
				// and reported again, at the next merge.
				m.Add(c.Seq)
				touched[c.Device] = m
			}
		}
		if err != nil {
			w.discard()
			for dev := range touched {
				delete(marks, dev) // reread: the batch did not land
			}
			if errors.Is(err, badger.ErrTxnTooBig) && size < end-start {
				continue
			}
			return res, err
		}
		for dev, m := range touched {
			if err = w.setJSON(metaKey("merged/"+string(dev)), m); err != nil {
				break
			}
		}
		if errors.Is(err, badger.ErrTxnTooBig) && end-start > 1 {
			// The records fitted, the bookkeeping did not: half as many.
			w.discard()
			for dev := range touched {
				delete(marks, dev)
			}
			size = max(1, (end-start)/2)
			continue
		}
		if err != nil {
			w.discard()
			return res, err
		}
		w.observed = true
		if err := w.commit(); err != nil {
			for dev := range touched {
				delete(marks, dev) // reread: the batch did not land
			}
			return res, err
		}
		res.add(batch)
		if progress != nil {
			progress(end)
		}
		start = end
	}
	res.ClockAfter = s.clock.Last()
	return res, nil
}

// mergedMark is which of a device's changes this replica has merged.
// Merging a change twice must not find its losing value again as a
// conflict the user already resolved, so duplicates are recognised before
// the merge.
type mergedMark = data.SeqSet

// mark loads (once per Merge) the merged mark of a device; nil for
// changes that name no device (they are ignored by merge anyway).
func (w *write) mark(marks map[data.ID]*mergedMark, dev data.ID) (*mergedMark, error) {
	if dev == "" || dev == w.s.device {
		return nil, nil
	}
	if m, ok := marks[dev]; ok {
		return m, nil
	}
	m := &mergedMark{}
	b, err := getMeta(w.txn, "merged/"+string(dev))
	if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return nil, err
	}
	if b != nil {
		if err := json.Unmarshal(b, m); err != nil {
			return nil, fmt.Errorf("the merge record of device %s is damaged: %w", dev, err)
		}
	}
	marks[dev] = m
	return m, nil
}

// Merged reports, per device, up to which sequence number (without gaps)
// this replica has merged its changes.
func (s *Store) Merged(ctx context.Context) (map[data.ID]uint64, error) {
	sets, err := s.MergedSets(ctx)
	out := make(map[data.ID]uint64, len(sets))
	for dev, m := range sets {
		out[dev] = m.Upto
	}
	return out, err
}

// readMarks reads every device's merged mark (mergedMark) in txn.
func readMarks(txn *badger.Txn) (map[data.ID]*data.SeqSet, error) {
	out := map[data.ID]*data.SeqSet{}
	prefix := metaKey("merged/")
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		m := &data.SeqSet{}
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, m) }); err != nil {
			return nil, fmt.Errorf("the merge record %s is damaged: %w", it.Item().Key()[len(prefix):], err)
		}
		out[data.ID(it.Item().Key()[len(prefix):])] = m
	}
	return out, nil
}

func (r *MergeResult) add(b MergeResult) {
	r.Applied += b.Applied
	r.Unchanged += b.Unchanged
	r.Ignored += b.Ignored
	r.Created += b.Created
	r.Deleted += b.Deleted
	r.Restored += b.Restored
	r.Erased += b.Erased
	r.Conflicts = append(r.Conflicts, b.Conflicts...)
	r.Problems = append(r.Problems, b.Problems...)
}

// wins tells whether a write (h, d) beats the current one (H, D).
func wins(h hlc.Timestamp, d data.ID, H hlc.Timestamp, D data.ID) bool {
	if h != H {
		return h > H
	}
	return d > D
}

func (w *write) merge(c *data.Change, res *MergeResult) error {
	if c.Private || c.Device == w.s.device || c.Device == "" {
		res.Ignored++
		return nil
	}
	raw, err := c.Record.Bytes()
	if err != nil {
		res.Problems = append(res.Problems, fmt.Errorf("change %s/%d: %w", c.Device, c.Seq, err))
		return nil
	}
	// The device becomes part of keys (a conflict's): one that is not an
	// ID comes from a damaged or forged segment. So does a change without
	// a clock or a number: every change logged has both, and a clock of 0
	// would mark a deleted record as live.
	if _, err := c.Device.Bytes(); err != nil {
		res.Problems = append(res.Problems, fmt.Errorf("change %q/%d: the device: %w", c.Device, c.Seq, err))
		return nil
	}
	if c.HLC == 0 || c.Seq == 0 {
		res.Problems = append(res.Problems, fmt.Errorf("change %s/%d to %s: no clock or change number; skipped", c.Device, c.Seq, c.Record))
		return nil
	}
	if _, ok := kindByte[c.Kind]; !ok {
		res.Problems = append(res.Problems, fmt.Errorf("change %s/%d: record %s has an unknown kind %q", c.Device, c.Seq, c.Record, c.Kind))
		return nil
	}
	w.clock.Observe(c.HLC)
	env, err := readEnvelope(w.txn, raw)
	isNew := errors.Is(err, badger.ErrKeyNotFound)
	if err != nil && !isNew {
		return err
	}
	if isNew {
		env, err = &envelope{Kind: c.Kind, Fields: data.Fields{}, Clocks: map[string]hlc.Timestamp{}}, nil
	}
	if env.Erased != 0 {
		res.Unchanged++
		return nil
	}
	if env.Kind != c.Kind {
		res.Problems = append(res.Problems, fmt.Errorf("change %s/%d: %s is %s here, not %s; skipped", c.Device, c.Seq, c.Record, env.Kind.WithArticle(), c.Kind.WithArticle()))
		return nil
	}
	if c.Op == data.OpErase {
		return w.mergeErase(c, env, isNew, res)
	}
	wasLive := !isNew && env.Deleted == 0
	hadCreated := len(env.Fields["created"]) > 0
	var oldRec data.Record
	if wasLive {
		if oldRec, err = env.record(); err != nil {
			return fmt.Errorf("record %s is damaged: %w", c.Record, err)
		}
	}
	if env.Clocks == nil {
		env.Clocks = map[string]hlc.Timestamp{}
	}
	changed := false
	var conflicts []data.Conflict
	switch c.Op {
	case data.OpDelete:
		if c.Knew != nil {
			before, _ := json.Marshal(env.DelKnew)
			env.deletedKnowing(c.Knew)
			after, _ := json.Marshal(env.DelKnew)
			changed = !bytes.Equal(before, after)
			break
		}
		// A change log from before deletes recorded what they knew.
		seen := c.Seen
		if seen == 0 {
			seen = c.HLC
		}
		if seen > env.DeletedSeen {
			env.DeletedSeen = seen
			changed = true
		}
	case data.OpPut:
		changed = env.wrote(c.Device, c.Seq)
		for i := range c.Fields {
			fc := &c.Fields[i]
			if fc.Name == "updated" || fc.Name == "id" {
				continue
			}
			if data.IsSetField(c.Kind, fc.Name) {
				if env.mergeSet(c, fc, w.s.device) {
					changed = true
				}
				continue
			}
			cur, H, D := env.Fields[fc.Name], env.Clocks[fc.Name], env.writer(fc.Name, w.s.device)
			if h := c.HLC; h == H && c.Device == D {
				continue // this very write, again
			}
			same := jsonEqual(cur, fc.Value)
			if wins(c.HLC, c.Device, H, D) {
				if H != 0 && fc.Seen != H && !same {
					conflicts = append(conflicts, data.Conflict{Record: c.Record, Kind: c.Kind, Field: fc.Name,
						Current: data.ConflictValue{Value: fc.Value, HLC: c.HLC, Device: c.Device},
						Other:   data.ConflictValue{Value: cur, HLC: H, Device: D}})
				}
				env.setField(fc.Name, fc.Value)
				env.Clocks[fc.Name] = c.HLC
				env.setWriter(fc.Name, c.Device, w.s.device)
				env.noteSeen(fc.Name, fc.Seen)
				changed = true
			} else if env.Seen[fc.Name] != c.HLC && fc.Seen != H && !same {
				conflicts = append(conflicts, data.Conflict{Record: c.Record, Kind: c.Kind, Field: fc.Name,
					Current: data.ConflictValue{Value: cur, HLC: H, Device: D},
					Other:   data.ConflictValue{Value: fc.Value, HLC: c.HLC, Device: c.Device}})
			}
		}
	default:
		res.Problems = append(res.Problems, fmt.Errorf("change %s/%d: unknown operation %q on %s", c.Device, c.Seq, c.Op, c.Record))
		return nil
	}
	for i := range conflicts {
		conflicts[i].Detected = w.clock.Last()
		if err := w.putConflict(conflicts[i]); err != nil {
			return err
		}
	}
	res.Conflicts = append(res.Conflicts, conflicts...)
	if !changed {
		res.Unchanged++
		return nil
	}
	nowLive := !env.dead()
	var newRec data.Record
	if nowLive {
		if c.HLC.Time().After(env.updated()) {
			env.Fields["updated"], _ = json.Marshal(c.HLC.Time())
		}
		if _, ok := env.Fields["id"]; !ok {
			env.Fields["id"], _ = json.Marshal(c.Record)
		}
		if newRec, err = env.record(); err != nil {
			res.Problems = append(res.Problems, fmt.Errorf("change %s/%d to %s %s: %w; skipped", c.Device, c.Seq, c.Kind, c.Record, err))
			return nil
		}
		env.Deleted = 0
	} else if env.Deleted == 0 {
		env.Deleted = c.HLC
	}
	switch {
	case wasLive && nowLive:
		err = w.reindex(oldRec, newRec, raw)
	case wasLive && !nowLive:
		res.Deleted++
		w.counts[c.Kind]--
		err = w.unindex(oldRec, raw)
	case !wasLive && nowLive:
		if isNew || !hadCreated {
			res.Created++
		} else {
			res.Restored++
		}
		w.counts[c.Kind]++
		if err = w.txn.Set(kindKey(c.Kind, raw), nil); err == nil {
			err = w.reindex(nil, newRec, raw)
		}
	}
	if err != nil {
		return err
	}
	res.Applied++
	return w.setJSON(recordKey(raw), env)
}

// mergeSet merges a set field's change; it reports whether the value or
// its merge state changed. self is this device: the writer of a list
// written here, which a remote write of the very same clock is compared
// with by device ID like any other (the property test found two replicas
// ordering a list differently when "" stood for self there).
func (e *envelope) mergeSet(c *data.Change, fc *data.FieldChange, self data.ID) bool {
	H, D := e.Clocks[fc.Name], e.writer(fc.Name, self)
	st := e.setOf(fc.Name, e.Fields[fc.Name], H)
	before, _ := json.Marshal(st)
	add, del := fc.Add, fc.Del
	if !c.SetDeltas && add == nil && del == nil {
		// A change logged before sets carried their elements: a new
		// record's list is all adds; an edit of the list this replica
		// has is that list's delta; otherwise only its elements are known
		// (kept, as an add would be).
		var list []string
		_ = json.Unmarshal(fc.Value, &list)
		switch {
		case fc.Seen == 0:
			add = list
		case fc.Seen == H:
			b, _ := json.Marshal(st.Base)
			add, del = data.SetDelta(b, fc.Value)
		default:
			add = list
		}
	}
	st.apply(add, del, c.Device, c.Seq, c.HLC, fc.Seen, c.Knew)
	if wins(c.HLC, c.Device, H, D) {
		st.Base = nil
		_ = json.Unmarshal(fc.Value, &st.Base)
		e.Clocks[fc.Name] = c.HLC
		e.setWriter(fc.Name, c.Device, "")
		e.noteSeen(fc.Name, fc.Seen)
	}
	e.setField(fc.Name, st.value())
	after, _ := json.Marshal(st)
	return !bytes.Equal(before, after)
}

func (e *envelope) setField(name string, v json.RawMessage) {
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		delete(e.Fields, name)
		return
	}
	e.Fields[name] = v
}

// writer is the device that wrote a field's current value; self for one
// written here ("" when the caller only compares remote writers).
func (e *envelope) writer(name string, self data.ID) data.ID {
	if d, ok := e.Writers[name]; ok {
		return d
	}
	return self
}

func (e *envelope) setWriter(name string, d, self data.ID) {
	if d == self && self != "" {
		delete(e.Writers, name)
		return
	}
	if e.Writers == nil {
		e.Writers = map[string]data.ID{}
	}
	e.Writers[name] = d
}

// jsonEqual compares two JSON values, treating absent and null as equal.
func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// mergeErase applies another device's erase: the record's content goes,
// as does what this device's own change log said about it, any conflict
// holding its values, and an attachment's blob no other attachment uses.
// It is not logged again here.
func (w *write) mergeErase(c *data.Change, env *envelope, isNew bool, res *MergeResult) error {
	raw, _ := c.Record.Bytes()
	if !isNew {
		sha, err := w.eraseRecordAt(c.Record, c.HLC, false)
		if err != nil {
			return fmt.Errorf("erase %s: %w", c.Record, err)
		}
		erasing := map[data.ID]bool{c.Record: true}
		if sha != "" {
			// An erased attachment's content goes too, unless another
			// attachment still uses it (as in Erase).
			_, users, err := w.attachmentsOf(c.Record)
			if err != nil {
				return err
			}
			if err := w.dropBlobs([]string{sha}, users, erasing); err != nil {
				return err
			}
		}
		if err := w.scrubLog(erasing); err != nil {
			return err
		}
	} else {
		idJSON, _ := json.Marshal(c.Record)
		tomb := erasedEnvelope{Kind: c.Kind, Fields: data.Fields{"id": idJSON}, Clocks: map[string]hlc.Timestamp{},
			Deleted: c.HLC, Erased: c.HLC}
		if err := w.setJSON(recordKey(raw), tomb); err != nil {
			return err
		}
	}
	if err := w.dropConflicts(raw); err != nil {
		return err
	}
	res.Erased++
	res.Applied++
	return nil
}

// conflictKey is where a conflict is kept: the record, the field, and the
// losing value's clock and writer (so the same loss found twice is one
// conflict).
func conflictKey(c data.Conflict) ([]byte, error) {
	raw, err := c.Record.Bytes()
	if err != nil {
		return nil, err
	}
	dev, err := c.Other.Device.Bytes()
	if err != nil {
		return nil, err
	}
	k := append([]byte{pConfl}, raw[:]...)
	k = append(k, c.Field...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(c.Other.HLC))
	return append(k, dev[:]...), nil
}

func (w *write) putConflict(c data.Conflict) error {
	k, err := conflictKey(c)
	if err != nil {
		return err
	}
	if _, err := w.txn.Get(k); err == nil {
		return nil // known already: keep when it was first seen
	}
	return w.setJSON(k, c)
}

func (w *write) dropConflicts(raw [16]byte) error {
	prefix := append([]byte{pConfl}, raw[:]...)
	var keys [][]byte
	it := w.txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := w.txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Conflicts lists the open conflicts, oldest record first.
func (s *Store) Conflicts(ctx context.Context) ([]data.Conflict, error) {
	var out []data.Conflict
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pConfl}, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var c data.Conflict
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return fmt.Errorf("conflict %x is damaged: %w", it.Item().Key(), err)
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// Conflict finds an open conflict by its Key.
func (s *Store) Conflict(ctx context.Context, key string) (data.Conflict, error) {
	all, err := s.Conflicts(ctx)
	if err != nil {
		return data.Conflict{}, err
	}
	for _, c := range all {
		if c.Key() == key {
			return c, nil
		}
	}
	return data.Conflict{}, data.Errorf(data.ErrNotFound, "no open conflict %s (conflicts list shows them)", key)
}

// ResolveConflict closes a conflict. With value nil the record's current
// value stays; otherwise value (the other side's, or one the user wrote)
// becomes the field's value as an ordinary edit on this device, which
// syncs to the others like any edit and, having seen the current value,
// raises no new conflict there.
func (s *Store) ResolveConflict(ctx context.Context, key string, value json.RawMessage) error {
	c, err := s.Conflict(ctx, key)
	if err != nil {
		return err
	}
	if value != nil {
		cur, err := s.Get(ctx, c.Record)
		if err != nil {
			return fmt.Errorf("resolve %s: %w", key, err)
		}
		fields, err := data.FieldsOf(cur)
		if err != nil {
			return err
		}
		fields.Apply(data.Fields{c.Field: value})
		rec, err := fields.Decode(c.Kind)
		if err != nil {
			return data.Errorf(data.ErrInvalid, "resolve %s: %q is not a value for %s: %v", key, value, c.Field, err)
		}
		if _, err := s.UpdateFrom(ctx, cur, rec); err != nil {
			return fmt.Errorf("resolve %s: %w", key, err)
		}
	}
	k, err := conflictKey(c)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.db.Update(func(txn *badger.Txn) error { return txn.Delete(k) })
}

// knowledge is every change this replica has: its own change log up to
// now and, per other device, what it has merged.
func (w *write) knowledge() (map[data.ID]*data.SeqSet, error) {
	out, err := readMarks(w.txn)
	if err != nil {
		return nil, err
	}
	out[w.s.device] = &data.SeqSet{Upto: w.seq}
	return out, nil
}
