package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// zbar decodes a QR image with zbarimg, an independent decoder; CI
// installs it, elsewhere the check is skipped.
func zbar(t *testing.T, png string) string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zbarimg is missing (Debian zbar-tools)")
		}
		t.Skip("zbarimg not installed")
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", "-Sbinary", png).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v", png, err)
	}
	return string(out)
}

func TestMyCardQRScannedByAnotherDecoder(t *testing.T) {
	dir := t.TempDir()
	out := t.TempDir()
	if r := fb(t, dir, "card", "qr", "--me", "--out", filepath.Join(out, "x.png")); r.code != 2 || !strings.Contains(r.stderr, "me set") {
		t.Fatalf("qr without a card: exit %d %q, want 2 telling how to set it up", r.code, r.stderr)
	}
	if r := fb(t, dir, "me", "set", "--name", "Aino Järvinen", "--email", "aino@"); r.code != 2 || !strings.Contains(r.stderr, "email") {
		t.Fatalf("bad e-mail: exit %d %q", r.code, r.stderr)
	}
	mustOK(t, fb(t, dir, "me", "set", "--name", "Aino Järvinen", "--org", "Lämpö Oy", "--title", "Myyntijohtaja",
		"--email", "aino.jarvinen@lampo.fi", "--phone", "+358 40 123 4567", "--website", "https://lampo.fi"))
	// Later changes touch only what is given.
	mustOK(t, fb(t, dir, "me", "set", "--mobile", "+358 50 765 4321"))
	var p map[string]string
	if err := json.Unmarshal([]byte(mustOK(t, fb(t, dir, "me", "show", "--json")).stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p["given_name"] != "Aino" || p["family_name"] != "Järvinen" || p["mobile"] != "+358 50 765 4321" || p["email"] != "aino.jarvinen@lampo.fi" {
		t.Fatalf("profile %v", p)
	}

	png := filepath.Join(out, "me.png")
	r := mustOK(t, fb(t, dir, "card", "qr", "--me", "--out", png))
	if !strings.Contains(r.stdout, "QR version") || r.lastLine() != png {
		t.Fatalf("card qr output %q", r.stdout)
	}
	// zbar reads the same payload Fieldbook's decoder reads.
	scanned := zbar(t, png)
	ours := mustOK(t, fb(t, dir, "card", "decode", png)).stdout
	if strings.TrimRight(scanned, "\r\n") != strings.TrimRight(ours, "\r\n") {
		t.Fatalf("zbar and Fieldbook disagree:\nzbar: %q\nours: %q", scanned, ours)
	}
	for _, want := range []string{"BEGIN:VCARD", "VERSION:3.0", "Järvinen", "Lämpö Oy", "aino.jarvinen@lampo.fi", "+358 40 123 4567", "+358 50 765 4321"} {
		if !strings.Contains(scanned, want) {
			t.Errorf("scanned card lacks %q:\n%s", want, scanned)
		}
	}

	// Another delegate imports the scanned card: a new contact and company.
	other := t.TempDir()
	r = mustOK(t, fb(t, other, "card", "import", png, "--json"))
	var res []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0]["action"] != "create" || res[0]["name"] != "Aino Järvinen" || res[0]["new_org"] != true {
		t.Fatalf("import of the scanned card: %v", res)
	}
	id := res[0]["contact"].(string)
	var c map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, other, "show", id, "--json")).stdout), &c)
	if c["source"] != "qr" || c["title"] != "Myyntijohtaja" || len(c["phones"].([]any)) != 2 {
		t.Fatalf("imported contact %v", c)
	}
	// Scanning the same card again merges instead of duplicating.
	r = mustOK(t, fb(t, other, "card", "import", png))
	if !strings.Contains(r.stdout, "same") || !strings.HasPrefix(r.stdout, id) {
		t.Fatalf("second scan: %q, want the same contact %s", r.stdout, id)
	}
	var stats map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, other, "stats", "--json")).stdout), &stats)
	if stats["contact"] != 1 || stats["org"] != 1 {
		t.Fatalf("after two scans: %v", stats)
	}
}

func TestCardImportExportVCF(t *testing.T) {
	dir := t.TempDir()
	out := t.TempDir()
	vcf := filepath.Join(out, "in.vcf")
	os.WriteFile(vcf, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Қодиров;Ғайрат;;;\r\nFN:Ғайрат Қодиров\r\nORG:Тошкент Сув Таъминоти\r\n"+
		"TITLE:Бош муҳандис\r\nTEL;TYPE=WORK:+998 71 123 45 67\r\nEMAIL:g.qodirov@suv.uz\r\nEND:VCARD\r\n"+
		"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=A0okolaad;Mari;;;\r\nTEL;CELL:+372 5123 4567\r\nEND:VCARD\r\n"), 0o644)
	r := mustOK(t, fb(t, dir, "card", "import", vcf, "--dry-run"))
	if !strings.Contains(r.stdout, "dry run") {
		t.Fatalf("dry run: %q", r.stdout)
	}
	var stats map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &stats)
	if stats["contact"] != 0 {
		t.Fatalf("dry run wrote %v", stats)
	}
	r = mustOK(t, fb(t, dir, "card", "import", vcf))
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Ғайрат Қодиров") || !strings.Contains(lines[1], "Mari Šokolaad") {
		t.Fatalf("import: %q", r.stdout)
	}
	if hits := mustOK(t, fb(t, dir, "search", "qodirov")).stdout; !strings.Contains(hits, "Қодиров") {
		t.Errorf("search after import: %q", hits)
	}

	for _, v := range []string{"3.0", "4.0"} {
		file := filepath.Join(out, "all-"+v+".vcf")
		r = mustOK(t, fb(t, dir, "card", "export", "--all", "--version", v, "--out", file))
		if !strings.HasPrefix(r.stdout, "2 cards") {
			t.Fatalf("export %s: %q", v, r.stdout)
		}
		b, _ := os.ReadFile(file)
		if !strings.Contains(string(b), "VERSION:"+v) || !strings.Contains(string(b), "Қодиров") {
			t.Fatalf("export %s:\n%s", v, b)
		}
		// Importing the export into another store gives the same people.
		other := t.TempDir()
		r = mustOK(t, fb(t, other, "card", "import", file))
		if strings.Count(r.stdout, "create") != 2 {
			t.Fatalf("re-import of %s: %q", v, r.stdout)
		}
	}
	r = mustOK(t, fb(t, dir, "export", "contacts", "--format", "vcf", "--out", filepath.Join(out, "c.vcf")))
	if !strings.HasPrefix(r.stdout, "2 contacts") {
		t.Errorf("export contacts --format vcf: %q", r.stdout)
	}

	broken := filepath.Join(out, "broken.vcf")
	os.WriteFile(broken, []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half a card\r\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"card", "import", broken}, 2, "line 1"},
		{[]string{"card", "export", "--out", filepath.Join(out, "x.vcf")}, 2, "exactly one"},
		{[]string{"card", "export", "--all", "--version", "2.1", "--out", filepath.Join(out, "x.vcf")}, 2, "3.0 or 4.0"},
		{[]string{"card", "qr", "--contact", "nonsense", "--out", filepath.Join(out, "x.png")}, 2, "record ID"},
		{[]string{"card", "decode", vcf}, 1, "in.vcf"},
		{[]string{"card", "frobnicate"}, 2, "decode, import"},
	} {
		r := fb(t, dir, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %d mentioning %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "x.vcf")); err == nil {
		t.Error("a failed export left a file behind")
	}
}
