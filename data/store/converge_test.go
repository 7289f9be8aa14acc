package store

// The convergence property test of sync (merge.go): several replicas (real
// Stores) edit, delete and merge random subsets of each other's change logs
// in random order, with duplicates and delays; at the end every replica
// merges everything, and the test checks the promises of DESIGN.md "Sync":
// identical state, nothing typed silently lost, add-wins sets, edit beats
// delete, private records stay home.
//
// Run (100 cases, rapid's default):
//
//	go test -run TestConverge ./data/store
//
// Soak (rapid's own flags go after the package; no -args needed, since go
// test passes flags it does not know to the test binary):
//
//	go test -run TestConverge ./data/store -rapid.checks=5000 -timeout=60m
//
// A failure is shrunk and saved under testdata/rapid/TestConverge/; rapid
// replays every file there first on each run, so a saved failure is a
// regression test until the merge is fixed. Replay one alone with
// -rapid.failfile=PATH; -rapid.v prints the operations of every case.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"pgregory.net/rapid"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
)

// chKey names one change-log entry.
type chKey struct {
	dev data.ID
	seq uint64
}

type cvReplica struct {
	i     int
	s     *Store
	dev   data.ID
	off   time.Duration // wall clock offset from the simulated time
	last  uint64        // own log read up to here
	known map[chKey]bool
}

// setEdit is what a write did to a set field, as the test computed it from
// the list before and after (not taken from the log).
type setEdit struct{ add, del []string }

type cvWorld struct {
	t    *rapid.T
	sim  time.Time
	reps []*cvReplica
	// mission and orgs are made up front on replica 0 and delivered to
	// all, so meetings have a mission and orgs to list.
	mission data.ID
	orgs    []data.ID
	recs    []data.ID // contacts and meetings, in creation order
	kinds   map[data.ID]data.Kind
	names   map[data.ID]string // short names for the log: c1, m2…
	private map[data.ID]int    // private record → the replica that made it

	changes map[chKey]data.Change
	order   []chKey
	// knowAt is what the writer of a change had made or merged before
	// making it: "had seen" in the sense of the properties, from the
	// test's own bookkeeping rather than from the clocks the merge uses.
	knowAt map[chKey]map[chKey]bool
	sets   map[chKey]map[string]setEdit
	// resolved are the values (record, field, clock, device) a user
	// dismissed with ResolveConflict: not lost, decided.
	resolved map[valueID]bool
}

type valueID struct {
	rec   data.ID
	field string
	hlc   hlc.Timestamp
	dev   data.ID
}

var (
	cvGiven    = []string{"Ғулом", "Oʻlmas", "Gʻayrat", "Jüri", "Mari", "Šarūnas", "Žaneta", "Ўктам", "Ҳилола", "Tõnu", "Äli"}
	cvFamily   = []string{"Қодиров", "Qodirov", "Tamm", "Mägi", "Kõiv", "Šimkus", "Žukauskas", "Järvinen", "Ўринов", "Ғаниев"}
	cvTitles   = []string{"", "Engineer", "Head of plant", "Bosh muhandis", "Директор", "Tegevjuht", "Vadovas", "Müügijuht"}
	cvNotes    = []string{"", "met in Tashkent", "Oʻzbekiston — Gʻalla", "Tõnu helistab tagasi", "Қарши филиали", "Ütles, et võtab ühendust", "Šiaulių žalias vanduo", "Ҳокимият билан учрашув", "pääsukesed öösel"}
	cvMeetings = []string{"Water metering pilot", "Gʻijduvon keramika", "Qoʻqon tekstil", "Тошкент сув", "Jõhvi soojus", "Žalgiris tour", "Ўрта Осиё форуми"}
	cvPlaces   = []string{"", "Тошкент", "Samarqand", "Tartu", "Šiauliai", "Oʻsh", "Қарши"}
	cvTags     = []string{"steel", "ports", "water", "ööbik", "ҳудуд", "šiluma", "žalias", "Oʻqituvchi", "Ғалла", "väga-hea"}
	cvDuration = []int{0, 30, 45, 60, 90}
	// cvWords are searched for on every replica at the end.
	cvWords = []string{"Қодиров", "tashkent", "ööbik", "Oʻzbekiston", "Šimkus", "water", "Тошкент"}
)

var cvScalar = map[data.Kind][]string{
	data.KindContact: {"given_name", "title", "notes"},
	data.KindMeeting: {"title", "notes", "location", "duration_min"},
}

var cvSets = map[data.Kind][]string{
	data.KindContact: {"tags"},
	data.KindMeeting: {"tags", "attendees", "delegates", "orgs"},
}

func TestConverge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld(t)
		t.Repeat(map[string]func(*rapid.T){
			"create":     w.create,
			"edit":       w.edit,
			"concurrent": w.concurrent,
			"delete":     w.delete,
			"resolve":    w.resolve,
			"deliver":    w.deliver,
		})
		// Everyone merges everyone's whole log, in random order, twice:
		// nothing more may then be missing anywhere.
		for range 2 {
			w.exchangeAll(false)
		}
		w.check("after the full exchange")
		// Merging all of it once more must change nothing at all.
		w.exchangeAll(true)
		w.check("after merging everything again")
	})
}

func newWorld(t *rapid.T) *cvWorld {
	w := &cvWorld{t: t, sim: time.Date(2026, 5, 18, 8, 0, 0, 0, time.UTC),
		kinds: map[data.ID]data.Kind{}, names: map[data.ID]string{}, private: map[data.ID]int{},
		changes: map[chKey]data.Change{}, knowAt: map[chKey]map[chKey]bool{}, sets: map[chKey]map[string]setEdit{},
		resolved: map[valueID]bool{}}
	n := rapid.IntRange(3, 5).Draw(t, "replicas")
	// The merge tells "the value a writer had seen" by its clock alone, so
	// clocks must not repeat across replicas. The simulated time moves in
	// steps of 100 ms before every write and replica i runs 7·i ms ahead,
	// so walls never meet; then no clock runs on its logical counter
	// behind another's, except on a skewed replica. One replica may run
	// whole seconds behind (it then stamps remote wall + n, n ≥ 1, which
	// nobody else does) or ahead (the others then stamp its wall + n, and
	// two of them can pick the same n: see skewAheadMayCollide).
	skewed := rapid.IntRange(-1, n-1).Draw(t, "skewed replica (-1: none)")
	var skew time.Duration
	if skewed >= 0 {
		skew = time.Duration(rapid.SampledFrom([]int{-90, -7, -2, 2, 7, 90}).Draw(t, "skew seconds")) * time.Second
	}
	for i := range n {
		off := time.Duration(7*i) * time.Millisecond
		if i == skewed {
			off += skew
		}
		dir, err := os.MkdirTemp("", "fieldbook-converge-")
		if err != nil {
			t.Fatal(err)
		}
		r := &cvReplica{i: i, off: off, known: map[chKey]bool{}}
		s, err := Open(ctx, dir, Options{InMemory: true, Now: func() time.Time { return w.sim.Add(r.off) }})
		if err != nil {
			os.RemoveAll(dir)
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Close()
			os.RemoveAll(dir)
		})
		r.s, r.dev = s, s.Device()
		w.reps = append(w.reps, r)
	}
	t.Logf("%d replicas, replica %d skewed by %v", n, skewed, skew)

	r0 := w.reps[0]
	for _, name := range []string{"Jyväskylän Hydrauliikka Oy", "ТОШКЕНТ СУВ"} {
		o := &data.Organization{Name: name, OrgKind: data.OrgMember, Country: "UZ"}
		w.local(r0, func() error { return r0.s.Create(ctx, o) }, nil, nil)
		w.orgs = append(w.orgs, o.ID)
	}
	m := &data.Mission{Name: "Cleantech Oʻzbekiston", Country: "UZ", Start: "2026-05-18", End: "2026-05-22", TimeZone: "Asia/Tashkent"}
	w.local(r0, func() error { return r0.s.Create(ctx, m) }, nil, nil)
	w.mission = m.ID
	all, err := r0.s.Changes(ctx, r0.dev, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range w.reps[1:] {
		w.merge(r, all)
	}
	return w
}

// tick moves the simulated time on before a write (see newWorld).
func (w *cvWorld) tick() {
	w.sim = w.sim.Add(time.Duration(rapid.IntRange(1, 30).Draw(w.t, "tick")) * 100 * time.Millisecond)
}

func (w *cvWorld) name(id data.ID) string {
	if n, ok := w.names[id]; ok {
		return n
	}
	return string(id)
}

// local runs one write on r and books the changes it logged: each with what
// r knew before it, and, for set fields, what the test computed the write
// did (before and after: the record's fields around the write, nil for
// none).
func (w *cvWorld) local(r *cvReplica, write func() error, before data.Fields, id *data.ID) {
	w.t.Helper()
	w.tick()
	if err := write(); errors.Is(err, data.ErrInvalid) {
		// A record first heard of through an edit (its creation has not
		// arrived yet) lacks the fields the edit did not touch, and an
		// edit of it fails validation until the rest arrives.
		w.t.Logf("replica %d cannot save: %v", r.i, err)
	} else if err != nil {
		w.t.Fatalf("replica %d: %v", r.i, err)
	}
	var after data.Fields
	if id != nil {
		if rec, err := r.s.Get(ctx, *id); err == nil {
			after, _ = data.FieldsOf(rec)
		}
	}
	news, err := r.s.Changes(ctx, r.dev, r.last+1, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range news {
		k := chKey{c.Device, c.Seq}
		w.changes[k] = c
		w.order = append(w.order, k)
		w.knowAt[k] = maps.Clone(r.known)
		r.known[k] = true
		r.last = c.Seq
		if c.Op != data.OpPut || id == nil {
			continue
		}
		for _, fc := range c.Fields {
			if !data.IsSetField(c.Kind, fc.Name) {
				continue
			}
			add, del := data.SetDelta(before[fc.Name], after[fc.Name])
			if !sameElems(add, fc.Add) || !sameElems(del, fc.Del) {
				w.t.Fatalf("replica %d logged %s %s add %v del %v; the write added %v and removed %v",
					r.i, w.name(c.Record), fc.Name, fc.Add, fc.Del, add, del)
			}
			if w.sets[k] == nil {
				w.sets[k] = map[string]setEdit{}
			}
			w.sets[k][fc.Name] = setEdit{add, del}
		}
	}
}

func (w *cvWorld) merge(r *cvReplica, changes []data.Change) MergeResult {
	w.t.Helper()
	res, err := r.s.Merge(ctx, changes, nil)
	if err != nil {
		w.t.Fatalf("merge into replica %d: %v", r.i, err)
	}
	if len(res.Problems) > 0 {
		w.t.Fatalf("merge into replica %d: %v", r.i, res.Problems)
	}
	for _, c := range changes {
		if !c.Private && c.Device != r.dev {
			r.known[chKey{c.Device, c.Seq}] = true
		}
	}
	return res
}

func (w *cvWorld) replica(label string) *cvReplica {
	return w.reps[rapid.IntRange(0, len(w.reps)-1).Draw(w.t, label)]
}

// live lists the contacts and meetings live on r (of kind k if set).
func (w *cvWorld) live(r *cvReplica, k data.Kind) []data.ID {
	var out []data.ID
	for _, id := range w.recs {
		if k != "" && w.kinds[id] != k {
			continue
		}
		if _, err := r.s.Get(ctx, id); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func (w *cvWorld) create(t *rapid.T) {
	r := w.replica("replica")
	kind := rapid.SampledFrom([]data.Kind{data.KindContact, data.KindMeeting}).Draw(t, "kind")
	conf := rapid.SampledFrom([]data.Confidentiality{data.Shared, data.Shared, data.Office, data.Private}).Draw(t, "confidentiality")
	var rec data.Record
	switch kind {
	case data.KindContact:
		rec = &data.Contact{Base: data.Base{Confidentiality: conf},
			GivenName:  rapid.SampledFrom(cvGiven).Draw(t, "given_name"),
			FamilyName: rapid.SampledFrom(cvFamily).Draw(t, "family_name"),
			Title:      rapid.SampledFrom(cvTitles).Draw(t, "title"),
			Notes:      rapid.SampledFrom(cvNotes).Draw(t, "notes"),
			Tags:       w.newList(nil, cvTags, "tags")}
	case data.KindMeeting:
		contacts := idStrings(w.live(r, data.KindContact))
		rec = &data.Meeting{Base: data.Base{Confidentiality: conf}, Mission: w.mission, MeetingKind: data.MeetingB2B,
			Title:     rapid.SampledFrom(cvMeetings).Draw(t, "title"),
			Start:     w.sim.Truncate(time.Hour),
			TimeZone:  "Asia/Tashkent",
			Notes:     rapid.SampledFrom(cvNotes).Draw(t, "notes"),
			Location:  rapid.SampledFrom(cvPlaces).Draw(t, "location"),
			Tags:      w.newList(nil, cvTags, "tags"),
			Attendees: toIDs(w.newList(nil, contacts, "attendees")),
			Delegates: toIDs(w.newList(nil, contacts, "delegates")),
			Orgs:      toIDs(w.newList(nil, idStrings(w.orgs), "orgs"))}
	}
	id := data.NewID()
	rec.Meta().ID = id
	w.recs = append(w.recs, id)
	w.kinds[id] = kind
	w.names[id] = fmt.Sprintf("%c%d", kind[0], len(w.recs))
	if conf == data.Private {
		w.private[id] = r.i
	}
	w.local(r, func() error { return r.s.Create(ctx, rec) }, nil, &id)
	t.Logf("replica %d creates %s %s (%s)", r.i, kind, w.name(id), conf)
}

// newList is a set field's new value: some of the old elements kept (in
// their order), and a few from pool added.
func (w *cvWorld) newList(old, pool []string, label string) []string {
	var out []string
	for _, v := range old {
		if rapid.IntRange(0, 2).Draw(w.t, label+" keep") > 0 {
			out = append(out, v)
		}
	}
	for range rapid.IntRange(0, 2).Draw(w.t, label+" adds") {
		if len(pool) == 0 {
			break
		}
		if v := rapid.SampledFrom(pool).Draw(w.t, label+" add"); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// editField sets one field of id on r to a random new value.
func (w *cvWorld) editField(r *cvReplica, id data.ID, field string) {
	t := w.t
	rec, err := r.s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := data.FieldsOf(rec)
	fields := maps.Clone(before)
	var v any
	switch field {
	case "given_name":
		v = rapid.SampledFrom(cvGiven).Draw(t, field)
	case "title":
		if w.kinds[id] == data.KindMeeting {
			v = rapid.SampledFrom(cvMeetings).Draw(t, field)
		} else {
			v = rapid.SampledFrom(cvTitles).Draw(t, field)
		}
	case "notes":
		v = rapid.SampledFrom(cvNotes).Draw(t, field)
	case "location":
		v = rapid.SampledFrom(cvPlaces).Draw(t, field)
	case "duration_min":
		v = rapid.SampledFrom(cvDuration).Draw(t, field)
	default: // set fields
		var old []string
		_ = json.Unmarshal(before[field], &old)
		pool := cvTags
		switch field {
		case "attendees", "delegates":
			pool = idStrings(w.live(r, data.KindContact))
		case "orgs":
			pool = idStrings(w.orgs)
		}
		v = w.newList(old, pool, field)
	}
	fields[field], _ = json.Marshal(v)
	edited, err := fields.Decode(w.kinds[id])
	if err != nil {
		t.Fatal(err)
	}
	w.local(r, func() error { return r.s.Update(ctx, edited) }, before, &id)
	t.Logf("replica %d sets %s %s = %s", r.i, w.name(id), field, w.short(fields[field]))
}

func (w *cvWorld) short(v json.RawMessage) string {
	s := string(v)
	for id, n := range w.names {
		s = strings.ReplaceAll(s, string(id), n)
	}
	return s
}

func (w *cvWorld) pickField(kind data.Kind) string {
	return rapid.SampledFrom(append(slices.Clone(cvScalar[kind]), cvSets[kind]...)).Draw(w.t, "field")
}

func (w *cvWorld) edit(t *rapid.T) {
	r := w.replica("replica")
	ids := w.live(r, "")
	if len(ids) == 0 {
		t.Skip("nothing to edit")
	}
	id := rapid.SampledFrom(ids).Draw(t, "record")
	w.editField(r, id, w.pickField(w.kinds[id]))
}

// concurrent edits one field of a record on several replicas before any of
// them hears of the others.
func (w *cvWorld) concurrent(t *rapid.T) {
	if len(w.recs) == 0 {
		t.Skip("no records")
	}
	id := rapid.SampledFrom(w.recs).Draw(t, "record")
	var on []*cvReplica
	for _, r := range w.reps {
		if _, err := r.s.Get(ctx, id); err == nil {
			on = append(on, r)
		}
	}
	if len(on) < 2 {
		t.Skip("not live on two replicas")
	}
	on = rapid.Permutation(on).Draw(t, "writers")[:rapid.IntRange(2, len(on)).Draw(t, "how many")]
	field := w.pickField(w.kinds[id])
	for _, r := range on {
		w.editField(r, id, field)
	}
}

func (w *cvWorld) delete(t *rapid.T) {
	r := w.replica("replica")
	ids := w.live(r, "")
	if len(ids) == 0 {
		t.Skip("nothing to delete")
	}
	id := rapid.SampledFrom(ids).Draw(t, "record")
	w.local(r, func() error { return r.s.Delete(ctx, id) }, nil, nil)
	t.Logf("replica %d deletes %s", r.i, w.name(id))
}

func (w *cvWorld) resolve(t *rapid.T) {
	r := w.replica("replica")
	cs, err := r.s.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		t.Skip("no conflicts")
	}
	c := rapid.SampledFrom(cs).Draw(t, "conflict")
	var value json.RawMessage
	take := rapid.Bool().Draw(t, "take the other value")
	if take {
		value = c.Other.Value
		if value == nil {
			value = json.RawMessage("null")
		}
	}
	w.tick()
	err = r.s.ResolveConflict(ctx, c.Key(), value)
	if errors.Is(err, data.ErrNotFound) {
		t.Logf("replica %d cannot resolve %s %s: the record is deleted here", r.i, w.name(c.Record), c.Field)
		return // the record is deleted here: the conflict stays open
	}
	if err != nil {
		t.Fatal(err)
	}
	w.resolved[valueID{c.Record, c.Field, c.Other.HLC, c.Other.Device}] = true
	if take {
		w.resolved[valueID{c.Record, c.Field, c.Current.HLC, c.Current.Device}] = true
	}
	id := c.Record
	w.local(r, func() error { return nil }, nil, &id)
	t.Logf("replica %d resolves %s %s keeping %s", r.i, w.name(id), c.Field, map[bool]string{true: "the other value", false: "the current value"}[take])
}

// deliver merges part of one replica's log into another: a random range,
// a random subset of it, some entries twice, in random order.
func (w *cvWorld) deliver(t *rapid.T) {
	src := w.replica("from")
	dst := w.replica("to")
	if src == dst || src.last == 0 {
		t.Skip("nothing to deliver")
	}
	from := rapid.Uint64Range(1, src.last).Draw(t, "from seq")
	to := rapid.Uint64Range(from, src.last).Draw(t, "to seq")
	log, err := src.s.Changes(ctx, src.dev, from, to)
	if err != nil {
		t.Fatal(err)
	}
	var batch []data.Change
	var seqs []uint64
	for _, c := range log {
		for range rapid.IntRange(0, 2).Draw(t, "copies") {
			batch = append(batch, c)
			seqs = append(seqs, c.Seq)
		}
	}
	perm := rapid.Permutation(seqIndexes(len(batch))).Draw(t, "order")
	shuffled := make([]data.Change, len(batch))
	order := make([]uint64, len(batch))
	for i, j := range perm {
		shuffled[i], order[i] = batch[j], seqs[j]
	}
	w.merge(dst, shuffled)
	t.Logf("replica %d merges replica %d's changes %v", dst.i, src.i, order)
}

func seqIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// exchangeAll merges every replica's whole log into every other, in random
// order. With again, everything has been merged before and a merge that
// still applies something is an error (merging must be idempotent).
func (w *cvWorld) exchangeAll(again bool) {
	t := w.t
	for _, dst := range rapid.Permutation(w.reps).Draw(t, "receivers") {
		for _, src := range rapid.Permutation(w.reps).Draw(t, "senders") {
			if src == dst {
				continue
			}
			all, err := src.s.Changes(ctx, src.dev, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if rapid.Bool().Draw(t, "reversed") {
				slices.Reverse(all)
			}
			res := w.merge(dst, all)
			if again && (res.Applied != 0 || len(res.Conflicts) != 0) {
				t.Fatalf("merging replica %d's log into replica %d once more applied %d changes and found %d conflicts",
					src.i, dst.i, res.Applied, len(res.Conflicts))
			}
		}
	}
}

// check verifies the properties on the final state; every replica has
// merged every other's whole log.
func (w *cvWorld) check(when string) {
	t := w.t
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(when+": "+format, args...)
	}
	ids := append(slices.Clone(w.orgs), w.mission)
	ids = append(ids, w.recs...)

	// 1. Identical state. "updated" is left out: each replica stamps it
	// itself from the clock of the newest change it applied (local edits
	// from the wall clock), so it may differ by design.
	state := map[data.ID]data.Fields{} // replica 0's live records, shared ones
	for _, r := range w.reps {
		for _, id := range ids {
			if _, ok := w.private[id]; ok {
				continue
			}
			rec, err := r.s.Get(ctx, id)
			if errors.Is(err, data.ErrNotFound) {
				if _, ok := state[id]; ok {
					fail("%s is live on replica 0 but not on replica %d", w.name(id), r.i)
				}
				continue
			}
			if err != nil {
				fail("replica %d: %v", r.i, err)
			}
			f, err := data.FieldsOf(rec)
			if err != nil {
				t.Fatal(err)
			}
			delete(f, "updated")
			if r.i == 0 {
				state[id] = f
				continue
			}
			want, ok := state[id]
			if !ok {
				fail("%s is live on replica %d but not on replica 0", w.name(id), r.i)
			}
			for _, name := range sortedKeys(f, want) {
				if !jsonEqual(f[name], want[name]) {
					fail("%s %s is %s on replica 0 but %s on replica %d", w.name(id), name, w.short(want[name]), w.short(f[name]), r.i)
				}
			}
		}
	}
	// Counts and lists (the kind index), search and the meetings-by-contact
	// index are kept in step with the records. A replica's own private
	// records are the only difference.
	var stats0 map[data.Kind]int
	var search0 map[string][]data.ID
	for _, r := range w.reps {
		stats := r.s.Stats(ctx)
		for id, owner := range w.private {
			if owner == r.i {
				if _, err := r.s.Get(ctx, id); err == nil {
					stats[w.kinds[id]]--
				}
			}
		}
		for _, k := range []data.Kind{data.KindContact, data.KindMeeting, data.KindOrg, data.KindMission} {
			list, err := r.s.List(ctx, Query{Kind: k})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, rec := range list {
				if _, ok := w.private[rec.Meta().ID]; ok {
					continue
				}
				if _, ok := state[rec.Meta().ID]; !ok {
					fail("replica %d lists %s %s, which is not live", r.i, k, w.name(rec.Meta().ID))
				}
				n++
			}
			if n != stats[k] {
				fail("replica %d counts %d %ss but lists %d", r.i, stats[k], k, n)
			}
		}
		search := map[string][]data.ID{}
		for _, q := range cvWords {
			hits, err := r.s.Search(ctx, q, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if owner, ok := w.private[h.ID]; ok {
					if owner != r.i {
						fail("5. replica %d finds replica %d's private %s", r.i, owner, w.name(h.ID))
					}
					continue
				}
				search[q] = append(search[q], h.ID)
			}
			slices.Sort(search[q])
		}
		for _, c := range w.live(w.reps[0], data.KindContact) {
			if _, ok := w.private[c]; ok {
				continue
			}
			ms, err := r.s.List(ctx, Query{Kind: data.KindMeeting, Contact: c})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				if _, ok := w.private[m.Meta().ID]; !ok {
					got = append(got, w.name(m.Meta().ID))
				}
			}
			slices.Sort(got)
			search["meetings of "+string(c)] = toIDs(got)
		}
		if r.i == 0 {
			stats0, search0 = stats, search
			continue
		}
		if !maps.Equal(stats, stats0) {
			fail("Stats: replica 0 %v, replica %d %v", stats0, r.i, stats)
		}
		for q, want := range search0 {
			if !slices.Equal(search[q], want) {
				fail("search %q: replica 0 finds %v, replica %d %v", q, want, r.i, search[q])
			}
		}
	}

	// 5. Private records never leave the replica that made them: no
	// record, no tombstone, no conflict about them anywhere else.
	for id, owner := range w.private {
		raw, _ := id.Bytes()
		for _, r := range w.reps {
			if r.i == owner {
				continue
			}
			if err := r.s.db.View(func(txn *badger.Txn) error {
				_, err := readEnvelope(txn, raw)
				return err
			}); err == nil {
				fail("5. replica %d's private %s reached replica %d", owner, w.name(id), r.i)
			}
		}
	}
	conflicts := map[valueID]bool{}
	for _, r := range w.reps {
		cs, err := r.s.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if owner, ok := w.private[c.Record]; ok && owner != r.i {
				fail("5. replica %d has a conflict about replica %d's private %s", r.i, owner, w.name(c.Record))
			}
			for _, v := range []data.ConflictValue{c.Current, c.Other} {
				conflicts[valueID{c.Record, c.Field, v.HLC, v.Device}] = true
			}
		}
	}

	// The changes every other property reasons about: the shared ones.
	var puts, deletes []chKey
	for _, k := range w.order {
		c := w.changes[k]
		if c.Private {
			continue
		}
		if c.Op == data.OpDelete {
			deletes = append(deletes, k)
		} else {
			puts = append(puts, k)
		}
	}
	seenBy := func(a chKey, removers []chKey) bool {
		for _, d := range removers {
			if w.knowAt[d][a] {
				return true
			}
		}
		return false
	}

	// 4. Edit beats delete: a record is live at the end exactly when some
	// write to it (its creation included) was unseen by every deleter —
	// "seen" meaning made or merged by the deleter's replica before it
	// deleted.
	deletesOf := map[data.ID][]chKey{}
	for _, d := range deletes {
		deletesOf[w.changes[d].Record] = append(deletesOf[w.changes[d].Record], d)
	}
	unseenPut := map[data.ID]chKey{}
	for _, p := range puts {
		rec := w.changes[p].Record
		if _, ok := unseenPut[rec]; !ok && !seenBy(p, deletesOf[rec]) {
			unseenPut[rec] = p
		}
	}
	for _, id := range ids {
		if _, ok := w.private[id]; ok {
			continue
		}
		p, wantLive := unseenPut[id]
		if _, live := state[id]; live != wantLive {
			if wantLive {
				c := w.changes[p]
				fail("4. %s is deleted everywhere, but no deleter had seen replica %d's change %d at %v (%s)",
					w.name(id), w.repOf(c.Device), c.Seq, c.HLC, w.fieldNames(c))
			}
			fail("4. %s is live, but every write to it was seen by a deleter", w.name(id))
		}
	}

	// 3. Sets are add-wins: an element is present exactly when some add of
	// it was seen by none of the writers who removed it.
	type elem struct {
		rec          data.ID
		field, value string
	}
	adds, dels := map[elem][]chKey{}, map[elem][]chKey{}
	for _, k := range puts {
		c := w.changes[k]
		for field, e := range w.sets[k] {
			for _, v := range e.add {
				adds[elem{c.Record, field, v}] = append(adds[elem{c.Record, field, v}], k)
			}
			for _, v := range e.del {
				dels[elem{c.Record, field, v}] = append(dels[elem{c.Record, field, v}], k)
			}
		}
	}
	for e, as := range adds {
		f, live := state[e.rec]
		if !live {
			continue
		}
		var list []string
		_ = json.Unmarshal(f[e.field], &list)
		var unseen []chKey
		for _, a := range as {
			if !seenBy(a, dels[e]) {
				unseen = append(unseen, a)
			}
		}
		if has := slices.Contains(list, e.value); has != (len(unseen) > 0) {
			if has {
				fail("3. %s %s has %s, but every add of it was seen by a remover", w.name(e.rec), e.field, w.short(json.RawMessage(e.value)))
			}
			a := w.changes[unseen[0]]
			fail("3. %s %s lacks %s, though no remover had seen replica %d's add (change %d at %v); removed by %s",
				w.name(e.rec), e.field, w.short(json.RawMessage(e.value)), w.repOf(a.Device), a.Seq, a.HLC, w.describe(dels[e]))
		}
	}

	// 2. Nothing typed is lost. Every value written to a scalar field is,
	// at the end: the field's value on every replica; or one side of a
	// conflict on some replica; or replaced knowingly (a later write of
	// the field has Seen equal to its clock: its writer had it); or its
	// record is deleted everywhere by a deleter who had seen it; or a
	// value the user dismissed when resolving a conflict. Values are
	// compared by content: when two writers typed the same text, either
	// write accounting for it is enough.
	type fieldID struct {
		rec   data.ID
		field string
	}
	seen := map[valueID]bool{} // Seen clocks, by record and field (dev unset)
	for _, k := range puts {
		c := w.changes[k]
		for _, fc := range c.Fields {
			seen[valueID{c.Record, fc.Name, fc.Seen, ""}] = true
		}
	}
	type written struct {
		k  chKey
		fc data.FieldChange
	}
	byValue := map[fieldID]map[string][]written{}
	for _, k := range puts {
		c := w.changes[k]
		for _, fc := range c.Fields {
			if fc.Name == "updated" || fc.Name == "id" || data.IsSetField(c.Kind, fc.Name) {
				continue
			}
			fid := fieldID{c.Record, fc.Name}
			if byValue[fid] == nil {
				byValue[fid] = map[string][]written{}
			}
			v := canonJSON(fc.Value)
			byValue[fid][v] = append(byValue[fid][v], written{k, fc})
		}
	}
	for fid, values := range byValue {
		for v, ws := range values {
			ok := false
			if f, live := state[fid.rec]; live && canonJSON(f[fid.field]) == v {
				ok = true // 1. made it the same everywhere
			}
			for _, wr := range ws {
				if ok {
					break
				}
				c := w.changes[wr.k]
				vid := valueID{c.Record, fid.field, c.HLC, c.Device}
				_, live := state[fid.rec]
				ok = conflicts[vid] || w.resolved[vid] || seen[valueID{c.Record, fid.field, c.HLC, ""}] ||
					(!live && seenBy(wr.k, deletesOf[fid.rec]))
			}
			if !ok {
				c := w.changes[ws[0].k]
				cur := "deleted"
				if f, live := state[fid.rec]; live {
					cur = w.short(f[fid.field])
				}
				fail("2. %s %s = %s, written by replica %d (change %d at %v), is lost: the field is %s, no conflict keeps it and no later writer had seen it",
					w.name(fid.rec), fid.field, w.short(json.RawMessage(v)), w.repOf(c.Device), c.Seq, c.HLC, cur)
			}
		}
	}
	if n := hlcCollisions(w.changes); n != "" {
		t.Logf("note: %s", n)
	}
}

// hlcCollisions reports a clock issued by two devices, which the merge's
// "seen" cannot tell apart (see newWorld).
func hlcCollisions(changes map[chKey]data.Change) string {
	by := map[hlc.Timestamp]data.ID{}
	for _, c := range changes {
		if d, ok := by[c.HLC]; ok && d != c.Device {
			return fmt.Sprintf("clock %v issued by two devices", c.HLC)
		}
		by[c.HLC] = c.Device
	}
	return ""
}

func (w *cvWorld) repOf(dev data.ID) int {
	for _, r := range w.reps {
		if r.dev == dev {
			return r.i
		}
	}
	return -1
}

func (w *cvWorld) fieldNames(c data.Change) string {
	var names []string
	for _, fc := range c.Fields {
		names = append(names, fc.Name)
	}
	return strings.Join(names, ",")
}

func (w *cvWorld) describe(ks []chKey) string {
	var out []string
	for _, k := range ks {
		c := w.changes[k]
		out = append(out, fmt.Sprintf("replica %d change %d at %v", w.repOf(c.Device), c.Seq, c.HLC))
	}
	return strings.Join(out, "; ")
}

// canonJSON is a value's JSON in one spelling, absent and null alike.
func canonJSON(v json.RawMessage) string {
	if len(v) == 0 {
		return "null"
	}
	var x any
	if json.Unmarshal(v, &x) != nil {
		return string(v)
	}
	b, _ := json.Marshal(x)
	return string(b)
}

func sortedKeys(a, b data.Fields) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func sameElems(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func idStrings(ids []data.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

func toIDs(s []string) []data.ID {
	if len(s) == 0 {
		return nil
	}
	out := make([]data.ID, len(s))
	for i, v := range s {
		out[i] = data.ID(v)
	}
	return out
}
