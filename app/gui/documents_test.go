package gui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/app/i18n"
)

func TestDocumentsMenuMakesPDFs(t *testing.T) {
	w := newTestWindow(t, seeded(t))
	waitFor(t, "missions", func() bool { return len(w.missions) == 2 && len(w.missionsScr.rows) > 0 })
	menu := w.win.MainMenu()
	if menu == nil || len(menu.Items) != 4 || len(menu.Items[1].Items) != 4 || menu.Items[2].Label != i18n.T("menu.cards") {
		t.Fatalf("main menu: %+v", menu)
	}
	if menu.Items[1].Label != i18n.T("menu.documents") {
		t.Fatalf("second menu is %q", menu.Items[1].Label)
	}
	mission := w.missions[0] // Tashkent, the newest
	for _, kind := range []docKind{docCatalogue, docReport, docFollowUps, docBrochure} {
		target := mission.ID
		if kind == docBrochure {
			target = mission.Members[0]
		}
		path := filepath.Join(t.TempDir(), fileName(kind, mission.Name))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		finished := false
		var genErr error
		w.makeDocument(kind, target, "ru", f, func(err error) { finished, genErr = true, err })
		waitFor(t, "the PDF", func() bool { return finished })
		if genErr != nil {
			t.Fatalf("document %d: %v", kind, genErr)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Fatalf("document %d is not a PDF (%d bytes, %v)", kind, len(b), err)
		}
		if _, err := exec.LookPath("pdftotext"); err == nil && kind != docBrochure {
			out, err := exec.Command("pdftotext", path, "-").Output()
			if err != nil || !strings.Contains(string(out), mission.Name) {
				t.Fatalf("document %d text lacks the mission name: %v %.300s", kind, err, out)
			}
		}
	}
}

func TestFileNameIsSafe(t *testing.T) {
	if got := fileName(docBrochure, `Šmidt & Põder: "A/B"`); got != `brochure Šmidt & Põder- -A-B-.pdf` {
		t.Fatalf("file name %q", got)
	}
}
