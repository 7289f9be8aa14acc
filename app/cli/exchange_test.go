package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportAndImportCommands(t *testing.T) {
	dir := t.TempDir()
	mustOK(t, fb(t, dir, "demo"))
	var missions []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "missions", "--json")).stdout), &missions)
	ids := map[string]string{}
	for _, m := range missions {
		ids[m["country"].(string)] = m["id"].(string)
	}
	out := t.TempDir()

	// CSV with ";" for Excel in Finnish, read back with encoding/csv.
	csvPath := filepath.Join(out, "fu.csv")
	r := mustOK(t, fb(t, dir, "export", "followups", "--format", "csv", "--sep", ";", "--mission", ids["ZA"], "--out", csvPath))
	if !strings.HasPrefix(r.stdout, "18 follow-ups") {
		t.Fatalf("export csv: %q", r.stdout)
	}
	b, _ := os.ReadFile(csvPath)
	if !strings.HasPrefix(string(b), "\ufeff") {
		t.Fatal("CSV lacks the UTF-8 BOM Excel needs")
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 19 {
		t.Fatalf("CSV read back: %d rows, %v", len(rows), err)
	}
	for _, f := range []string{"xlsx", "ics", "pdf"} {
		p := filepath.Join(out, "fu."+f)
		mustOK(t, fb(t, dir, "export", "followups", "--format", f, "--out", p))
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Fatalf("export %s: %v", f, err)
		}
	}
	mustOK(t, fb(t, dir, "export", "contacts", "--format", "xlsx", "--out", filepath.Join(out, "c.xlsx")))

	// Everything as JSON, into an empty store, twice.
	all := filepath.Join(out, "all.json")
	mustOK(t, fb(t, dir, "export", "all", "--format", "json", "--include-private", "--out", all))
	empty := t.TempDir()
	first := mustOK(t, fb(t, empty, "import", all))
	if !strings.Contains(first.stdout, "create 129") {
		t.Fatalf("first JSON import: %s", first.stdout)
	}
	second := mustOK(t, fb(t, empty, "import", all))
	if !strings.Contains(second.stdout, "create 0") {
		t.Fatalf("second JSON import is not idempotent: %.300s", second.stdout)
	}
	var a, b2 map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &a)
	json.Unmarshal([]byte(mustOK(t, fb(t, empty, "stats", "--json")).stdout), &b2)
	for k, v := range a {
		if b2[k] != v {
			t.Fatalf("after JSON round trip %s: %d, want %d", k, b2[k], v)
		}
	}

	// A participant list with Finnish headers, one bad row.
	list := filepath.Join(out, "osallistujat.csv")
	os.WriteFile(list, []byte("\ufeffEtunimi;Sukunimi;Yritys;Sähköposti;Maa\n"+
		"Ғулом;Қодиров;ТОШКЕНТ СУВ ХИЗМАТИ АЖ;gulom@suv.example;UZ\n"+
		"Aino;Mäkelä;Uusi Yritys Oy;aino@@bad;FI\n"+
		"Tõnu;Põder;Šmidt & Põder Automaatika OÜ;tonu.poder@smidt-poder.example;EE\n"), 0o600)
	dry := mustOK(t, fb(t, dir, "import", list, "--dry-run"))
	if !strings.Contains(dry.stdout, "dry run") || !strings.Contains(dry.stdout, "row 3") {
		t.Fatalf("dry run report: %s", dry.stdout)
	}
	var before map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &before)
	if before["contact"] != a["contact"] {
		t.Fatalf("dry run changed the store: %v vs %v", before, a)
	}
	mustOK(t, fb(t, dir, "import", list))
	again := mustOK(t, fb(t, dir, "import", list))
	if !strings.Contains(again.stdout, "create 0") {
		t.Fatalf("re-import created records: %s", again.stdout)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "followups", "--format", "docx", "--out", "x"}, "--format"},
		{[]string{"export", "followups", "--format", "vcf", "--out", "x"}, "--format"},
		{[]string{"export", "followups", "--format", "csv", "--sep", "|", "--out", "x"}, "--sep"},
		{[]string{"export", "followups", "--format", "csv"}, "--out"},
		{[]string{"export", "planets", "--format", "csv", "--out", "x"}, "followups, contacts or all"},
		{[]string{"import"}, "one file"},
		{[]string{"import", list, "--map", "nonsense"}, "COLUMN=FIELD"},
	} {
		r := fb(t, dir, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d %q, want 2 mentioning %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if r := fb(t, dir, "import", filepath.Join(out, "missing.csv")); r.code != 1 {
		t.Errorf("missing file: exit %d", r.code)
	}
}
