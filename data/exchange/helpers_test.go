package exchange

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

var (
	fixedNow     = time.Date(2026, 6, 15, 8, 30, 0, 0, time.UTC)
	richardsBay  = sample.RefID("@mission:richards-bay-2026")
	tashkent     = sample.RefID("@mission:tashkent-2026")
	hydroset     = sample.RefID("@org:hydroset")
	tonuPoder    = sample.RefID("@contact:tonu-poder")
	toshkentZone = "Asia/Tashkent"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func sampleStore(t testing.TB) *store.Store {
	t.Helper()
	st := openStore(t)
	if _, err := sample.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

// python runs a script with Debian's Python (which has openpyxl and
// icalendar), skipping the test if the module is missing.
func python(t *testing.T, module, script string, args ...string) string {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import "+module).Run(); err != nil {
		t.Skipf("/usr/bin/python3 with %s is not available (apt-get install python3-%s)", module, module)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "check.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", append([]string{path}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return string(out)
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustGet[T data.Record](t testing.TB, st *store.Store, id data.ID) T {
	t.Helper()
	r, err := store.Load[T](context.Background(), st, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// addPrivateFollowUp adds a private follow-up to the Tashkent mission.
func addPrivateFollowUp(t testing.TB, st *store.Store) *data.FollowUp {
	t.Helper()
	fu := &data.FollowUp{Base: data.Base{Confidentiality: data.Private}, Title: "Secret: check Ҳусан's offer, «цены»",
		Owner: "Žanna Ivanova", Due: "2026-07-01", Mission: tashkent}
	if err := st.Create(context.Background(), fu); err != nil {
		t.Fatal(err)
	}
	return fu
}

func bufioWriter(w io.Writer) *bufio.Writer { return bufio.NewWriter(w) }

// unzip returns one member of a ZIP (an XLSX).
func unzip(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
