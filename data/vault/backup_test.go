package vault

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

var backupPass = []byte("backup passphrase — varmuuskopio")

// backupOf makes a backup of a store holding the test world, with an
// edited and a deleted record so the change log has more than creates.
func backupOf(t testing.TB, encrypted bool) ([]byte, world, *store.Store) {
	t.Helper()
	dir, w := newPlainStore(t)
	var pass []byte
	if encrypted {
		if err := SetPassphrase(ctx, dir, pass1); err != nil {
			t.Fatal(err)
		}
		pass = pass1
	}
	s, err := Open(ctx, dir, pass, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	w.cyrillic.Title = "Bosh muhandis"
	if err := s.Update(ctx, w.cyrillic); err != nil {
		t.Fatal(err)
	}
	gone := &data.Organization{Name: "Deleted Oy", OrgKind: data.OrgPartner}
	s.Create(ctx, gone)
	s.Delete(ctx, gone.ID)
	var buf bytes.Buffer
	if err := Backup(ctx, s, &buf, backupPass); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w, s
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, srcEnc := range []bool{false, true} {
		b, w, src := backupOf(t, srcEnc)
		if hits := bytesContaining(b, secrets...); len(hits) > 0 {
			t.Fatalf("the backup shows %v", hits)
		}
		if !bytes.HasPrefix(b, []byte(ageIntro)) || len(b) < ageChunkEnc {
			t.Fatalf("not a padded age file: %d bytes", len(b))
		}
		// It is a plain age file: age itself opens it.
		id, _ := age.NewScryptIdentity(string(backupPass))
		r, err := age.Decrypt(bytes.NewReader(b), id)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, len(backupMagic))
		io.ReadFull(r, head)
		if string(head) != backupMagic {
			t.Fatalf("plaintext starts %q", head)
		}
		srcLog, _ := src.Changes(ctx, src.Device(), 1, 0)

		for _, newPass := range [][]byte{nil, pass2} {
			dir := filepath.Join(t.TempDir(), "restored")
			sum, err := Restore(ctx, dir, bytes.NewReader(b), backupPass, newPass)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Format != "fieldbook-backup" || sum.Version != 1 || sum.Device != src.Device() || sum.SourceEncrypted != srcEnc ||
				sum.Encrypted != (newPass != nil) || sum.Counts[data.KindContact] != 2 || sum.Counts[data.KindOrg] != 1 || sum.Created.IsZero() {
				t.Fatalf("summary: %+v", sum)
			}
			if enc, err := Encrypted(dir); err != nil || enc != (newPass != nil) {
				t.Fatalf("restored store encrypted=%v %v", enc, err)
			}
			s, err := Open(ctx, dir, newPass, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			w.check(t, s)
			c, _ := store.Load[*data.Contact](ctx, s, w.cyrillic.ID)
			if c.Title != "Bosh muhandis" {
				t.Fatalf("edit lost: %+v", c)
			}
			// The same device, the same change log, and it goes on.
			log, _ := s.Changes(ctx, s.Device(), 1, 0)
			if s.Device() != src.Device() || len(log) != len(srcLog) || s.LastSeq() != src.LastSeq() {
				t.Fatalf("device %s/%s, log %d/%d entries", s.Device(), src.Device(), len(log), len(srcLog))
			}
			if err := s.Create(ctx, &data.Organization{Name: "After Restore AS", OrgKind: data.OrgMember}); err != nil {
				t.Fatal(err)
			}
			if s.LastSeq() != src.LastSeq()+1 {
				t.Fatalf("seq after restore: %d", s.LastSeq())
			}
			if newPass != nil {
				if hits := filesContaining(t, dir, secrets...); len(hits) > 0 {
					t.Fatalf("restored encrypted store shows %v", hits)
				}
			}
			s.Close()
		}
	}
}

func bytesContaining(b []byte, needles ...string) []string {
	var out []string
	for _, n := range needles {
		if bytes.Contains(b, []byte(n)) {
			out = append(out, n)
		}
	}
	return out
}

// restoreFails restores in into a new and into an empty directory and
// checks the error and that nothing is left behind.
func restoreFails(t *testing.T, in []byte, pass []byte, want string, sentinel error) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "new")
	_, err := Restore(ctx, dir, bytes.NewReader(in), pass, pass2)
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, sentinel) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Fatalf("a failed restore left %v", ents)
	}
	empty := t.TempDir()
	Restore(ctx, empty, bytes.NewReader(in), pass, nil)
	if ents, _ := os.ReadDir(empty); len(ents) != 0 {
		t.Fatalf("a failed restore left %v in an empty directory", ents)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	b, _, _ := backupOf(t, false)
	t.Run("wrong passphrase", func(t *testing.T) {
		restoreFails(t, b, []byte("not it"), "wrong backup passphrase", data.ErrLocked)
	})
	for _, cut := range []int{0, 10, 60, 150, 200, len(b) / 3, len(b) - ageChunkEnc, len(b) - 1000, len(b) - 1} {
		t.Run("truncated", func(t *testing.T) {
			restoreFails(t, b[:cut], backupPass, "backup is truncated", data.ErrInvalid)
		})
	}
	// A flipped byte anywhere in the payload; age authenticates every
	// chunk, the checksum covers the rest.
	for _, at := range []int{300, len(b) / 2, len(b) - 20} {
		t.Run("flipped", func(t *testing.T) {
			bad := bytes.Clone(b)
			bad[at] ^= 0x01
			restoreFails(t, bad, backupPass, "backup checksum mismatch", data.ErrInvalid)
		})
	}
	t.Run("not a backup", func(t *testing.T) {
		restoreFails(t, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"), backupPass, "not a Fieldbook backup", data.ErrInvalid)
	})
	t.Run("age file of something else", func(t *testing.T) {
		var buf bytes.Buffer
		rcp, _ := age.NewScryptRecipient(string(backupPass))
		rcp.SetWorkFactor(10)
		w, _ := age.Encrypt(&buf, rcp)
		io.WriteString(w, "just a note")
		w.Close()
		restoreFails(t, buf.Bytes(), backupPass, "not a Fieldbook backup", data.ErrInvalid)
	})
	t.Run("empty passphrase", func(t *testing.T) {
		restoreFails(t, b, nil, "empty", data.ErrInvalid)
	})
}

func TestRestoreRefusesNonEmptyDir(t *testing.T) {
	b, _, src := backupOf(t, false)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o600)
	before := dirDigest(t, dir)
	_, err := Restore(ctx, dir, bytes.NewReader(b), backupPass, nil)
	if !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("non-empty directory: %v", err)
	}
	if dirDigest(t, dir) != before {
		t.Fatal("a refused restore changed the directory")
	}
	// Not over the live store either.
	if _, err := Restore(ctx, src.Dir(), bytes.NewReader(b), backupPass, nil); err == nil {
		t.Fatal("restore over an existing store")
	}
}

// FuzzRestore feeds arbitrary bytes to Restore with a fixed passphrase. It
// must not panic, must fail cleanly and leave nothing behind. Most
// mutations fail age's parsing or authentication; the seeds are a valid
// small backup and pieces of one.
func FuzzRestore(f *testing.F) {
	saved := MaxWorkFactor
	MaxWorkFactor = 12 // a mutated work factor must not make a run take seconds
	f.Cleanup(func() { MaxWorkFactor = saved })
	dir := f.TempDir()
	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	s.Create(ctx, &data.Organization{Name: "Fuzz Oy", OrgKind: data.OrgHost})
	var buf bytes.Buffer
	if err := Backup(ctx, s, &buf, backupPass); err != nil {
		f.Fatal(err)
	}
	s.Close()
	b := buf.Bytes()
	f.Add(b)
	f.Add(b[:200])
	f.Add([]byte(ageIntro))
	f.Fuzz(func(t *testing.T, in []byte) {
		parent := t.TempDir()
		target := filepath.Join(parent, "d")
		_, err := Restore(ctx, target, bytes.NewReader(in), backupPass, nil)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) && !errors.Is(err, data.ErrLocked) && !errors.Is(err, data.ErrSchema) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Fatalf("failed restore left %v", ents)
			}
			return
		}
		r, err := store.Open(ctx, target, store.Options{})
		if err != nil {
			t.Fatalf("restored but does not open: %v", err)
		}
		r.Close()
	})
}
