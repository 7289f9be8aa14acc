package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// SegmentChanges is how many changes at most go into one segment: small
// enough that an interrupted upload costs little and a reader holds one
// segment in memory at a time, large enough that 100k changes are 20
// files rather than thousands.
const SegmentChanges = 5000

// MaxClockAhead is how far ahead of this computer's clock another device's
// change may be before it is held back: a laptop whose clock is set years
// ahead would otherwise win every field it touches until then.
const MaxClockAhead = 24 * time.Hour

// ManyDeletes is how many records one segment may delete or erase before
// the user is asked to confirm (a delegate who emptied their Fieldbook by
// mistake must not empty everyone's).
const ManyDeletes = 25

// Options adjust a Sync.
type Options struct {
	// ConfirmDeletes, when set, is asked before a segment that deletes
	// many live records is applied; without it such segments wait.
	ConfirmDeletes func(device data.ID, segment string, records int) bool
	// AcceptFuture applies changes dated far ahead of this clock.
	AcceptFuture bool
	// Progress, when set, hears how far the sync is.
	Progress func(Progress)
	// Now replaces the wall clock (tests).
	Now func() time.Time
}

// Progress is a sync's position, for a progress bar.
type Progress struct {
	Stage string // "push", "pull", "merge", "blobs"
	Done  int
	Total int
}

// Report says what one Sync did and what it left for later.
type Report struct {
	Location        string          `json:"location"`
	Started         time.Time       `json:"started"`
	Duration        time.Duration   `json:"duration_ns"`
	Pushed          int             `json:"pushed"`             // own changes written
	SegmentsWritten []string        `json:"segments_written"`   // their files
	BlobsWritten    int             `json:"blobs_written"`      // attachments uploaded
	SegmentsRead    int             `json:"segments_read"`      // other devices' files applied
	Received        int             `json:"received"`           // their changes
	BlobsRead       int             `json:"blobs_read"`         // attachments downloaded
	Merge           MergeSummary    `json:"merge"`              // what the changes did here
	Conflicts       []data.Conflict `json:"conflicts"`          // new ones
	Problems        []Problem       `json:"problems"`           // files skipped, held back or waiting
	Devices         []DeviceState   `json:"devices"`            // every device seen in the folder
	Unpushed        int             `json:"unpushed,omitempty"` // own changes not written (failure)
}

// MergeSummary counts what merged changes did to this replica.
type MergeSummary struct {
	Applied   int `json:"applied"`
	Unchanged int `json:"unchanged"`
	Created   int `json:"created"`
	Deleted   int `json:"deleted"`
	Restored  int `json:"restored"`
	Erased    int `json:"erased"`
}

// Problem is a file sync could not use this time, and why.
type Problem struct {
	File string `json:"file"`
	// Kind: "damaged" and "foreign" files are skipped and tried again at
	// the next sync; "incomplete" ones are read again next time;
	// "future" and "deletes" wait for the user to accept them.
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

func (p Problem) String() string { return p.File + ": " + p.Detail }

// DeviceState is what this replica knows of another device's log.
type DeviceState struct {
	Device   data.ID `json:"device"`
	Segments uint64  `json:"segments"` // its segment files here whose changes are all merged
	Merged   uint64  `json:"merged"`   // its changes merged up to this sequence number
}

// state is kept in the store's settings ("sync.state"), per location.
// Nothing in it decides what is written or read — the file names and the
// store's record of merged changes do — so losing it loses nothing.
type state struct {
	Locations map[string]*locState `json:"locations"`
}

type locState struct {
	// PushedTo: this device's changes up to here are at this location
	// (for status).
	PushedTo uint64 `json:"pushed_to"`
	// Read: per other device, its segment files here whose changes are
	// all merged (for status).
	Read map[data.ID]uint64 `json:"read"`
	// Bad: the files the last sync could not use (for status).
	Bad map[string]int64 `json:"bad,omitempty"`
	// Blobs still to fetch (an attachment merged before its file came).
	WantBlobs []string  `json:"want_blobs,omitempty"`
	LastSync  time.Time `json:"last_sync"`
	LastError string    `json:"last_error,omitempty"`
}

const stateSetting = "sync.state"

func loadState(ctx context.Context, s *store.Store) (*state, error) {
	st := &state{}
	if err := s.Setting(ctx, stateSetting, st); err != nil && !errors.Is(err, data.ErrNotFound) {
		return nil, err
	}
	if st.Locations == nil {
		st.Locations = map[string]*locState{}
	}
	return st, nil
}

// Sync writes this device's new changes to the transport, then reads and
// merges every other device's new segments. It is safe to interrupt at any
// point: nothing is lost and the next Sync carries on.
func Sync(ctx context.Context, s *store.Store, t Transport, key Key, opt Options) (*Report, error) {
	if !key.Valid() {
		return nil, data.Errorf(data.ErrInvalid, "no delegation sync key is set (sync key new, or sync key set CODE)")
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	r := &Report{Location: t.String(), Started: now(), Conflicts: []data.Conflict{}, Problems: []Problem{}, SegmentsWritten: []string{}}
	st, err := loadState(ctx, s)
	if err != nil {
		return nil, err
	}
	ls := st.Locations[t.String()]
	if ls == nil {
		ls = &locState{}
		st.Locations[t.String()] = ls
	}
	ls.Read, ls.Bad = map[data.ID]uint64{}, nil
	save := func() error { return s.SetSetting(context.WithoutCancel(ctx), stateSetting, st) }
	progress := func(stage string, done, total int) {
		if opt.Progress != nil {
			opt.Progress(Progress{Stage: stage, Done: done, Total: total})
		}
	}
	e := &engine{s: s, t: t, key: key, opt: opt, now: now, r: r, ls: ls, save: save, progress: progress}
	err = e.push(ctx)
	if err == nil {
		err = e.pull(ctx)
	}
	if err == nil {
		err = e.fetchBlobs(ctx)
	}
	ls.LastSync = now()
	ls.LastError = ""
	if err != nil {
		ls.LastError = err.Error()
	}
	if serr := save(); err == nil {
		err = serr
	}
	r.Duration = now().Sub(r.Started)
	if err != nil {
		return r, fmt.Errorf("sync with %s: %w", t, err)
	}
	return r, nil
}

type engine struct {
	s        *store.Store
	t        Transport
	key      Key
	opt      Options
	now      func() time.Time
	r        *Report
	ls       *locState
	save     func() error
	progress func(stage string, done, total int)
}

// ErrDeviceAhead: the sync location holds more of this device's change
// log than the store has — the store was restored from a backup or copied
// from another computer, and would number new changes with numbers its
// old self already used there.
var ErrDeviceAhead = errors.New("this device's log at the sync location is not this store's")

// push writes the parts of this device's change log that no segment here
// holds (with this key). Which parts are here comes from the file names,
// not from memory: an emptied stick, a new folder, a union of two sticks
// or a changed key all simply get what is missing.
func (e *engine) push(ctx context.Context) error {
	self := e.s.Device()
	entries, err := e.t.List(ctx, "log/"+string(self))
	if err != nil {
		return err
	}
	fp := e.key.fileTag()
	covered := &data.SeqSet{}
	last := e.s.LastSeq()
	for _, en := range entries {
		n, ok := parseSegmentName(en.Name)
		if !ok || en.Dir {
			continue
		}
		// The file's last change must be this store's change of that
		// number: otherwise two histories share this device's numbers.
		var mine []data.Change
		if n.to <= last {
			if mine, err = e.s.Changes(ctx, self, n.to, n.to); err != nil {
				return err
			}
		}
		if len(mine) != 1 || mine[0].HLC != n.last {
			return fmt.Errorf("%w (%s holds a change %d this store does not have) — was it restored from a backup or copied from another computer? "+
				"Sync it once as a new device (fieldbook sync --new-device); nothing is lost: its old changes come back from the sync location", ErrDeviceAhead, en.Name, n.to)
		}
		if n.key == fp {
			addRange(covered, n.from, n.to)
		}
	}
	var runs [][2]uint64
	for seq := uint64(1); seq <= last; {
		if seq <= covered.Upto || covered.Has(seq) {
			seq = max(seq+1, covered.Upto+1)
			continue
		}
		end := seq
		for end < last && !covered.Has(end+1) {
			end++
		}
		runs = append(runs, [2]uint64{seq, end})
		seq = end + 1
	}
	total := 0
	for _, r := range runs {
		total += int(r[1] - r[0] + 1)
	}
	e.r.Unpushed = total
	done := 0
	for _, run := range runs {
		changes, err := e.s.Changes(ctx, self, run[0], run[1])
		if err != nil {
			return err
		}
		for start := 0; start < len(changes); {
			end := min(start+SegmentChanges, len(changes))
			chunk := changes[start:end]
			seg := &Segment{Format: 1, Device: self, From: chunk[0].Seq, To: chunk[len(chunk)-1].Seq, Written: e.now().UTC()}
			for _, c := range chunk {
				if c.Private {
					// Only that there was a change: without its number
					// the readers' record of what they have merged would
					// keep a gap here forever.
					c = data.Change{Device: c.Device, Seq: c.Seq, Private: true}
				}
				seg.Changes = append(seg.Changes, c)
			}
			if err := e.pushBlobs(ctx, seg.Changes); err != nil {
				return err
			}
			file, err := EncodeSegment(seg, e.key)
			if err != nil {
				return err
			}
			name := segmentName(self, seg.From, seg.To, fp, chunk[len(chunk)-1].HLC)
			if err := e.t.Write(ctx, name, file); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			addRange(covered, seg.From, seg.To)
			e.ls.PushedTo = covered.Upto
			e.r.SegmentsWritten = append(e.r.SegmentsWritten, name)
			for _, c := range seg.Changes {
				if !c.Private {
					e.r.Pushed++
				}
			}
			done += len(chunk)
			e.r.Unpushed = total - done
			e.progress("push", done, total)
			start = end
		}
	}
	e.ls.PushedTo = covered.Upto
	return nil
}

// addRange puts from..to into a set.
func addRange(set *data.SeqSet, from, to uint64) {
	if from <= set.Upto+1 && to > set.Upto {
		set.Union(&data.SeqSet{Upto: to})
		return
	}
	for s := from; s <= to; s++ {
		set.Add(s)
	}
}

// rangeIn tells whether every number of from..to is in set.
func rangeIn(set *data.SeqSet, from, to uint64) bool {
	if set == nil {
		return false
	}
	for s := from; s <= to; s++ {
		if s <= set.Upto {
			s = set.Upto
			continue
		}
		if !set.Has(s) {
			return false
		}
	}
	return true
}

// pushBlobs uploads the content of attachments a segment creates, before
// the segment, so a reader finds the file when it merges the record.
func (e *engine) pushBlobs(ctx context.Context, changes []data.Change) error {
	var shas []string
	for _, c := range changes {
		if sha := attachmentSHA(c); sha != "" {
			shas = append(shas, sha)
		}
	}
	if len(shas) == 0 {
		return nil
	}
	have := map[string]bool{}
	entries, err := e.t.List(ctx, "blobs")
	if err != nil {
		return err
	}
	for _, en := range entries {
		have[en.Name] = true
	}
	for _, sha := range shas {
		if have[sha] {
			continue
		}
		content, err := e.s.Blob(ctx, sha)
		if errors.Is(err, data.ErrNotFound) {
			continue // erased since; nothing to send
		}
		if err != nil {
			return err
		}
		file, err := EncodeBlob(content, e.key)
		if err != nil {
			return err
		}
		if err := e.t.Write(ctx, "blobs/"+sha, file); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		have[sha] = true
		e.r.BlobsWritten++
	}
	return nil
}

// pull reads every other device's segments whose changes this replica
// has not all merged, and merges them. A file it cannot use this time
// (still arriving, damaged, another delegation's, held back, unreadable)
// is reported and the others go on: the merge does not depend on order.
func (e *engine) pull(ctx context.Context) error {
	devs, err := e.t.List(ctx, "log")
	if err != nil {
		return err
	}
	self := e.s.Device()
	merged, err := e.s.MergedSets(ctx)
	if err != nil {
		return err
	}
	fp := e.key.fileTag()
	type pending struct {
		dev      data.ID
		name     string
		from, to uint64
		size     int64
	}
	var todo []pending
	var devices []data.ID
	for _, d := range devs {
		dev := data.ID(d.Name)
		if !d.Dir || dev == self {
			continue
		}
		if _, err := dev.Bytes(); err != nil {
			continue // not a device folder (something else put it there)
		}
		devices = append(devices, dev)
		entries, err := e.t.List(ctx, "log/"+d.Name)
		if err != nil {
			return err
		}
		for _, en := range entries {
			n, ok := parseSegmentName(en.Name)
			if !ok || en.Dir {
				continue
			}
			name := "log/" + d.Name + "/" + en.Name
			switch {
			case n.key != fp:
				e.problem(Problem{File: name, Kind: "foreign", Detail: "encrypted with another delegation key (" + n.key + "); skipped"})
			case rangeIn(merged[dev], n.from, n.to):
				e.ls.Read[dev]++
			default:
				todo = append(todo, pending{dev, name, n.from, n.to, en.Size})
			}
		}
	}
	sort.Slice(todo, func(i, j int) bool {
		if todo[i].dev != todo[j].dev {
			return todo[i].dev < todo[j].dev
		}
		return todo[i].from < todo[j].from
	})
	for i, p := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.progress("pull", i, len(todo))
		b, err := e.t.Read(ctx, p.name)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			e.problem(Problem{File: p.name, Kind: "unreadable", Detail: err.Error() + "; tried again next time"})
			continue
		}
		seg, err := DecodeSegment(b, e.key)
		if err == nil && (seg.Device != p.dev || seg.From != p.from || seg.To != p.to) {
			err = fmt.Errorf("%w: it holds changes %d–%d of device %s", ErrDamaged, seg.From, seg.To, seg.Device)
		}
		switch {
		case errors.Is(err, ErrIncomplete):
			e.problem(Problem{File: p.name, Kind: "incomplete", Detail: "still arriving (" + err.Error() + "); read next time"})
			continue
		case errors.Is(err, ErrDamaged), errors.Is(err, ErrForeign):
			kind := "damaged"
			if errors.Is(err, ErrForeign) {
				kind = "foreign"
			}
			e.problem(Problem{File: p.name, Kind: kind, Detail: err.Error() + "; skipped"})
			continue
		case err != nil:
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if hold := e.holdBack(ctx, p.name, seg, merged[p.dev]); hold != nil {
			e.problem(*hold)
			continue
		}
		res, err := e.s.Merge(ctx, seg.Changes, func(done int) { e.progress("merge", done, len(seg.Changes)) })
		if err != nil {
			return fmt.Errorf("merge %s: %w", p.name, err)
		}
		e.r.SegmentsRead++
		for _, c := range seg.Changes {
			if !c.Private {
				e.r.Received++
			}
		}
		e.count(p.name, res)
		for _, c := range seg.Changes {
			e.wantBlob(ctx, c)
		}
		if len(res.Problems) == 0 {
			e.ls.Read[p.dev]++
		}
		if err := e.save(); err != nil {
			return err
		}
	}
	e.progress("pull", len(todo), len(todo))
	upto, _ := e.s.Merged(ctx)
	for _, dev := range devices {
		e.r.Devices = append(e.r.Devices, DeviceState{Device: dev, Segments: e.ls.Read[dev], Merged: upto[dev]})
	}
	return nil
}

// problem reports a file sync could not use, and notes it for status.
func (e *engine) problem(p Problem) {
	e.r.Problems = append(e.r.Problems, p)
	if p.File == "" {
		return
	}
	if e.ls.Bad == nil {
		e.ls.Bad = map[string]int64{}
	}
	e.ls.Bad[p.File] = 0
}

// holdBack checks the safety rails: a segment dated far in the future, or
// one deleting many of this replica's live records, waits for the user.
func (e *engine) holdBack(ctx context.Context, name string, seg *Segment, merged *data.SeqSet) *Problem {
	if !e.opt.AcceptFuture {
		limit := e.now().Add(MaxClockAhead)
		for _, c := range seg.Changes {
			if t := c.HLC.Time(); t.After(limit) {
				return &Problem{File: name, Kind: "future",
					Detail: fmt.Sprintf("device %s dates changes %s, %s ahead of this computer's clock; held back until accepted (that device's clock is wrong)",
						seg.Device, t.Format(time.RFC3339), t.Sub(e.now()).Round(time.Hour))}
			}
		}
	}
	deletes := 0
	for _, c := range seg.Changes {
		if merged.Has(c.Seq) || (c.Op != data.OpDelete && c.Op != data.OpErase) {
			continue
		}
		if _, err := e.s.Get(ctx, c.Record); err == nil {
			deletes++
		}
	}
	if deletes >= ManyDeletes {
		if e.opt.ConfirmDeletes != nil && e.opt.ConfirmDeletes(seg.Device, name, deletes) {
			return nil
		}
		return &Problem{File: name, Kind: "deletes",
			Detail: fmt.Sprintf("deletes %d records at once; held back until confirmed", deletes)}
	}
	return nil
}

func (e *engine) count(file string, res store.MergeResult) {
	m := &e.r.Merge
	m.Applied += res.Applied
	m.Unchanged += res.Unchanged
	m.Created += res.Created
	m.Deleted += res.Deleted
	m.Restored += res.Restored
	m.Erased += res.Erased
	e.r.Conflicts = append(e.r.Conflicts, res.Conflicts...)
	for _, p := range res.Problems {
		e.r.Problems = append(e.r.Problems, Problem{Kind: "change", File: file, Detail: p.Error() + "; tried again next time"})
	}
}

// wantBlob notes an attachment whose content this replica lacks.
func (e *engine) wantBlob(ctx context.Context, c data.Change) {
	sha := attachmentSHA(c)
	if sha == "" {
		return
	}
	if _, err := e.s.Blob(ctx, sha); err == nil {
		return
	}
	for _, w := range e.ls.WantBlobs {
		if w == sha {
			return
		}
	}
	e.ls.WantBlobs = append(e.ls.WantBlobs, sha)
}

// attachmentSHA is the content an attachment change points to, if any.
func attachmentSHA(c data.Change) string {
	if c.Kind != data.KindAttachment || c.Op != data.OpPut {
		return ""
	}
	for _, f := range c.Fields {
		var sha string
		if f.Name == "sha256" && json.Unmarshal(f.Value, &sha) == nil {
			return sha
		}
	}
	return ""
}

// fetchBlobs downloads the attachment files merged records point to.
func (e *engine) fetchBlobs(ctx context.Context) error {
	if len(e.ls.WantBlobs) == 0 {
		return nil
	}
	// Only content a live attachment still points to: one erased since
	// (the right to be forgotten) must not be fetched back.
	live := map[string]bool{}
	err := e.s.Each(ctx, store.Query{Kind: data.KindAttachment}, func(r data.Record) error {
		live[r.(*data.Attachment).SHA256] = true
		return nil
	})
	if err != nil {
		return err
	}
	var still []string
	for i, sha := range e.ls.WantBlobs {
		if !live[sha] {
			continue
		}
		e.progress("blobs", i, len(e.ls.WantBlobs))
		name := "blobs/" + sha
		b, err := e.t.Read(ctx, name)
		if errors.Is(err, fs.ErrNotExist) {
			still = append(still, sha)
			e.r.Problems = append(e.r.Problems, Problem{File: name, Kind: "incomplete", Detail: "an attachment's file is not there yet; fetched next time"})
			continue
		}
		if err != nil {
			return err
		}
		content, err := DecodeBlob(b, sha, e.key)
		if err != nil {
			still = append(still, sha)
			kind := "damaged"
			if errors.Is(err, ErrIncomplete) {
				kind = "incomplete"
			}
			e.r.Problems = append(e.r.Problems, Problem{File: name, Kind: kind, Detail: err.Error()})
			continue
		}
		if _, err := e.s.PutBlob(ctx, content); err != nil {
			return err
		}
		e.r.BlobsRead++
	}
	e.ls.WantBlobs = still
	return nil
}
