package replica

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// A stick wiped (or replaced by another one mounted at the same path):
// a re-pushes its whole log renumbered from 1, but b's Read counter for
// that location still says it has read a's segments up to 1, so b skips
// the new segment 1, which holds a change b never merged.
func TestWipedFolderAtTheSamePathLosesNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := openStore(t), openStore(t)
	x1 := &data.Contact{GivenName: "First", FamilyName: "Tamm"}
	a.Create(ctx, x1)
	mustSync(t, a, folder(t, dir), Options{}) // segment 1: change 1
	mustSync(t, b, folder(t, dir), Options{}) // b: Read[a] = 1
	x2 := &data.Contact{GivenName: "Second", FamilyName: "Tamm"}
	a.Create(ctx, x2)
	mustSync(t, a, folder(t, dir), Options{}) // segment 2: change 2 (b does not sync now)

	// The stick is wiped and used again at the same mount point.
	os.RemoveAll(filepath.Join(dir, "log"))
	os.RemoveAll(filepath.Join(dir, "blobs"))
	mustSync(t, a, folder(t, dir), Options{}) // a writes its whole log again: new segment 1 = changes 1..2

	x3 := &data.Contact{GivenName: "Third", FamilyName: "Tamm"}
	a.Create(ctx, x3)
	mustSync(t, a, folder(t, dir), Options{}) // segment 2 = change 3
	mustSync(t, b, folder(t, dir), Options{})
	mustSync(t, b, folder(t, dir), Options{})
	for _, c := range []*data.Contact{x1, x2, x3} {
		if _, err := b.Get(ctx, c.ID); err != nil {
			t.Errorf("b lacks %s: %v", c.GivenName, err)
		}
	}
}

// A data directory restored from a backup (or copied to a new laptop)
// would go on as the same device with an older sequence number: its new
// saves would reuse numbers already pushed. Sync refuses with what to do;
// as a new device it loses nothing.
func TestARestoredStoreSyncsAsANewDevice(t *testing.T) {
	root := t.TempDir()
	dirA := t.TempDir()
	a, err := store.Open(ctx, dirA, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r1 := &data.Contact{GivenName: "Before", FamilyName: "Backup"}
	a.Create(ctx, r1)
	mustSync(t, a, folder(t, root), Options{})
	a.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	if out, err := exec.Command("cp", "-a", dirA, backup).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	a, _ = store.Open(ctx, dirA, store.Options{})
	r2 := &data.Contact{GivenName: "After", FamilyName: "Backup"}
	a.Create(ctx, r2)
	mustSync(t, a, folder(t, root), Options{}) // seq 2 pushed
	a.Close()

	// The laptop dies; the backup is restored.
	a2, err := store.Open(ctx, backup, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	r3 := &data.Contact{GivenName: "Typed after restore", FamilyName: "Lost"}
	a2.Create(ctx, r3) // gets seq 2 again
	_, err = Sync(ctx, a2, folder(t, root), testKey(), Options{})
	if !errors.Is(err, ErrDeviceAhead) || !strings.Contains(err.Error(), "--new-device") {
		t.Fatalf("a restored store synced as if nothing happened: %v", err)
	}
	// As a new device it writes its own log and gets its old self's back.
	if _, err := a2.NewDevice(ctx); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a2, folder(t, root), Options{})

	b := openStore(t)
	mustSync(t, b, folder(t, root), Options{})
	if _, err := b.Get(ctx, r3.ID); err != nil {
		t.Errorf("b never gets the edit typed after the restore: %v", err)
	}
	if _, err := a2.Get(ctx, r2.ID); err != nil {
		t.Errorf("the restored laptop never gets back its own synced change: %v", err)
	}
}

// An erase merged from another device leaves the erased attachment's
// content (e.g. the photo of the person's card) in this store, and a
// replica that first hears of the attachment and its erase in one sync
// downloads the content after the erase.
func TestAMergedEraseRemovesTheAttachmentContent(t *testing.T) {
	root := folder(t, t.TempDir())
	a, b, c := openStore(t), openStore(t), openStore(t)
	person := &data.Contact{GivenName: "Forget", FamilyName: "Me"}
	a.Create(ctx, person)
	content := []byte("photo of Forget Me's business card")
	sha, _ := a.PutBlob(ctx, content)
	att := &data.Attachment{Name: "card.jpg", MediaType: "image/jpeg", SHA256: sha, Size: int64(len(content)), Record: person.ID}
	if err := a.Create(ctx, att); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	if _, err := b.Blob(ctx, sha); err != nil {
		t.Fatalf("b did not get the blob: %v", err)
	}
	if err := a.Erase(ctx, person.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Blob(ctx, sha); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("a still has the blob after its own erase: %v", err)
	}
	mustSync(t, a, root, Options{})
	rb := mustSync(t, b, root, Options{})
	if _, err := b.Get(ctx, att.ID); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("attachment still on b: %v (merge %+v)", err, rb.Merge)
	}
	if _, err := b.Blob(ctx, sha); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("b keeps the erased attachment's content after merging the erase: %v", err)
	}
	rc := mustSync(t, c, root, Options{})
	if _, err := c.Blob(ctx, sha); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("c downloaded the content of an attachment it merged as erased (blobs read %d)", rc.BlobsRead)
	}
}

// "Copying one stick onto another is a plain union" (SYNC.md) does not
// hold once a device has synced with both: its segment 1 differs between
// them, so the copy either replaces one (below) or keeps both as a
// conflict copy a reader ignores; the changes only the replaced one held
// never reach readers of that stick, and a never re-pushes them there.
func TestAUnionOfTwoSticksLosesNothing(t *testing.T) {
	x, y := t.TempDir(), t.TempDir()
	a, b := openStore(t), openStore(t)
	c1 := &data.Contact{GivenName: "One", FamilyName: "Kask"}
	a.Create(ctx, c1)
	mustSync(t, a, folder(t, x), Options{}) // x: segment 1 = {1}
	c2 := &data.Contact{GivenName: "Two", FamilyName: "Kask"}
	a.Create(ctx, c2)
	mustSync(t, a, folder(t, y), Options{}) // y: segment 1 = {1,2}
	// Someone copies stick x onto stick y (files of the same name replaced).
	if out, err := exec.Command("cp", "-a", x+"/.", y).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	mustSync(t, a, folder(t, y), Options{})
	mustSync(t, b, folder(t, y), Options{})
	if _, err := b.Get(ctx, c2.ID); err != nil {
		t.Errorf("b, reading stick y, never gets a's second contact: %v", err)
	}
}

// A form open while a sync merges a colleague's edit of the same field:
// UpdateFrom writes the user's value with Seen = the merged value's clock,
// as if the user had seen it. The colleague's value is replaced on every
// replica and listed as a conflict on none. Sets: the colleague's added tag
// is removed by a save that never saw it.
func TestASaveDuringASyncKeepsTheMergedValue(t *testing.T) {
	root := folder(t, t.TempDir())
	a, b := openStore(t), openStore(t)
	c := &data.Contact{GivenName: "Open", FamilyName: "Form", Title: "Engineer", Tags: []string{"energy"}}
	a.Create(ctx, c)
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})

	orig, _ := a.Get(ctx, c.ID) // a's user opens the form

	bc, _ := b.Get(ctx, c.ID)
	bcc := bc.(*data.Contact)
	bcc.Title = "Chief engineer (typed on b)"
	bcc.Tags = append(bcc.Tags, "hydrogen")
	if err := b.Update(ctx, bcc); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b, root, Options{})
	mustSync(t, a, root, Options{}) // a's background sync merges b's edit

	edited := *orig.(*data.Contact)
	edited.Title = "CTO (typed on a)"
	edited.Tags = []string{"energy", "water"}
	if _, err := a.UpdateFrom(ctx, orig, &edited); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	ca, _ := a.Conflicts(ctx)
	cb, _ := b.Conflicts(ctx)
	got, _ := b.Get(ctx, c.ID)
	t.Logf("b now: title %q tags %v; conflicts a=%d b=%d", got.(*data.Contact).Title, got.(*data.Contact).Tags, len(ca), len(cb))
	if len(ca)+len(cb) == 0 {
		t.Errorf("b's title %q was replaced by a save that never saw it, and no replica lists it as a conflict", bcc.Title)
	}
	hasH := false
	for _, tg := range got.(*data.Contact).Tags {
		hasH = hasH || tg == "hydrogen"
	}
	if !hasH {
		t.Errorf("b's added tag was removed by a concurrent save that never saw it (add-wins broken)")
	}
}

// A delegation code typed with one symbol missing is refused rather than
// taken as a passphrase (a valid, different key). And when a member's key
// did change (a passphrase first, the delegation code later), the whole
// log is written again with the new key: nothing typed before the change
// is lost to the others.
func TestAMistypedCodeIsRefusedAndANewKeyRewritesTheLog(t *testing.T) {
	for _, typo := range []string{"FB-7K4M-QX2R-9T6W-HJ3P-AZ5", "fb 7k4m qx2r 9t6w hj3p az5nu", "FB-7K4M-QX2R-9T6W-HJ3P-AZ5U"} {
		if _, err := KeyFromSecret(typo); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "not a valid delegation code") {
			t.Errorf("%q: %v", typo, err)
		}
	}
	wrong, err := KeyFromSecret("our delegation passphrase 2026")
	if err != nil {
		t.Fatal(err)
	}
	root := folder(t, t.TempDir())
	a, b := openStore(t), openStore(t)
	c := &data.Contact{GivenName: "Typed", FamilyName: "Before fix"}
	b.Create(ctx, c)
	if _, err := Sync(ctx, b, root, wrong, Options{}); err != nil {
		t.Fatal(err)
	}
	r := mustSync(t, a, root, Options{})
	if len(r.Problems) != 1 || r.Problems[0].Kind != "foreign" {
		t.Fatalf("a reading b's files of another key: %+v", r.Problems)
	}
	if _, err := Sync(ctx, b, root, testKey(), Options{}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, root, Options{})
	if _, err := a.Get(ctx, c.ID); err != nil {
		t.Errorf("a never gets what b typed before fixing the key: %v", err)
	}
}

// Erasing a person here leaves the sync conflicts that hold their values
// (mergeErase drops them; the local Erase does not).
func TestALocalEraseDropsConflictValues(t *testing.T) {
	root := folder(t, t.TempDir())
	a, b := openStore(t), openStore(t)
	c := &data.Contact{GivenName: "Right", FamilyName: "Forgotten", Notes: "old"}
	a.Create(ctx, c)
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	for i, s := range []*store.Store{a, b} {
		r, _ := s.Get(ctx, c.ID)
		rc := r.(*data.Contact)
		rc.Notes = []string{"home address A", "home address B"}[i]
		s.Update(ctx, rc)
	}
	mustSync(t, a, root, Options{})
	mustSync(t, b, root, Options{})
	mustSync(t, a, root, Options{})
	var s *store.Store
	for _, x := range []*store.Store{a, b} {
		if cs, _ := x.Conflicts(ctx); len(cs) > 0 {
			s = x
		}
	}
	if s == nil {
		t.Fatal("no conflict arose")
	}
	if err := s.Erase(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if cs, _ := s.Conflicts(ctx); len(cs) > 0 {
		t.Errorf("after erasing the person, %d conflicts still hold their data: %s", len(cs), cs[0].Other.Value)
	}
}
