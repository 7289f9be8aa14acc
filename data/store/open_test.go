package store

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
)

func TestSecondOpenIsRefusedClearly(t *testing.T) {
	_, dir := openTemp(t)
	_, err := Open(ctx, dir, Options{})
	if !errors.Is(err, data.ErrInUse) || !strings.Contains(err.Error(), "in use by another Fieldbook") {
		t.Fatalf("second open: %v", err)
	}
}

// dirDigest hashes every file's name and content, to prove a failed open
// changed nothing.
func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintln(h, strings.TrimPrefix(p, dir))
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestEncryptionKey(t *testing.T) {
	dir := t.TempDir()
	key := make([]byte, 32)
	rand.Read(key)
	s, err := Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	org := &data.Organization{Name: "Salajane Šifr OÜ", OrgKind: data.OrgMember}
	if err := s.Create(ctx, org); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := dirDigest(t, dir)

	wrong := make([]byte, 32)
	rand.Read(wrong)
	if _, err := Open(ctx, dir, Options{EncryptionKey: wrong}); !errors.Is(err, data.ErrLocked) || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("no key: %v", err)
	}
	if _, err := Open(ctx, dir, Options{EncryptionKey: key[:16]}); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("short key: %v", err)
	}
	if after := dirDigest(t, dir); after != before {
		t.Fatal("a failed open changed the data directory")
	}
	s, err = Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := Load[*data.Organization](ctx, s, org.ID); err != nil || got.Name != org.Name {
		t.Fatalf("reopen with key: %v %v", got, err)
	}
	// The name is not readable in the files.
	filepath.WalkDir(filepath.Join(dir, "db"), func(p string, d fs.DirEntry, err error) error {
		if d != nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), "Salajane") {
				t.Errorf("%s holds plaintext", p)
			}
		}
		return nil
	})
}

func TestUnencryptedStoreRefusesKey(t *testing.T) {
	s, dir := openTemp(t)
	s.Close()
	if _, err := Open(ctx, dir, Options{EncryptionKey: make([]byte, 32)}); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("key for plain store: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	s, dir := openTemp(t)
	if err := s.setSchema(SchemaVersion + 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, dir, Options{})
	if !errors.Is(err, data.ErrSchema) || !strings.Contains(err.Error(), "newer Fieldbook") {
		t.Fatalf("newer schema: %v", err)
	}
}

const fixtureDir = "testdata/schema-v1"

// TestWriteV1Fixture regenerates testdata/schema-v1 when
// FIELDBOOK_WRITE_FIXTURE=1: a store in the first release's layout, which
// had no search index and no record counts.
func TestWriteV1Fixture(t *testing.T) {
	if os.Getenv("FIELDBOOK_WRITE_FIXTURE") == "" {
		t.Skip("set FIELDBOOK_WRITE_FIXTURE=1 to regenerate " + fixtureDir)
	}
	os.RemoveAll(fixtureDir)
	s, err := Open(ctx, fixtureDir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	newFixture(t, s)
	for _, p := range []byte{pTerm, pDoc, pCount} {
		if err := s.db.DropPrefix([]byte{p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.setSchema(1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromV1Fixture(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, fixtureDir, dir)
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _, _ := s.schema(); v != SchemaVersion {
		t.Fatalf("schema after open = %d", v)
	}
	st := s.Stats(ctx)
	if st[data.KindOrg] != 2 || st[data.KindContact] != 1 || st[data.KindMeeting] != 1 || st[data.KindFollowUp] != 1 || st[data.KindMission] != 1 {
		t.Fatalf("counts rebuilt wrong: %v", st)
	}
	hits, err := s.Search(ctx, "jyvaskyla", 5)
	if err != nil || len(hits) != 1 {
		t.Fatalf("search after migration: %v %v", hitLabels(hits), err)
	}
	// Writes continue the old change log.
	last := s.LastSeq()
	if last == 0 {
		t.Fatal("change log sequence lost")
	}
	if err := s.Create(ctx, &data.Organization{Name: "New", OrgKind: data.OrgPartner}); err != nil {
		t.Fatal(err)
	}
	if s.LastSeq() != last+1 {
		t.Fatalf("seq %d after %d", s.LastSeq(), last)
	}
}

// The kill test: a child process saves records in a loop and reports each
// ID once Create has returned; the parent kills it with SIGKILL at a random
// moment, reopens the store and expects every reported record.

const childEnv = "FIELDBOOK_TEST_SAVE_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		saveForever(dir)
		return
	}
	os.Exit(m.Run())
}

func saveForever(dir string) {
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		c := &data.Contact{GivenName: "Jüri", FamilyName: fmt.Sprintf("Šmidt %d", i), Notes: strings.Repeat("märkmed ", i%50)}
		if err := s.Create(ctx, c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Fprintln(out, c.ID)
		out.Flush()
	}
}

func TestKilledWriterLosesNoAcknowledgedSave(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// 6 kills by default; FIELDBOOK_KILLS=300 for a long run (docs/soak.sh).
	rounds := 6
	if n, err := strconv.Atoi(os.Getenv(killsEnv)); err == nil && n > 0 {
		rounds = n
	}
	var acked []data.ID
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		stdout, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of acknowledged saves (20–400).
		var n [2]byte
		rand.Read(n[:])
		limit := 20 + int(n[0])%380
		sc := bufio.NewScanner(stdout)
		got := 0
		for sc.Scan() {
			acked = append(acked, data.ID(sc.Text()))
			if got++; got >= limit {
				break
			}
		}
		cmd.Process.Kill()
		// Lines already written before the kill are acknowledged too.
		for sc.Scan() {
			acked = append(acked, data.ID(sc.Text()))
		}
		cmd.Wait()
		if got == 0 {
			t.Fatalf("child saved nothing: %s", stderr.String())
		}
	}
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("reopen after kills: %v", err)
	}
	defer s.Close()
	for _, id := range acked {
		if _, err := s.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged save %s lost: %v", id, err)
		}
	}
	if n := s.Stats(ctx)[data.KindContact]; n < len(acked) {
		t.Fatalf("count %d < %d acknowledged", n, len(acked))
	}
	// The change log has an entry for every record, in order.
	chs, err := s.Changes(ctx, s.Device(), 1, 0)
	if err != nil || uint64(len(chs)) != s.LastSeq() {
		t.Fatalf("change log: %d entries, last seq %d, %v", len(chs), s.LastSeq(), err)
	}
	t.Logf("%d acknowledged saves over %d kills, all present", len(acked), rounds)
}
