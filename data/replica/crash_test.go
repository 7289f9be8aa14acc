package replica

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// The sync kill test: a child process saves and syncs in a loop (or only
// syncs, pulling a large backlog) and is killed with SIGKILL at random
// moments. After every kill the store must open without repair and keep
// every acknowledged save, and in the end every acknowledged record must
// reach a fresh replica through the folder — an interrupted sync loses
// nothing and leaves nothing that blocks the next.
//
// FIELDBOOK_KILLS sets the number of kills per phase (default 6; a soak:
// FIELDBOOK_KILLS=150 go test -run KilledSync ./data/replica).

const (
	crashChildEnv  = "FIELDBOOK_TEST_SYNC_CHILD" // "push DIR ROOT" or "pull DIR ROOT"
	crashKeyEnv    = "FIELDBOOK_TEST_SYNC_KEY"   // the age key, so children skip Argon2id
	crashRoundsEnv = "FIELDBOOK_KILLS"           // as data/store's kill tests
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(crashChildEnv); spec != "" {
		syncForever(strings.Fields(spec))
		return
	}
	os.Exit(m.Run())
}

func syncForever(spec []string) {
	mode, dir, root := spec[0], spec[1], spec[2]
	s, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	t, err := NewFolder(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	key, err := KeyFromSecret(os.Getenv(crashKeyEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		if mode == "push" {
			for j := 0; j < 7; j++ {
				c := &data.Contact{GivenName: "Ғулом", FamilyName: fmt.Sprintf("Қодиров %d-%d", i, j)}
				if err := s.Create(ctx, c); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(4)
				}
				fmt.Fprintln(out, "saved", c.ID)
				out.Flush()
			}
		}
		if _, err := Sync(ctx, s, t, key, Options{ConfirmDeletes: func(data.ID, string, int) bool { return true }}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(5)
		}
		fmt.Fprintln(out, "synced")
		out.Flush()
	}
}

// runKilled starts the child and kills it after a random number of lines
// (at least one), returning the IDs it acknowledged.
func runKilled(t *testing.T, spec string, maxLines int) []data.ID {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+spec, crashKeyEnv+"="+testKey().Secret())
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	limit := 1 + rand.IntN(maxLines)
	var acked []data.ID
	sc := bufio.NewScanner(stdout)
	lines := 0
	read := func() {
		if id, ok := strings.CutPrefix(sc.Text(), "saved "); ok {
			acked = append(acked, data.ID(id))
		}
		lines++
	}
	for lines < limit && sc.Scan() {
		read()
	}
	cmd.Process.Kill()
	for sc.Scan() { // written before the kill: acknowledged too
		read()
	}
	cmd.Wait()
	if lines == 0 {
		t.Fatalf("the child did nothing: %s", stderr.String())
	}
	return acked
}

func TestKilledSyncLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	rounds := 6
	if n, err := strconv.Atoi(os.Getenv(crashRoundsEnv)); err == nil && n > 0 {
		rounds = n
	}
	root, dirA, dirB := t.TempDir(), t.TempDir(), t.TempDir()
	// Phase 1: a writer saving and pushing, killed at random.
	var acked []data.ID
	for i := 0; i < rounds; i++ {
		acked = append(acked, runKilled(t, "push "+dirA+" "+root, 60)...)
	}
	a, err := store.Open(ctx, dirA, store.Options{})
	if err != nil {
		t.Fatalf("the writer's store after %d kills: %v", rounds, err)
	}
	for _, id := range acked {
		if _, err := a.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged save %s lost: %v", id, err)
		}
	}
	if _, err := Sync(ctx, a, folder(t, root), testKey(), Options{}); err != nil {
		t.Fatalf("sync after the kills: %v", err)
	}
	a.Close()
	// Phase 2: a reader pulling the backlog, killed at random.
	for i := 0; i < rounds; i++ {
		runKilled(t, "pull "+dirB+" "+root, 2)
	}
	b, err := store.Open(ctx, dirB, store.Options{})
	if err != nil {
		t.Fatalf("the reader's store after %d kills: %v", rounds, err)
	}
	defer b.Close()
	r, err := Sync(ctx, b, folder(t, root), testKey(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 0 {
		t.Fatalf("after the kills a sync reports %v", r.Problems)
	}
	for _, id := range acked {
		if _, err := b.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged save %s did not reach the other replica: %v", id, err)
		}
	}
	list, _ := b.List(ctx, store.Query{Kind: data.KindContact})
	if n := b.Stats(ctx)[data.KindContact]; n != len(list) || n < len(acked) {
		t.Fatalf("%d contacts counted, %d listed, %d acknowledged", n, len(list), len(acked))
	}
	t.Logf("%d acknowledged saves, %d kills of a writer and %d of a reader: all arrived", len(acked), rounds, rounds)
}
