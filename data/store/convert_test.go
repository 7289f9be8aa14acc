package store

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// Names that must not be readable in the files of an encrypted store.
const (
	secretLatin    = "Zyxwvutsrq Qodirov"
	secretCyrillic = "Ҳамроқулова Дилфуза"
)

func testKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// fakeKeyring stands in for the vault's keyring in store-level tests: its
// content names the key it belongs to, so a test can tell whether the
// keyring in place matches the database.
func fakeKeyring(key []byte) []byte { return []byte(fmt.Sprintf(`{"fake-for":"%x"}`, key)) }

func writeFakeKeyring(key []byte) func(string) error {
	return func(tmp string) error {
		return os.WriteFile(filepath.Join(tmp, KeyringFile), fakeKeyring(key), 0o600)
	}
}

// filesContaining lists the files under dir whose raw bytes contain any of
// the needles.
func filesContaining(t testing.TB, dir string, needles ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				out = append(out, fmt.Sprintf("%s (%q)", strings.TrimPrefix(p, dir), n))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// snapshot is what a conversion must keep: every record, the device, the
// change log and the counts.
type snapshot struct {
	device data.ID
	seq    uint64
	stats  map[data.Kind]int
	recs   map[data.ID]string
	log    int
}

func takeSnapshot(t testing.TB, s *Store, ids []data.ID) snapshot {
	t.Helper()
	sn := snapshot{device: s.Device(), seq: s.LastSeq(), stats: s.Stats(ctx), recs: map[data.ID]string{}}
	for _, id := range ids {
		rec, err := s.Get(ctx, id)
		if err != nil {
			t.Fatalf("record %s: %v", id, err)
		}
		f, _ := data.FieldsOf(rec)
		sn.recs[id] = fmt.Sprint(f)
	}
	chs, err := s.Changes(ctx, s.Device(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	sn.log = len(chs)
	return sn
}

func (a snapshot) check(t testing.TB, b snapshot) {
	t.Helper()
	if a.device != b.device || a.seq != b.seq || a.log != b.log || fmt.Sprint(a.stats) != fmt.Sprint(b.stats) {
		t.Fatalf("store changed: device %s→%s seq %d→%d log %d→%d stats %v→%v", a.device, b.device, a.seq, b.seq, a.log, b.log, a.stats, b.stats)
	}
	for id, f := range a.recs {
		if b.recs[id] != f {
			t.Fatalf("record %s changed:\n%s\n%s", id, f, b.recs[id])
		}
	}
}

// secretStore makes a plaintext store with the fixture and two contacts
// whose names must not be readable once it is encrypted.
func secretStore(t *testing.T) (string, []data.ID) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, s)
	a := &data.Contact{GivenName: "Zyxwvutsrq", FamilyName: "Qodirov", Notes: secretLatin + " wants 40 pumps"}
	b := &data.Contact{GivenName: "Дилфуза", FamilyName: "Ҳамроқулова", Notes: secretCyrillic}
	for _, c := range []*data.Contact{a, b} {
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutBlob(ctx, []byte("card photo of "+secretLatin)); err != nil {
		t.Fatal(err)
	}
	// Control for the tests that look for these names in the files: while
	// the store is open its write-ahead log holds them as they are. (Once
	// closed, Badger's zstd tables hide short strings even in a plaintext
	// store, so a closed store proves nothing.)
	if hits := filesContaining(t, dir, "Zyxwvutsrq", "Ҳамроқулова"); len(hits) == 0 {
		t.Fatal("control: the open plaintext store should show the names in its files")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, []data.ID{f.mission.ID, f.host.ID, f.member.ID, f.contact.ID, f.meeting.ID, f.follow.ID, a.ID, b.ID}
}

func checkClean(t testing.TB, dir string, encrypted bool, key []byte) {
	t.Helper()
	for _, n := range []string{journalName, workName} {
		if exists(filepath.Join(dir, n)) {
			t.Fatalf("%s left behind", n)
		}
	}
	m, _, err := readMarker(dir)
	if err != nil || m.Encrypted != encrypted {
		t.Fatalf("marker says encrypted=%v (%v), want %v", m.Encrypted, err, encrypted)
	}
	kr, err := os.ReadFile(filepath.Join(dir, KeyringFile))
	switch {
	case encrypted && (err != nil || !bytes.Equal(kr, fakeKeyring(key))):
		t.Fatalf("keyring does not match the database: %q %v", kr, err)
	case !encrypted && err == nil:
		t.Fatalf("a plaintext store kept a keyring")
	}
}

func TestConvertRoundTrip(t *testing.T) {
	dir, ids := secretStore(t)
	s, _ := Open(ctx, dir, Options{})
	before := takeSnapshot(t, s, ids)
	s.Close()

	k1, k2 := testKey(t), testKey(t)
	if err := Convert(ctx, dir, nil, k1, writeFakeKeyring(k1)); err != nil {
		t.Fatal(err)
	}
	checkClean(t, dir, true, k1)
	secrets := []string{"Zyxwvutsrq", "Qodirov", "Ҳамроқулова", "Дилфуза", "zyxwvutsrq", "qodirov"}
	if hits := filesContaining(t, dir, secrets...); len(hits) > 0 {
		t.Fatalf("plaintext in the encrypted store: %v", hits)
	}
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("open without key: %v", err)
	}
	s, err := Open(ctx, dir, Options{EncryptionKey: k1})
	if err != nil {
		t.Fatal(err)
	}
	takeSnapshot(t, s, ids).check(t, before)
	if hits, _ := s.Search(ctx, "zyxwv", 5); len(hits) != 1 {
		t.Fatalf("search after conversion: %v", hitLabels(hits))
	}
	// The store goes on: the change log continues from the same sequence.
	extra := &data.Organization{Name: "After Conversion Oy", OrgKind: data.OrgPartner}
	if err := s.Create(ctx, extra); err != nil {
		t.Fatal(err)
	}
	if s.LastSeq() != before.seq+1 || s.Device() != before.device {
		t.Fatalf("seq %d after %d", s.LastSeq(), before.seq)
	}
	ids = append(ids, extra.ID)
	// Writing the names again puts them in the (encrypted) log: still not
	// readable, even while the store is open.
	again := &data.Contact{GivenName: "Zyxwvutsrq", FamilyName: "Qodirov", Notes: secretCyrillic}
	if err := s.Create(ctx, again); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, again.ID)
	if hits := filesContaining(t, dir, secrets...); len(hits) > 0 {
		t.Fatalf("plaintext in the open encrypted store: %v", hits)
	}
	mid := takeSnapshot(t, s, ids)
	s.Close()

	// A new key (what rotating the data key would do).
	if err := Convert(ctx, dir, k1, k2, writeFakeKeyring(k2)); err != nil {
		t.Fatal(err)
	}
	checkClean(t, dir, true, k2)
	if _, err := Open(ctx, dir, Options{EncryptionKey: k1}); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("old key after rotation: %v", err)
	}
	// Back to plaintext.
	if err := Convert(ctx, dir, k2, nil, nil); err != nil {
		t.Fatal(err)
	}
	checkClean(t, dir, false, nil)
	s, err = Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	takeSnapshot(t, s, ids).check(t, mid)
}

func TestConvertRefusesWrongKeyAndChangesNothing(t *testing.T) {
	dir, _ := secretStore(t)
	k := testKey(t)
	if err := Convert(ctx, dir, nil, k, writeFakeKeyring(k)); err != nil {
		t.Fatal(err)
	}
	before := dirDigest(t, dir)
	if err := Convert(ctx, dir, testKey(t), nil, nil); !errors.Is(err, data.ErrLocked) || !strings.Contains(err.Error(), "wrong passphrase or key") {
		t.Fatalf("wrong key: %v", err)
	}
	if err := Convert(ctx, dir, nil, nil, nil); !errors.Is(err, data.ErrLocked) {
		t.Fatalf("no key for an encrypted store: %v", err)
	}
	if err := Convert(ctx, dir, k[:16], nil, nil); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("short key: %v", err)
	}
	if after := dirDigest(t, dir); after != before {
		t.Fatal("a refused conversion changed the data directory")
	}
	if err := Convert(ctx, t.TempDir(), nil, k, nil); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("empty directory: %v", err)
	}
}

func TestConvertRefusesOpenStore(t *testing.T) {
	s, dir := openTemp(t)
	newFixture(t, s)
	err := Convert(ctx, dir, nil, testKey(t), nil)
	if !errors.Is(err, data.ErrInUse) || !strings.Contains(err.Error(), "in use by another Fieldbook") {
		t.Fatalf("convert while open: %v", err)
	}
}

func TestConvertChecksDiskSpace(t *testing.T) {
	dir, _ := secretStore(t)
	before := dirDigest(t, dir)
	saved := freeSpace
	t.Cleanup(func() { freeSpace = saved })
	freeSpace = func(string) (uint64, error) { return 3 << 20, nil }
	err := Convert(ctx, dir, nil, testKey(t), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "not enough free disk space for the conversion: need ~") || !strings.HasSuffix(err.Error(), "have 3 MB") {
		t.Fatalf("no space: %v", err)
	}
	if dirDigest(t, dir) != before {
		t.Fatal("a conversion refused for space changed the directory")
	}
}

// Crash tests. A child process (this test binary, started with
// convertChildEnv) converts a store; the parent kills it — at a named step
// of the conversion, or at a random moment — and then checks that the
// directory opens with the key its marker asks for, with every record, and
// with nothing of a conversion left over.

const (
	convertChildEnv = "FIELDBOOK_TEST_CONVERT_CHILD"
	crashAtEnv      = "FIELDBOOK_TEST_CONVERT_CRASH_AT"
	killsEnv        = "FIELDBOOK_KILLS"
)

// childKey is the data key both sides of the crash tests use.
var childKey = bytes.Repeat([]byte{0x5a}, 32)

func init() {
	// init runs before open_test.go's TestMain, which has its own child.
	if dir := os.Getenv(convertChildEnv); dir != "" {
		os.Exit(convertChild(dir))
	}
}

func killSelf() {
	p, _ := os.FindProcess(os.Getpid())
	p.Kill()
	select {} // the signal is on its way
}

// convertChild converts dir back and forth, announcing each step and each
// finished conversion on stdout; with crashAtEnv it dies at that step of
// the first.
func convertChild(dir string) int {
	if at := os.Getenv(crashAtEnv); at != "" {
		testHook = func(s string) {
			if s == at {
				killSelf()
			}
		}
	} else {
		testHook = func(s string) { fmt.Println("step", s) }
	}
	fmt.Println("ready")
	for {
		enc, err := Encrypted(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		if enc {
			err = Convert(ctx, dir, childKey, nil, nil)
		} else {
			err = Convert(ctx, dir, nil, childKey, writeFakeKeyring(childKey))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
		fmt.Println("converted")
	}
}

// crashTemplate is a plaintext store of n+10 records, made once per test.
func crashTemplate(t *testing.T, n int) (string, []data.ID) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, s)
	ids := []data.ID{f.mission.ID, f.contact.ID, f.meeting.ID, f.follow.ID}
	var recs []data.Record
	for i := range n {
		c := &data.Contact{GivenName: "Гулнора", FamilyName: fmt.Sprintf("Qodirova %d", i), Org: f.member.ID,
			Notes: strings.Repeat("suv hisoblagich ", i%20)}
		c.ID = data.NewID()
		recs = append(recs, c)
		ids = append(ids, c.ID)
	}
	if _, err := s.Import(ctx, recs, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, ids
}

// checkAfterCrash opens dir as its marker says and checks every record.
func checkAfterCrash(t *testing.T, dir string, ids []data.ID, want snapshot) bool {
	t.Helper()
	enc, err := Encrypted(dir)
	if err != nil {
		t.Fatalf("after the crash: %v", err)
	}
	var key []byte
	if enc {
		key = childKey
	}
	s, err := Open(ctx, dir, Options{EncryptionKey: key})
	if err != nil {
		t.Fatalf("open after the crash (encrypted=%v): %v", enc, err)
	}
	defer s.Close()
	checkClean(t, dir, enc, key)
	takeSnapshot(t, s, ids).check(t, want)
	return enc
}

func startChild(t *testing.T, dir string, env ...string) (*exec.Cmd, *bufio.Scanner, *strings.Builder) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), convertChildEnv+"="+dir), env...)
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %s", stderr.String())
	}
	return cmd, sc, &stderr
}

func TestConvertCrashAtEachStep(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	// The steps are about the journal, not volume: a small store will do.
	tmpl, ids := crashTemplate(t, 50)
	s, _ := Open(ctx, tmpl, Options{})
	want := takeSnapshot(t, s, ids)
	s.Close()
	// Before the journal the old copy stands; from the journal on, the
	// new one.
	steps := []struct {
		name      string
		encrypted bool
	}{
		{"copied", false}, {"verified", false}, {"journal", true}, {"moved-old", true},
		{"moved-new", true}, {"keyring", true}, {"marker", true}, {"journal-removed", true}, {"cleaned", true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyDir(t, tmpl, dir)
			cmd, sc, stderr := startChild(t, dir, crashAtEnv+"="+st.name)
			for sc.Scan() {
			}
			err := cmd.Wait()
			if err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("child was not killed at %s: %v %s", st.name, err, stderr.String())
			}
			if enc := checkAfterCrash(t, dir, ids, want); enc != st.encrypted {
				t.Fatalf("after a crash at %s the store is encrypted=%v, want %v", st.name, enc, st.encrypted)
			}
		})
	}
}

// TestConvertKilledAtRandom kills a converting child at random moments:
// 20 times by default, FIELDBOOK_KILLS=300 for a long run. The kills run
// in four lanes side by side, each with its own store of ~500 records
// (most of a round is waiting for fsync and process start-up).
func TestConvertKilledAtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	kills := 20
	if v := os.Getenv(killsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q", killsEnv, v)
		}
		kills = n
	}
	tmpl, ids := crashTemplate(t, 490)
	s, _ := Open(ctx, tmpl, Options{})
	want := takeSnapshot(t, s, ids)
	s.Close()

	const lanes = 4
	var total, encrypted, converted atomic.Int64
	var perSum atomic.Int64
	var mu sync.Mutex
	phases := map[string]int{} // kills by the last step reached
	t.Run("lanes", func(t *testing.T) {
		for lane := range lanes {
			n := kills / lanes
			if lane < kills%lanes {
				n++
			}
			t.Run(strconv.Itoa(lane), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				copyDir(t, tmpl, dir)
				// Calibrate in the lane's own conditions (the other
				// lanes compete for the disk): the time of a whole
				// conversion, start to finish.
				cmd, sc, stderr := startChild(t, dir)
				waitConverted := func() {
					for sc.Scan() {
						if sc.Text() == "converted" {
							return
						}
					}
					t.Fatalf("child failed: %s", stderr.String())
				}
				waitConverted()
				t0 := time.Now()
				waitConverted()
				per := time.Since(t0)
				perSum.Add(int64(per))
				cmd.Process.Kill()
				cmd.Wait()
				checkAfterCrash(t, dir, ids, want)
				for i := 0; i < n; i++ {
					cmd, sc, stderr := startChild(t, dir)
					done := make(chan int)
					var last string // the last step the child reported
					go func() {
						n := 0
						for sc.Scan() {
							if sc.Text() == "converted" {
								n++
								last = "converted"
							} else {
								last = strings.TrimPrefix(sc.Text(), "step ")
							}
						}
						done <- n
					}()
					// A random moment of the first conversion or the
					// start of the second.
					r, _ := rand.Int(rand.Reader, big.NewInt(int64(per)*3/2))
					time.Sleep(time.Duration(r.Int64()))
					cmd.Process.Kill()
					converted.Add(int64(<-done))
					if last == "" {
						last = "(copying)"
					}
					mu.Lock()
					phases[last]++
					mu.Unlock()
					if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
						t.Fatalf("kill %d: child ended by itself: %v %s", i, err, stderr.String())
					}
					total.Add(1)
					if checkAfterCrash(t, dir, ids, want) {
						encrypted.Add(1)
					}
				}
			})
		}
	})
	t.Logf("%d kills (one conversion ≈ %v; %d finished before a kill): every time exactly one complete store opened (%d encrypted, %d plaintext)",
		total.Load(), (time.Duration(perSum.Load()) / lanes).Round(time.Millisecond), converted.Load(), encrypted.Load(), total.Load()-encrypted.Load())
	t.Logf("kills by the last step the child had reached: %v", phases)
}

// TestOpenSurvivesEmptyLogFiles: a process killed between Badger creating
// a log file and sizing it leaves an empty file that badger.Open refuses
// (dgraph-io/badger#2207); Open (and every conversion) clears it first.
func TestOpenSurvivesEmptyLogFiles(t *testing.T) {
	s, dir := openTemp(t)
	f := newFixture(t, s)
	s.Close()
	for _, name := range []string{"00007.mem", "000009.vlog"} {
		db := filepath.Join(dir, dbName)
		os.WriteFile(filepath.Join(db, name), nil, 0o600)
		// Control: Badger itself fails on it.
		if bdb, err := badger.Open(badgerOptions(db, Options{})); err == nil {
			bdb.Close()
			t.Fatalf("control: badger.Open accepted an empty %s; the workaround may no longer be needed", name)
		}
		os.WriteFile(filepath.Join(db, name), nil, 0o600)
		s, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatalf("open with an empty %s: %v", name, err)
		}
		if _, err := s.Get(ctx, f.meeting.ID); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}
