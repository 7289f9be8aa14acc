package exchange

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Identification of the JSON document. Version goes up when a reader of
// an older version could misread the document; additions that older
// readers may ignore keep it.
const (
	jsonFormat  = "fieldbook"
	jsonVersion = 1
)

// kindOrder is the order of records in the JSON document: every record's
// links point to records before it, except an organization's logo (an
// attachment that itself points back to the organization), which Import
// sets once the attachment exists.
var kindOrder = []data.Kind{data.KindOrg, data.KindContact, data.KindMission, data.KindSeminar, data.KindMeeting, data.KindFollowUp, data.KindAttachment}

// ExportAll writes everything as one versioned JSON document:
// {"format":"fieldbook","version":1,"exported":..., "records":[{"type":...,<record fields>}...],
// "blobs": {sha256: base64} for attachments}. f.IncludePrivate / f.Mission apply.
// Links to records left out (private ones, unless included) are dropped;
// a record that cannot stand without the one left out (a meeting of a
// private mission) is left out as well.
func ExportAll(ctx context.Context, src Source, f Filter, opt Options, w io.Writer) (int, error) {
	opt, err := opt.normalize()
	if err != nil {
		return 0, err
	}
	m, err := f.check(ctx, src)
	if err != nil {
		return 0, err
	}
	var recs map[data.ID]data.Record
	if m == nil {
		recs, err = allRecords(ctx, src, f)
	} else {
		recs, err = missionRecords(ctx, src, f, m)
	}
	if err != nil {
		return 0, err
	}
	pruneLinks(recs)

	ordered := make([]data.Record, 0, len(recs))
	for _, r := range recs {
		ordered = append(ordered, r)
	}
	rank := map[data.Kind]int{}
	for i, k := range kindOrder {
		rank[k] = i
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		if a.Kind() != b.Kind() {
			return rank[a.Kind()] < rank[b.Kind()]
		}
		return a.Meta().ID < b.Meta().ID
	})

	bw := bufio.NewWriter(w)
	head, _ := json.Marshal(struct {
		Format   string `json:"format"`
		Version  int    `json:"version"`
		Exported string `json:"exported"`
	}{jsonFormat, jsonVersion, opt.Now.UTC().Format(time.RFC3339)})
	bw.Write(head[:len(head)-1])
	bw.WriteString(",\n\"records\": [")
	// One record per line: the document stays readable and diffable.
	for i, rec := range ordered {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return 0, fmt.Errorf("export %s %s: %w", rec.Kind(), rec.Meta().ID, err)
		}
		fmt.Fprintf(bw, "\n{\"type\":%q,", rec.Kind())
		bw.Write(b[1:])
	}
	bw.WriteString("\n],\n\"blobs\": {")
	if bs, ok := src.(blobSource); ok {
		first := true
		seen := map[string]bool{}
		for _, rec := range ordered {
			a, ok := rec.(*data.Attachment)
			if !ok || seen[a.SHA256] {
				continue
			}
			seen[a.SHA256] = true
			content, err := bs.Blob(ctx, a.SHA256)
			if errors.Is(err, data.ErrNotFound) {
				continue // not synced here yet: the attachment's record still travels
			}
			if err != nil {
				return 0, fmt.Errorf("export attachment %s: %w", a.ID, err)
			}
			if !first {
				bw.WriteByte(',')
			}
			first = false
			fmt.Fprintf(bw, "\n%q: %q", a.SHA256, base64.StdEncoding.EncodeToString(content))
		}
	}
	bw.WriteString("\n}}\n")
	return len(ordered), bw.Flush()
}

func allRecords(ctx context.Context, src Source, f Filter) (map[data.ID]data.Record, error) {
	out := map[data.ID]data.Record{}
	for _, k := range data.Kinds {
		recs, err := src.List(ctx, store.Query{Kind: k})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if f.visible(r) {
				out[r.Meta().ID] = r
			}
		}
	}
	return out, nil
}

// missionRecords collects a mission and what belongs to it: its meetings
// and follow-ups, its member and host organizations and their people, the
// delegates, everyone and everything its meetings and follow-ups link to,
// and the attachments of all of those.
func missionRecords(ctx context.Context, src Source, f Filter, m *data.Mission) (map[data.ID]data.Record, error) {
	out := map[data.ID]data.Record{}
	var queue []data.ID
	add := func(rec data.Record) {
		if rec == nil || !f.visible(rec) {
			return
		}
		if _, ok := out[rec.Meta().ID]; !ok {
			out[rec.Meta().ID] = rec
			queue = append(queue, rec.Meta().ID)
		}
	}
	list := func(q store.Query) error {
		recs, err := src.List(ctx, q)
		for _, r := range recs {
			add(r)
		}
		return err
	}
	add(m)
	if err := list(store.Query{Kind: data.KindSeminar, Mission: m.ID}); err != nil {
		return nil, err
	}
	if err := list(store.Query{Kind: data.KindMeeting, Mission: m.ID}); err != nil {
		return nil, err
	}
	if err := list(store.Query{Kind: data.KindFollowUp, Mission: m.ID}); err != nil {
		return nil, err
	}
	for _, org := range append(append([]data.ID{}, m.Members...), m.Hosts...) {
		if err := list(store.Query{Kind: data.KindContact, Org: org}); err != nil {
			return nil, err
		}
	}
	// Follow the links of everything collected, and pick up follow-ups of
	// its meetings and attachments of every record.
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		rec := out[id]
		for _, ref := range data.Refs(rec) {
			if _, ok := out[ref.ID]; ok {
				continue
			}
			target, err := src.Get(ctx, ref.ID)
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if target.Kind() == data.KindMission && target.Meta().ID != m.ID {
				continue // a link to another mission does not pull that mission in
			}
			add(target)
		}
		if rec.Kind() == data.KindMeeting {
			if err := list(store.Query{Kind: data.KindFollowUp, Meeting: id}); err != nil {
				return nil, err
			}
		}
		if rec.Kind() != data.KindAttachment {
			if err := list(store.Query{Kind: data.KindAttachment, Record: id}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// pruneLinks drops links to records not in recs, then records that are no
// longer valid without them, until nothing changes.
func pruneLinks(recs map[data.ID]data.Record) {
	for changed := true; changed; {
		changed = false
		keep := func(id data.ID) bool { _, ok := recs[id]; return ok }
		for id, rec := range recs {
			if !dropLinks(rec, keep) {
				continue
			}
			changed = true
			if rec.Validate() != nil {
				delete(recs, id)
			}
		}
	}
}

// dropLinks removes the links of rec that keep rejects; true if any.
func dropLinks(rec data.Record, keep func(data.ID) bool) bool {
	dropped := false
	one := func(id *data.ID) {
		if *id != "" && !keep(*id) {
			*id = ""
			dropped = true
		}
	}
	many := func(ids *[]data.ID) {
		var out []data.ID
		for _, id := range *ids {
			if keep(id) {
				out = append(out, id)
			} else {
				dropped = true
			}
		}
		*ids = out
	}
	switch r := rec.(type) {
	case *data.Mission:
		many(&r.Members)
		many(&r.Hosts)
		many(&r.Delegates)
	case *data.Organization:
		one(&r.Logo)
	case *data.Contact:
		one(&r.Org)
	case *data.Meeting:
		one(&r.Mission)
		many(&r.Orgs)
		many(&r.Attendees)
		many(&r.Delegates)
		if r.Seminar != "" && !keep(r.Seminar) {
			// Off the agenda, a slot and table mean nothing.
			r.Seminar, r.Slot, r.Table = "", 0, 0
			dropped = true
		}
	case *data.Seminar:
		one(&r.Mission)
	case *data.FollowUp:
		one(&r.Mission)
		one(&r.Meeting)
		one(&r.Org)
		one(&r.Contact)
	case *data.Attachment:
		one(&r.Record)
	}
	return dropped
}

// jsonDoc is the JSON document as Import reads it.
type jsonDoc struct {
	Format  string            `json:"format"`
	Version int               `json:"version"`
	Records []json.RawMessage `json:"records"`
	Blobs   map[string]string `json:"blobs"`
}

// importJSON imports an ExportAll document: records with their own IDs,
// those already in the store (or deleted there) left alone.
func importJSON(ctx context.Context, st *store.Store, name string, b []byte, opt ImportOptions, rep *ImportReport) error {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return data.Errorf(data.ErrInvalid, "%s is not a valid JSON document: %v", name, err)
	}
	if head.Format != jsonFormat {
		return data.Errorf(data.ErrInvalid, "%s is JSON but not a Fieldbook export (format %q, want %q)", name, head.Format, jsonFormat)
	}
	if head.Version > jsonVersion {
		return data.Errorf(data.ErrInvalid, "%s was written by a newer Fieldbook (export format version %d; this version reads up to %d): update Fieldbook to import it", name, head.Version, jsonVersion)
	}
	if head.Version < 1 {
		return data.Errorf(data.ErrInvalid, "%s has no valid export format version (%d)", name, head.Version)
	}
	var doc jsonDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return data.Errorf(data.ErrInvalid, "%s is a damaged Fieldbook export: %v", name, err)
	}

	// Decode and check everything before writing anything.
	blobs := make(map[string][]byte, len(doc.Blobs))
	for sha, enc := range doc.Blobs {
		content, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return data.Errorf(data.ErrInvalid, "%s: attachment content %s is not base64: %v", name, sha, err)
		}
		sum := sha256.Sum256(content)
		if hex.EncodeToString(sum[:]) != sha {
			return data.Errorf(data.ErrInvalid, "%s: attachment content does not match its SHA-256 %s", name, sha)
		}
		blobs[sha] = content
	}
	recs := make([]data.Record, 0, len(doc.Records))
	inFile := map[data.ID]data.Kind{}
	for i, raw := range doc.Records {
		var t struct {
			Type data.Kind `json:"type"`
		}
		_ = json.Unmarshal(raw, &t)
		rec, err := data.New(t.Type)
		if err != nil {
			return data.Errorf(data.ErrInvalid, "%s: record %d has an unknown type %q", name, i+1, t.Type)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(rec); err != nil {
			return data.Errorf(data.ErrInvalid, "%s: record %d (%s) is damaged: %v", name, i+1, t.Type, err)
		}
		id, err := data.ParseID(string(rec.Meta().ID))
		if err != nil {
			return fmt.Errorf("%s: record %d (%s): %w", name, i+1, t.Type, err)
		}
		rec.Meta().ID = id
		if err := data.Prepare(rec); err != nil {
			return fmt.Errorf("%s: record %d (%s %s): %w", name, i+1, t.Type, id, err)
		}
		if _, dup := inFile[id]; dup {
			return data.Errorf(data.ErrInvalid, "%s: record %d: ID %s appears twice", name, i+1, id)
		}
		inFile[id] = rec.Kind()
		recs = append(recs, rec)
	}
	rep.Rows = len(recs)

	var create []data.Record
	exists := map[data.ID]bool{}
	for _, rec := range recs {
		id := rec.Meta().ID
		old, err := st.Get(ctx, id)
		switch {
		case err == nil && old.Kind() != rec.Kind():
			return data.Errorf(data.ErrInvalid, "%s: %s is %s in the file but %s here", name, id, rec.Kind().WithArticle(), old.Kind().WithArticle())
		case err == nil:
			exists[id] = true
			rep.Changes = append(rep.Changes, Change{Action: "unchanged", Kind: rec.Kind(), ID: id, Label: rec.Label()})
		case errors.Is(err, data.ErrNotFound):
			create = append(create, rec)
			rep.Changes = append(rep.Changes, Change{Action: "create", Kind: rec.Kind(), ID: id, Label: rec.Label()})
		default:
			return err
		}
	}
	// Every link must lead to a record in the file or in the store.
	for _, rec := range create {
		for _, ref := range data.Refs(rec) {
			if _, ok := inFile[ref.ID]; ok || exists[ref.ID] {
				continue
			}
			if _, err := st.Get(ctx, ref.ID); err != nil {
				return data.Errorf(data.ErrInvalid, "%s: %s %s links (%s) to %s, which is neither in the file nor here", name, rec.Kind().Noun(), rec.Meta().ID, ref.Field, ref.ID)
			}
		}
	}
	if opt.DryRun {
		return nil
	}

	for _, content := range blobs {
		if _, err := st.PutBlob(ctx, content); err != nil {
			return err
		}
	}
	// Logos are set after their attachments exist (see kindOrder).
	creating := map[data.ID]bool{}
	for _, rec := range create {
		creating[rec.Meta().ID] = true
	}
	var logos []*data.Organization
	for i, rec := range create {
		if o, ok := rec.(*data.Organization); ok && o.Logo != "" && creating[o.Logo] {
			withLogo := *o
			logos = append(logos, &withLogo)
			cp := *o
			cp.Logo = ""
			create[i] = &cp
		}
	}
	rank := map[data.Kind]int{}
	for i, k := range kindOrder {
		rank[k] = i
	}
	sort.SliceStable(create, func(i, j int) bool { return rank[create[i].Kind()] < rank[create[j].Kind()] })
	if _, err := st.Import(ctx, create, nil); err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	for _, o := range logos {
		if err := st.Update(ctx, o); err != nil {
			return fmt.Errorf("import %s: logo of %s: %w", name, o.ID, err)
		}
	}
	return nil
}
