package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func TestDocumentCommands(t *testing.T) {
	dir := t.TempDir()
	mustOK(t, fb(t, dir, "demo"))
	var missions []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "missions", "--json")).stdout), &missions)
	ids := map[string]string{}
	for _, m := range missions {
		ids[m["country"].(string)] = m["id"].(string)
	}
	var hits []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "search", "ТОШКЕНТ СУВ", "--json")).stdout), &hits)
	org := hits[0]["id"].(string)
	out := t.TempDir()

	brochure := filepath.Join(out, "brochure.pdf")
	if r := mustOK(t, fb(t, dir, "brochure", "--org", org, "--lang", "ru", "--out", brochure)); r.lastLine() != brochure {
		t.Fatalf("brochure prints its file last: %q", r.stdout)
	}
	if txt := pdfText(t, brochure); !strings.Contains(txt, "ТОШКЕНТ СУВ ХИЗМАТИ") {
		t.Fatalf("brochure text: %s", txt)
	}
	catalogue := filepath.Join(out, "catalogue.pdf")
	mustOK(t, fb(t, dir, "catalogue", "--mission", ids["UZ"], "--lang", "et", "--out", catalogue))
	if txt := pdfText(t, catalogue); !strings.Contains(txt, "Šmidt & Põder") || !strings.Contains(txt, "Cleantech mission to Tashkent") {
		t.Fatalf("catalogue text lacks the member companies: %.500s", txt)
	}
	report := filepath.Join(out, "report.pdf")
	mustOK(t, fb(t, dir, "report", "--mission", ids["ZA"], "--out", report, "--lang", "fi"))
	if txt := pdfText(t, report); !strings.Contains(txt, "Richards Bay") {
		t.Fatalf("report text: %.500s", txt)
	}
	list := filepath.Join(out, "followups.pdf")
	r := mustOK(t, fb(t, dir, "export", "followups", "--format", "pdf", "--mission", ids["ZA"], "--status", "done", "--out", list))
	if !strings.Contains(r.stdout, "follow-ups") {
		t.Fatalf("export output: %q", r.stdout)
	}
	if txt := pdfText(t, list); !strings.Contains(txt, "Mechatronics delegation to Richards Bay") {
		t.Fatalf("follow-up list text: %.500s", txt)
	}

	// Bad input: clear errors, exit 2, and no file left behind.
	bad := filepath.Join(out, "bad.pdf")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"brochure", "--out", bad}, "--org"},
		{[]string{"brochure", "--org", ids["ZA"], "--out", bad}, "not an organization"},
		{[]string{"catalogue", "--mission", org, "--out", bad}, "not a mission"},
		{[]string{"catalogue", "--mission", ids["ZA"]}, "--out"},
		{[]string{"report", "--mission", ids["ZA"], "--lang", "de", "--out", bad}, "--lang"},
		{[]string{"export", "followups", "--format", "docx", "--out", bad}, "--format"},
		{[]string{"export", "followups", "--format", "pdf", "--status", "later", "--out", bad}, "--status"},
	} {
		r := fb(t, dir, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want exit 2 mentioning %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatalf("a failed command left %s behind", bad)
	}
	// A missing directory fails (exit 1) without creating anything.
	if r := fb(t, dir, "report", "--mission", ids["ZA"], "--out", filepath.Join(out, "no", "such", "dir.pdf")); r.code != 1 {
		t.Fatalf("unwritable output: exit %d %s", r.code, r.stderr)
	}
}
