package replica

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/webdav"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

var ctx = context.Background()

// testKey is derived once: Argon2id takes a moment by design.
var testKey = sync.OnceValue(func() Key {
	k, err := KeyFromSecret("FB-7K4M-QX2R-9T6W-HJ3P-AZ5N")
	if err != nil {
		panic(err)
	}
	return k
})

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func folder(t testing.TB, dir string) Transport {
	t.Helper()
	f, err := NewFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustSync(t testing.TB, s *store.Store, tr Transport, opt Options) *Report {
	t.Helper()
	r, err := Sync(ctx, s, tr, testKey(), opt)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return r
}

// snapshot is every live record's fields but "updated" (each replica
// stamps that itself), for comparing replicas.
func snapshot(t testing.TB, s *store.Store) map[data.ID]string {
	t.Helper()
	out := map[data.ID]string{}
	for _, k := range data.Kinds {
		recs, err := s.List(ctx, store.Query{Kind: k})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			f, err := data.FieldsOf(r)
			if err != nil {
				t.Fatal(err)
			}
			delete(f, "updated")
			var keys []string
			for name := range f {
				keys = append(keys, name)
			}
			sort.Strings(keys)
			var b strings.Builder
			for _, name := range keys {
				fmt.Fprintf(&b, "%s=%s;", name, f[name])
			}
			out[r.Meta().ID] = b.String()
		}
	}
	return out
}

func sameState(t testing.TB, stores ...*store.Store) {
	t.Helper()
	want := snapshot(t, stores[0])
	for i, s := range stores[1:] {
		got := snapshot(t, s)
		if len(got) != len(want) {
			t.Fatalf("replica %d has %d records, replica 0 has %d", i+1, len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				t.Fatalf("replica %d differs on %s:\n got %s\nwant %s", i+1, id, got[id], w)
			}
		}
	}
}

// TestThreeReplicasConverge: three laptops, offline work on each, synced
// in turns through a folder, through a WebDAV server in-process
// (golang.org/x/net/webdav) and, when FIELDBOOK_WEBDAV_URL names one (CI
// starts rclone serve webdav), through a separate WebDAV server process.
func TestThreeReplicasConverge(t *testing.T) {
	t.Run("folder", func(t *testing.T) { threeReplicasConverge(t, folder(t, t.TempDir())) })
	t.Run("webdav-in-process", func(t *testing.T) {
		srv := httptest.NewServer(&webdav.Handler{FileSystem: webdav.NewMemFS(), LockSystem: webdav.NewMemLS()})
		t.Cleanup(srv.Close)
		tr, err := Open(ctx, srv.URL+"/fieldbook/", "", "")
		if err != nil {
			t.Fatal(err)
		}
		threeReplicasConverge(t, tr)
	})
	t.Run("webdav-server", func(t *testing.T) {
		base := os.Getenv("FIELDBOOK_WEBDAV_URL")
		if base == "" {
			t.Skip("set FIELDBOOK_WEBDAV_URL (e.g. FIELDBOOK_WEBDAV_URL=\"$(.ci/webdav-server)\") to sync through a separate server")
		}
		tr, err := Open(ctx, strings.TrimSuffix(base, "/")+"/converge-"+strings.ToLower(rand.Text()[:8])+"/", "", "")
		if err != nil {
			t.Fatal(err)
		}
		threeReplicasConverge(t, tr)
	})
}

func threeReplicasConverge(t *testing.T, root Transport) {
	a, b, c := openStore(t), openStore(t), openStore(t)
	m := &data.Mission{Name: "Uzbekistan 2026", Country: "UZ", Start: data.Date("2026-05-10"), End: data.Date("2026-05-15"), TimeZone: "Asia/Tashkent"}
	if err := a.Create(ctx, m); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	mustSync(t, c, root, Options{})
	// Offline work on each laptop.
	for i, s := range []*store.Store{a, b, c} {
		for j := 0; j < 20; j++ {
			mt := &data.Meeting{Mission: m.ID, Title: fmt.Sprintf("Қодиров & Sõber %d-%d", i, j),
				Start: time.Date(2026, 5, 11, 9+j%8, 0, 0, 0, time.UTC), TimeZone: "Asia/Tashkent", Tags: []string{"öljy", "Oʻzbek"}}
			if err := s.Create(ctx, mt); err != nil {
				t.Fatal(err)
			}
		}
	}
	ra := mustSync(t, a, root, Options{})
	if ra.Pushed == 0 || len(ra.SegmentsWritten) != 1 {
		t.Fatalf("a pushed %d changes in %v", ra.Pushed, ra.SegmentsWritten)
	}
	mustSync(t, b, root, Options{})
	mustSync(t, c, root, Options{})
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	sameState(t, a, b, c)
	if n := a.Stats(ctx)[data.KindMeeting]; n != 60 {
		t.Fatalf("a has %d meetings, want 60", n)
	}
	hits, err := c.Search(ctx, "sõber", 100)
	if err != nil || len(hits) != 60 {
		t.Fatalf("c finds %d meetings by search (%v)", len(hits), err)
	}
	// Nothing new: a sync writes and applies nothing.
	r := mustSync(t, b, root, Options{})
	if r.Pushed != 0 || r.SegmentsRead != 0 {
		t.Fatalf("an idle sync pushed %d and read %d segments", r.Pushed, r.SegmentsRead)
	}
	st, err := GetStatus(ctx, b)
	if err != nil || len(st.Locations) != 1 || st.Locations[0].Unpushed != 0 || len(st.Locations[0].Devices) != 2 {
		t.Fatalf("status: %+v (%v)", st, err)
	}
}

// segmentFiles lists a device's segment files in a folder, oldest first
// (as paths relative to the folder, like Problem.File).
func segmentFiles(t testing.TB, dir string, dev data.ID) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(dir, "log", string(dev)))
	var out []string
	for _, en := range entries {
		if _, ok := parseSegmentName(en.Name()); ok {
			out = append(out, "log/"+string(dev)+"/"+en.Name())
		}
	}
	return out
}

func TestSegmentFilesAreImmutableAndEncrypted(t *testing.T) {
	dir := t.TempDir()
	a := openStore(t)
	if err := a.Create(ctx, &data.Contact{GivenName: "Secretname", FamilyName: "Ülle"}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, folder(t, dir), Options{})
	name := filepath.Join(dir, filepath.FromSlash(segmentFiles(t, dir, a.Device())[0]))
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Secretname") {
		t.Fatal("a segment holds a name in clear text")
	}
	info, _ := os.Stat(name)
	if err := a.Create(ctx, &data.Contact{GivenName: "Second", FamilyName: "One"}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, folder(t, dir), Options{})
	info2, _ := os.Stat(name)
	if !info2.ModTime().Equal(info.ModTime()) || info2.Size() != info.Size() {
		t.Fatal("the first segment was rewritten")
	}
	if files := segmentFiles(t, dir, a.Device()); len(files) != 2 {
		t.Fatalf("the second change did not go to a second segment: %v", files)
	}
}

func TestDamagedForeignAndIncompleteSegments(t *testing.T) {
	dir := t.TempDir()
	root := folder(t, dir)
	a, b := openStore(t), openStore(t)
	for i := 0; i < 3; i++ {
		if err := a.Create(ctx, &data.Contact{GivenName: fmt.Sprintf("Batch%d", i), FamilyName: "Šmits"}); err != nil {
			t.Fatal(err)
		}
		mustSync(t, a, root, Options{})
	}
	files := segmentFiles(t, dir, a.Device())
	seg := func(n int) string { return filepath.Join(dir, filepath.FromSlash(files[n-1])) }
	name := func(n int) string { return files[n-1] }
	// Segment 1 is cut short (a copy in progress), 2 has a flipped byte.
	whole1, _ := os.ReadFile(seg(1))
	os.Remove(seg(1))
	os.WriteFile(seg(1), whole1[:len(whole1)/2], 0o600)
	b2, _ := os.ReadFile(seg(2))
	b2[len(b2)-5] ^= 0xff
	os.Remove(seg(2))
	os.WriteFile(seg(2), b2, 0o600)
	// A segment of a device from another delegation.
	other, _ := KeyFromSecret("FB-0000-1111-2222-3333-4444")
	stranger := data.NewID()
	foreign, _ := EncodeSegment(&Segment{Format: 1, Device: stranger, From: 1, To: 1}, other)
	os.MkdirAll(filepath.Join(dir, "log", string(stranger)), 0o700)
	strangerName := segmentName(stranger, 1, 1, other.fileTag(), 1)
	os.WriteFile(filepath.Join(dir, filepath.FromSlash(strangerName)), foreign, 0o600)
	// A file named with this delegation's key but encrypted with another.
	disguised := segmentName(stranger, 2, 2, testKey().fileTag(), 2)
	foreign2, _ := EncodeSegment(&Segment{Format: 1, Device: stranger, From: 2, To: 2}, other)
	os.WriteFile(filepath.Join(dir, filepath.FromSlash(disguised)), foreign2, 0o600)

	r := mustSync(t, b, root, Options{})
	kinds := map[string]string{}
	for _, p := range r.Problems {
		kinds[p.File] = p.Kind
	}
	if kinds[name(1)] != "incomplete" || kinds[strangerName] != "foreign" || kinds[disguised] != "foreign" || kinds[name(2)] != "damaged" {
		t.Fatalf("problems: %+v", r.Problems)
	}
	// The rest applies: the merge does not depend on order.
	if n := b.Stats(ctx)[data.KindContact]; n != 1 {
		t.Fatalf("b has %d contacts, want 1 (segment 3)", n)
	}
	// The copy completes: 1 applies, 2 is still reported damaged.
	os.Remove(seg(1))
	os.WriteFile(seg(1), whole1, 0o600)
	r = mustSync(t, b, root, Options{})
	kinds = map[string]string{}
	for _, p := range r.Problems {
		kinds[p.File] = p.Kind
	}
	if kinds[name(2)] != "damaged" || !strings.Contains(fmt.Sprint(r.Problems), "checksum") {
		t.Fatalf("problems: %+v", r.Problems)
	}
	if n := b.Stats(ctx)[data.KindContact]; n != 2 {
		t.Fatalf("b has %d contacts, want 2 (segments 1 and 3)", n)
	}
	// Repaired (the sync tool fetched it again): read on the next sync.
	os.Remove(seg(2))
	b2[len(b2)-5] ^= 0xff
	os.WriteFile(seg(2), b2, 0o600)
	mustSync(t, b, root, Options{})
	if n := b.Stats(ctx)[data.KindContact]; n != 3 {
		t.Fatalf("b has %d contacts after the repair, want 3", n)
	}
}

func TestEmptyOrSwitchedFolderDeletesNothingAndGetsEverythingAgain(t *testing.T) {
	a, b := openStore(t), openStore(t)
	first := folder(t, t.TempDir())
	for i := 0; i < 5; i++ {
		a.Create(ctx, &data.Contact{GivenName: fmt.Sprintf("A%d", i), FamilyName: "Tamm"})
		b.Create(ctx, &data.Contact{GivenName: fmt.Sprintf("B%d", i), FamilyName: "Kask"})
	}
	mustSync(t, a, first, Options{})
	mustSync(t, b, first, Options{})
	mustSync(t, a, first, Options{})
	if n := a.Stats(ctx)[data.KindContact]; n != 10 {
		t.Fatalf("a has %d", n)
	}
	// The stick is wiped: nothing is deleted, and a writes all of its
	// log again.
	emptied := t.TempDir()
	r := mustSync(t, a, folder(t, emptied), Options{})
	if n := a.Stats(ctx)[data.KindContact]; n != 10 {
		t.Fatalf("an empty folder changed a: %d contacts", n)
	}
	if r.Pushed != 5 {
		t.Fatalf("a pushed %d changes to a new folder, want its 5", r.Pushed)
	}
	c := openStore(t)
	mustSync(t, c, folder(t, emptied), Options{})
	if n := c.Stats(ctx)[data.KindContact]; n != 5 {
		t.Fatalf("c got %d contacts from the new folder", n)
	}
}

func TestManyDeletesWaitForConfirmation(t *testing.T) {
	root := folder(t, t.TempDir())
	a, b := openStore(t), openStore(t)
	var ids []data.ID
	for i := 0; i < ManyDeletes+5; i++ {
		c := &data.Contact{GivenName: fmt.Sprintf("P%d", i), FamilyName: "Virtanen"}
		a.Create(ctx, c)
		ids = append(ids, c.ID)
	}
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	for _, id := range ids {
		if err := a.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	a.Create(ctx, &data.Contact{GivenName: "Later", FamilyName: "One"})
	mustSync(t, a, root, Options{})
	mustSync(t, a, root, Options{}) // a later segment waits behind the held one
	r := mustSync(t, b, root, Options{ConfirmDeletes: func(data.ID, string, int) bool { return false }})
	if n := b.Stats(ctx)[data.KindContact]; n != len(ids) {
		t.Fatalf("b has %d contacts; the deletes should wait", n)
	}
	if len(r.Problems) != 1 || r.Problems[0].Kind != "deletes" || !strings.Contains(r.Problems[0].Detail, fmt.Sprint(len(ids))) {
		t.Fatalf("problems: %+v", r.Problems)
	}
	asked := 0
	mustSync(t, b, root, Options{ConfirmDeletes: func(_ data.ID, _ string, n int) bool { asked = n; return true }})
	if asked != len(ids) || b.Stats(ctx)[data.KindContact] != 1 {
		t.Fatalf("asked about %d deletes; b has %d contacts", asked, b.Stats(ctx)[data.KindContact])
	}
}

func TestAClockFarAheadIsHeldBack(t *testing.T) {
	root := folder(t, t.TempDir())
	future := time.Now().AddDate(3, 0, 0)
	dir := t.TempDir()
	a, err := store.Open(ctx, dir, store.Options{Now: func() time.Time { return future }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := openStore(t)
	c := &data.Contact{GivenName: "Time", FamilyName: "Traveller"}
	a.Create(ctx, c)
	mustSync(t, a, root, Options{Now: func() time.Time { return future }})
	r := mustSync(t, b, root, Options{})
	if len(r.Problems) != 1 || r.Problems[0].Kind != "future" {
		t.Fatalf("problems: %+v", r.Problems)
	}
	if _, err := b.Get(ctx, c.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatal("a change dated three years ahead was applied")
	}
	mustSync(t, b, root, Options{AcceptFuture: true})
	if _, err := b.Get(ctx, c.ID); err != nil {
		t.Fatalf("accepted, still missing: %v", err)
	}
}

// failing wraps a transport and fails writes after some succeed, as a
// full disk would.
type failing struct {
	Transport
	left int
}

func (f *failing) Write(ctx context.Context, name string, b []byte) error {
	if f.left == 0 {
		return fmt.Errorf("write %s: %w", name, errors.New("no space left on device"))
	}
	f.left--
	return f.Transport.Write(ctx, name, b)
}

func TestAFullDiskLosesNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := openStore(t), openStore(t)
	var recs []data.Record
	for i := 0; i < SegmentChanges+10; i++ {
		recs = append(recs, &data.Contact{GivenName: fmt.Sprintf("N%d", i), FamilyName: "Kuusk"})
	}
	if _, err := a.Import(ctx, recs, nil); err != nil {
		t.Fatal(err)
	}
	r, err := Sync(ctx, a, &failing{Transport: folder(t, dir), left: 1}, testKey(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no space") || r.Unpushed != 10 {
		t.Fatalf("err %v, unpushed %d", err, r.Unpushed)
	}
	st, _ := GetStatus(ctx, a)
	if st.Locations[0].Unpushed != 10 || !strings.Contains(st.Locations[0].LastError, "no space") {
		t.Fatalf("status after the failure: %+v", st.Locations[0])
	}
	mustSync(t, a, folder(t, dir), Options{})
	mustSync(t, b, folder(t, dir), Options{})
	if n := b.Stats(ctx)[data.KindContact]; n != len(recs) {
		t.Fatalf("b has %d of %d contacts", n, len(recs))
	}
}

func TestAttachmentsTravelAsBlobs(t *testing.T) {
	root := folder(t, t.TempDir())
	a, b := openStore(t), openStore(t)
	content := []byte("%PDF-1.4 brochure of Oʻzbekiston Temir Yoʻllari")
	sha, err := a.PutBlob(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	att := &data.Attachment{Name: "brochure.pdf", MediaType: "application/pdf", SHA256: sha, Size: int64(len(content))}
	if err := a.Create(ctx, att); err != nil {
		t.Fatal(err)
	}
	if r := mustSync(t, a, root, Options{}); r.BlobsWritten != 1 {
		t.Fatalf("blobs written: %d", r.BlobsWritten)
	}
	r := mustSync(t, b, root, Options{})
	if r.BlobsRead != 1 {
		t.Fatalf("blobs read: %d (%+v)", r.BlobsRead, r.Problems)
	}
	got, err := b.Blob(ctx, sha)
	if err != nil || string(got) != string(content) {
		t.Fatalf("blob on b: %q %v", got, err)
	}
}

func TestKeys(t *testing.T) {
	code := NewCode()
	k1, err := KeyFromSecret(code)
	if err != nil {
		t.Fatal(err)
	}
	// Typed loosely: lower case, spaces, O for 0.
	loose := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	loose = strings.ReplaceAll(loose, "0", "o")
	k2, err := KeyFromSecret(loose)
	if err != nil || k2.Secret() != k1.Secret() {
		t.Fatalf("%q and %q gave different keys (%v)", code, loose, err)
	}
	k3, err := KeyFromSecret(k1.Secret())
	if err != nil || k3.Secret() != k1.Secret() {
		t.Fatalf("the age key did not read back: %v", err)
	}
	if _, err := KeyFromSecret("short"); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("a short passphrase: %v", err)
	}
	p, err := KeyFromSecret("Рахмат катта, Тошкент 2026")
	if err != nil || p.Secret() == k1.Secret() {
		t.Fatalf("passphrase key: %v", err)
	}
	file, _ := EncodeSegment(&Segment{Format: 1, Device: data.NewID(), From: 1, To: 1}, k1)
	if _, err := DecodeSegment(file, p); !errors.Is(err, ErrForeign) {
		t.Fatalf("decoding with another key: %v", err)
	}
	if _, err := DecodeSegment(file, k2); err != nil {
		t.Fatal(err)
	}
	// BIP 173's test vector for the encoder.
	if got := bech32Encode("a", nil); got != "a12uel5l" {
		t.Fatalf("bech32: %s", got)
	}
}

var _ = fs.ErrExist

func TestPrivateRecordsNeverLeave(t *testing.T) {
	dir := t.TempDir()
	root := folder(t, dir)
	a, b := openStore(t), openStore(t)
	secret := &data.Contact{GivenName: "Yksityinen", FamilyName: "Salaisuus"}
	secret.Confidentiality = data.Private
	a.Create(ctx, secret)
	shared := &data.Contact{GivenName: "Jaettu", FamilyName: "Tieto"}
	a.Create(ctx, shared)
	secret.Notes = "only mine"
	a.Update(ctx, secret)
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	if _, err := b.Get(ctx, secret.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatal("a private record reached another replica")
	}
	file, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(segmentFiles(t, dir, a.Device())[0])))
	if err != nil {
		t.Fatal(err)
	}
	seg, err := DecodeSegment(file, testKey())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range seg.Changes {
		if c.Record == secret.ID || strings.Contains(fmt.Sprint(c.Fields), "Salaisuus") {
			t.Fatalf("the segment carries the private record: %+v", c)
		}
	}
	// The numbers of the private changes still travel, so b's record of
	// what it merged has no gap.
	merged, _ := b.Merged(ctx)
	if merged[a.Device()] != a.LastSeq() {
		t.Fatalf("b merged a up to %d, a's log ends at %d", merged[a.Device()], a.LastSeq())
	}
}
