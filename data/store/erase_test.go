package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// rawContains lists the needles found in any key or value, in any version
// Badger still keeps, of the database in dir. Badger's tables are zstd
// compressed, so looking at the files alone could miss a name even in a
// plaintext store; this looks at what the database itself holds.
func rawContains(t *testing.T, dir string, key []byte, needles ...string) []string {
	t.Helper()
	db, err := openBadger(dir+"/db", key, dir, "inspect", true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found := map[string]bool{}
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			err := item.Value(func(v []byte) error {
				for _, n := range needles {
					if bytes.Contains(item.Key(), []byte(n)) || bytes.Contains(v, []byte(n)) {
						found[n] = true
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range needles {
		if found[n] {
			out = append(out, n)
		}
	}
	return out
}

type eraseWorld struct {
	erasmus, keep *data.Contact
	meeting       *data.Meeting
	follow        *data.FollowUp
	photo, shared *data.Attachment
	other         *data.Attachment // the keeper's, sharing a blob with Erasmus's
}

// The names of the person to erase, as typed and as the search index folds
// them.
var erasmusNames = []string{"Erasmus", "Ylönen", "Qodirov", "erasmus", "ylonen", "qodirov"}

func newEraseWorld(t *testing.T, s *Store) eraseWorld {
	t.Helper()
	f := newFixture(t, s)
	w := eraseWorld{
		erasmus: &data.Contact{GivenName: "Erasmus", FamilyName: "Ylönen-Qodirov", Org: f.member.ID,
			Emails: []string{"erasmus.ylonen@suv.example"}, Notes: "Erasmus prefers Finnish; Ylönen family runs the plant"},
		keep: &data.Contact{GivenName: "Keepme", FamilyName: "Virtanen", Org: f.member.ID},
	}
	for _, c := range []*data.Contact{w.erasmus, w.keep} {
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// Edits put the name in more change-log entries.
	w.erasmus.Title = "Chief engineer"
	w.erasmus.Phones = []string{"+998 71 200 0000"}
	if err := s.Update(ctx, w.erasmus); err != nil {
		t.Fatal(err)
	}
	w.meeting = &data.Meeting{Mission: f.mission.ID, Title: "Pump station tour", Start: time.Date(2026, 5, 20, 6, 0, 0, 0, time.UTC),
		TimeZone: "Asia/Tashkent", Attendees: []data.ID{w.erasmus.ID, w.keep.ID}, Notes: "Pressure tests at 16 bar"}
	if err := s.Create(ctx, w.meeting); err != nil {
		t.Fatal(err)
	}
	w.follow = &data.FollowUp{Title: "Send the datasheet", Due: "2026-06-10", Mission: f.mission.ID, Meeting: w.meeting.ID, Contact: w.erasmus.ID}
	if err := s.Create(ctx, w.follow); err != nil {
		t.Fatal(err)
	}
	photo := []byte("JPEG business card: Erasmus Ylönen-Qodirov, Chief engineer")
	shared := []byte("JPEG group photo")
	sha1, _ := s.PutBlob(ctx, photo)
	sha2, _ := s.PutBlob(ctx, shared)
	w.photo = &data.Attachment{Name: "Erasmus card.jpg", MediaType: "image/jpeg", SHA256: sha1, Size: int64(len(photo)), Record: w.erasmus.ID}
	w.shared = &data.Attachment{Name: "group.jpg", MediaType: "image/jpeg", SHA256: sha2, Size: int64(len(shared)), Record: w.erasmus.ID}
	w.other = &data.Attachment{Name: "group-keep.jpg", MediaType: "image/jpeg", SHA256: sha2, Size: int64(len(shared)), Record: w.keep.ID}
	for _, a := range []*data.Attachment{w.photo, w.shared, w.other} {
		if err := s.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func TestEraseAndCompact(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newEraseWorld(t, s)
	seqBefore := s.LastSeq()
	// Erase alone scrubs the current values, but Badger still has the old
	// versions: that is why EraseAndCompact rewrites the store.
	if err := s.Erase(ctx, w.erasmus.ID); err != nil {
		t.Fatal(err)
	}
	if hits := filesContaining(t, dir, "Erasmus", "Ylönen"); len(hits) == 0 {
		t.Fatal("control: before compaction the log files should still show the name")
	}
	s.Close()
	if got := rawContains(t, dir, nil, "Erasmus", "Keepme"); !slices.Equal(got, []string{"Erasmus", "Keepme"}) {
		t.Fatalf("control: before compaction old versions hold the name: %v", got)
	}
	// Erasing again (an interrupted erase run again) is fine; then compact.
	if err := EraseAndCompact(ctx, dir, nil, w.erasmus.ID); err != nil {
		t.Fatal(err)
	}
	if hits := filesContaining(t, dir, erasmusNames...); len(hits) > 0 {
		t.Fatalf("the erased person is still in the files: %v", hits)
	}
	if got := rawContains(t, dir, nil, append(erasmusNames, "Keepme")...); !slices.Equal(got, []string{"Keepme"}) {
		t.Fatalf("after compaction the database holds %v, want only the other contact", got)
	}

	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Load[*data.Contact](ctx, s, w.erasmus.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("load erased contact: %v", err)
	}
	for _, q := range []string{"erasmus", "ylonen", "qodirov", "chief engineer", "erasmus card"} {
		if hits, _ := s.Search(ctx, q, 10); len(hits) != 0 {
			t.Fatalf("search %q finds %v", q, hitLabels(hits))
		}
	}
	if hits, _ := s.Search(ctx, "keepme", 10); len(hits) != 1 {
		t.Fatalf("the other contact is not found: %v", hitLabels(hits))
	}
	if k, err := Load[*data.Contact](ctx, s, w.keep.ID); err != nil || k.FamilyName != "Virtanen" {
		t.Fatalf("the other contact: %v %v", k, err)
	}
	// Links keep the bare ID.
	m, err := Load[*data.Meeting](ctx, s, w.meeting.ID)
	if err != nil || !slices.Equal(m.Attendees, []data.ID{w.erasmus.ID, w.keep.ID}) {
		t.Fatalf("meeting after the erase: %+v %v", m, err)
	}
	if f, err := Load[*data.FollowUp](ctx, s, w.follow.ID); err != nil || f.Contact != w.erasmus.ID {
		t.Fatalf("follow-up after the erase: %+v %v", f, err)
	}
	// The meeting can still be edited although it names an erased contact.
	m.Notes += "; second visit planned"
	if err := s.Update(ctx, m); err != nil {
		t.Fatalf("editing a meeting with an erased attendee: %v", err)
	}
	// His attachments are erased, the photo's blob with them; the blob
	// the keeper's attachment shares stays.
	for _, a := range []*data.Attachment{w.photo, w.shared} {
		if _, err := s.Get(ctx, a.ID); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("attachment %s: %v", a.Name, err)
		}
	}
	if _, err := s.Blob(ctx, w.photo.SHA256); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("the card photo's blob survived: %v", err)
	}
	if b, err := s.Blob(ctx, w.other.SHA256); err != nil || string(b) != "JPEG group photo" {
		t.Fatalf("a shared blob was removed: %v", err)
	}
	if a, err := Load[*data.Attachment](ctx, s, w.other.ID); err != nil || a.Record != w.keep.ID {
		t.Fatalf("the keeper's attachment: %v", err)
	}
	st := s.Stats(ctx)
	if st[data.KindContact] != 2 || st[data.KindAttachment] != 1 {
		t.Fatalf("counts after the erase: %v", st)
	}

	// The change log: still gapless, the entries about him keep their
	// names and lose their values, and the erases are logged.
	chs, err := s.Changes(ctx, s.Device(), 1, 0)
	if err != nil || uint64(len(chs)) != s.LastSeq() {
		t.Fatalf("log: %d entries, last seq %d, %v", len(chs), s.LastSeq(), err)
	}
	erased := map[data.ID]bool{w.erasmus.ID: true, w.photo.ID: true, w.shared.ID: true}
	var erases []data.ID
	for _, c := range chs {
		if !erased[c.Record] {
			continue
		}
		if c.Op == OpErase {
			erases = append(erases, c.Record)
			if c.Seq <= seqBefore || len(c.Fields) != 0 {
				t.Fatalf("erase entry: %+v", c)
			}
			continue
		}
		if len(c.Fields) == 0 {
			t.Fatalf("a scrubbed entry lost its structure: %+v", c)
		}
		for _, f := range c.Fields {
			if string(f.Value) != "null" {
				t.Fatalf("change %d keeps %s = %s", c.Seq, f.Name, f.Value)
			}
		}
	}
	if len(erases) != 3 {
		t.Fatalf("want 3 erase entries (contact and two attachments), got %v", erases)
	}
	// And the ID is not reused by a create.
	again := &data.Contact{Base: data.Base{ID: w.erasmus.ID}, GivenName: "X"}
	if err := s.Create(ctx, again); err == nil {
		t.Fatal("an erased ID was reused")
	}
}

func TestEraseDeletedRecordAndUnknownID(t *testing.T) {
	s, _ := openTemp(t)
	c := &data.Contact{GivenName: "Erasmus", FamilyName: "Ylönen"}
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	// A tombstone keeps the content (edit beats delete); erase removes it.
	if err := s.Erase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	var env erasedEnvelope
	raw, _ := c.ID.Bytes()
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(recordKey(raw))
		if err != nil {
			return err
		}
		v, _ := item.ValueCopy(nil)
		if bytes.Contains(v, []byte("Erasmus")) {
			t.Errorf("tombstone keeps content: %s", v)
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &env) })
	})
	if err != nil || env.Erased == 0 || env.Deleted == 0 || len(env.Fields) != 1 {
		t.Fatalf("erased tombstone: %+v %v", env, err)
	}
	if n := s.Stats(ctx)[data.KindContact]; n != 0 {
		t.Fatalf("count after erasing a deleted contact: %d", n)
	}
	if err := s.Erase(ctx, data.NewID()); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("erase unknown: %v", err)
	}
	if err := s.Erase(ctx, "nonsense"); err == nil {
		t.Fatal("erase of a bad ID")
	}
}

func TestEraseEncryptedStore(t *testing.T) {
	dir := t.TempDir()
	key := testKey(t)
	s, err := Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	w := newEraseWorld(t, s)
	s.Close()
	if err := EraseAndCompact(ctx, dir, key, w.erasmus.ID); err != nil {
		t.Fatal(err)
	}
	if err := EraseAndCompact(ctx, dir, nil, w.erasmus.ID); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("erase without the key: %v", err)
	}
	if got := rawContains(t, dir, key, append(erasmusNames, "Keepme")...); !slices.Equal(got, []string{"Keepme"}) {
		t.Fatalf("after compaction the database holds %v", got)
	}
	s, err = Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, w.erasmus.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("erased: %v", err)
	}
}
