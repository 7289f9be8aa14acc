package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
)

func TestImportPreviewThenApply(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	list := []byte("\ufeffFirst name,Last name,Company,E-mail\n" +
		"Nilufar,Rahimova,Тошкент Вилоят Энергия,nilufar@energy.example\n" +
		"Bad,Row,Some Company,not-an-email\n")
	var rep *exchange.ImportReport
	done := false
	w.runImport(w.st, "participants.csv", list, true, func(r *exchange.ImportReport, err error) {
		if err != nil {
			t.Fatal(err)
		}
		rep, done = r, true
	})
	waitFor(t, "the dry run", func() bool { return done })
	if rep.Applied || len(rep.Problems) != 1 || rep.Problems[0].Row != 3 {
		t.Fatalf("dry run report: %+v", rep)
	}
	summary := importSummary(rep)
	if !strings.Contains(summary, "2 rows") || !strings.Contains(summary, "Row 3") {
		t.Fatalf("summary: %s", summary)
	}
	before := w.st.Stats(w.ctx)[data.KindContact]
	done = false
	w.runImport(w.st, "participants.csv", list, false, func(r *exchange.ImportReport, err error) {
		if err != nil {
			t.Fatal(err)
		}
		rep, done = r, true
	})
	waitFor(t, "the import", func() bool { return done })
	if !rep.Applied || w.st.Stats(w.ctx)[data.KindContact] != before+1 {
		t.Fatalf("import: %+v, contacts %d → %d", rep, before, w.st.Stats(w.ctx)[data.KindContact])
	}
}

func TestExportFromTheWindow(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	path := filepath.Join(t.TempDir(), "follow-ups.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, done := 0, false
	w.export("followups", exchange.XLSX, exchange.Filter{Mission: w.missions[0].ID}, f, func(count int, err error) {
		if err != nil {
			t.Fatal(err)
		}
		n, done = count, true
	})
	waitFor(t, "the export", func() bool { return done })
	b, _ := os.ReadFile(path)
	if n == 0 || len(b) < 4 || string(b[:2]) != "PK" {
		t.Fatalf("export wrote %d follow-ups, %d bytes", n, len(b))
	}
}
