package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeminarCommands runs a seminar from the command line: add it, put
// meetings on the agenda, be refused a double booking, record an outcome
// with a follow-up, import an agenda file and print both PDFs.
func TestSeminarCommands(t *testing.T) {
	dir := t.TempDir()
	mission := mustOK(t, fb(t, dir, "add", "mission", "--name", "Cleantech Tashkent 2027", "--country", "UZ",
		"--start", "2027-05-17", "--end", "2027-05-21", "--tz", "Asia/Tashkent")).lastLine()
	member := mustOK(t, fb(t, dir, "add", "org", "--name", "Päikesepaneel OÜ", "--kind", "member", "--country", "EE")).lastLine()
	host := mustOK(t, fb(t, dir, "add", "org", "--name", "Ҳамкор Қурилиш", "--kind", "host", "--country", "UZ")).lastLine()
	tonu := mustOK(t, fb(t, dir, "add", "contact", "--given", "Tõnu", "--family", "Põder", "--org", member)).lastLine()
	zanna := mustOK(t, fb(t, dir, "add", "contact", "--given", "Žanna", "--family", "Šmidt", "--org", member)).lastLine()
	gulom := mustOK(t, fb(t, dir, "add", "contact", "--given", "Ғулом", "--family", "Қодиров", "--org", host)).lastLine()
	mustOK(t, fb(t, dir, "set", mission, "delegates="+tonu+","+zanna))

	r := mustOK(t, fb(t, dir, "seminar", "add", "--mission", mission, "--name", "Tashkent B2B", "--date", "2027-05-19",
		"--start", "09:00", "--slots", "8", "--slot-minutes", "20", "--tables", "6", "--venue", "Toshkent Xalqaro Biznes Markazi",
		"--break", "3:20:Coffee"))
	sem := r.lastLine()
	if !strings.Contains(r.stdout, "2027-05-19 09:00–12:00 Asia/Tashkent, 8 slots of 20 min, 6 tables") {
		t.Fatalf("seminar add: %s", r.stdout)
	}
	var sems []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "seminars", "--mission", mission, "--json")).stdout), &sems)
	if len(sems) != 1 || sems[0]["type"] != "seminar" || sems[0]["tz"] != "Asia/Tashkent" || sems[0]["id"] != sem {
		t.Fatalf("list seminars: %v", sems)
	}
	if r := fb(t, dir, "seminar", "add", "--mission", mission, "--name", "Bad", "--date", "2027-05-19", "--start", "9",
		"--slots", "8", "--slot-minutes", "20", "--tables", "6"); r.code != 2 || !strings.Contains(r.stderr, "first_slot") {
		t.Fatalf("bad start: %d %s", r.code, r.stderr)
	}

	m1 := mustOK(t, fb(t, dir, "seminar", "schedule", "--seminar", sem, "--slot", "4", "--table", "2",
		"--delegate", tonu, "--with", gulom))
	meeting := m1.lastLine()
	if !strings.Contains(m1.stdout, "slot 4 (10:20), table 2: B2B: Päikesepaneel OÜ – Ҳамкор Қурилиш") {
		t.Fatalf("schedule: %s", m1.stdout)
	}
	// A clash is a failure (exit 1) with one line naming it.
	r = fb(t, dir, "seminar", "schedule", "--seminar", sem, "--slot", "10:20", "--table", "2", "--delegate", zanna, "--with", host)
	want := "fieldbook: table 2 in slot 4 (10:20) is already taken by B2B: Päikesepaneel OÜ – Ҳамкор Қурилиш\n"
	if r.code != 1 || r.stderr != want {
		t.Fatalf("table clash: exit %d, %q", r.code, r.stderr)
	}
	r = fb(t, dir, "seminar", "schedule", "--seminar", sem, "--slot", "4", "--table", "3", "--delegate", zanna, "--with", gulom)
	if r.code != 1 || !strings.Contains(r.stderr, "Ғулом Қодиров is already booked in slot 4 (10:20) at table 2") {
		t.Fatalf("host clash: exit %d, %q", r.code, r.stderr)
	}
	r = fb(t, dir, "seminar", "schedule", "--seminar", sem, "--slot", "10:05", "--table", "3", "--delegate", zanna, "--with", host)
	if r.code != 1 || !strings.Contains(r.stderr, "10:05 falls in the break “Coffee” (10:00–10:20)") {
		t.Fatalf("break: exit %d, %q", r.code, r.stderr)
	}
	if r = fb(t, dir, "seminar", "schedule", "--seminar", sem, "--slot", "1", "--table", "7", "--delegate", zanna, "--with", host); r.code != 2 {
		t.Fatalf("table out of range: exit %d, %q", r.code, r.stderr)
	}

	// The outcome and its follow-up.
	r = mustOK(t, fb(t, dir, "seminar", "outcome", "--meeting", meeting, "--status", "held", "--outcome", "offer_requested",
		"--notes", "Wants 40 kW rooftop systems", "--followup", "-"))
	fu := r.lastLine()
	var fuJSON map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", fu, "--json")).stdout), &fuJSON)
	if fuJSON["title"] != "Send the offer requested by Ҳамкор Қурилиш" || fuJSON["due"] != "2027-05-26" ||
		fuJSON["meeting"] != meeting || fuJSON["org"] != host || fuJSON["contact"] != gulom || fuJSON["owner"] != "Tõnu Põder" {
		t.Fatalf("follow-up: %v", fuJSON)
	}
	if r := fb(t, dir, "seminar", "outcome", "--meeting", meeting, "--status", "done"); r.code != 2 || !strings.Contains(r.stderr, "status") {
		t.Fatalf("bad status: %d %s", r.code, r.stderr)
	}

	// Import: one row clashes with the meeting above, the other is added.
	csv := filepath.Join(dir, "agenda.csv")
	os.WriteFile(csv, []byte("\uFEFFTime slot;Table no.;Requester;Requested;Requested company\n"+
		"10:20;2;Žanna Šmidt;;Yashil Savdo\n09:00;5;Žanna Šmidt;Ғулом Қодиров;Ҳамкор Қурилиш\n"), 0o600)
	var rep struct {
		Rows      int `json:"rows"`
		Scheduled []struct {
			Meeting string `json:"meeting"`
		} `json:"scheduled"`
		Problems []struct {
			Row     int    `json:"row"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	dry := mustOK(t, fb(t, dir, "seminar", "import", "--seminar", sem, csv, "--dry-run"))
	if !strings.Contains(dry.stdout, "row 3: would schedule slot 1, table 5") {
		t.Fatalf("dry run: %s", dry.stdout)
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "seminar", "import", "--seminar", sem, csv, "--json")).stdout), &rep)
	if rep.Rows != 2 || len(rep.Scheduled) != 1 || rep.Scheduled[0].Meeting == "" || len(rep.Problems) != 1 ||
		!strings.Contains(rep.Problems[0].Message, "table 2 in slot 4 (10:20) is already taken") {
		t.Fatalf("import: %+v", rep)
	}

	var agenda struct {
		Meetings []map[string]any `json:"meetings"`
		Summary  struct {
			Held int `json:"held"`
		} `json:"summary"`
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "seminar", "agenda", "--seminar", sem, "--json")).stdout), &agenda)
	if len(agenda.Meetings) != 2 || agenda.Summary.Held != 1 || agenda.Meetings[0]["slot"] != 1.0 {
		t.Fatalf("agenda: %+v", agenda)
	}

	grid := filepath.Join(dir, "grid.pdf")
	mine := filepath.Join(dir, "tonu.pdf")
	mustOK(t, fb(t, dir, "seminar", "agenda", "--seminar", sem, "--out", grid))
	mustOK(t, fb(t, dir, "--lang", "ru", "seminar", "agenda", "--seminar", sem, "--delegate", tonu, "--out", mine))
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed to read the PDFs back (Debian: poppler-utils)")
	}
	for path, want := range map[string][]string{
		grid: {"Tashkent B2B", "Tõnu Põder", "Žanna Šmidt", "Ҳамкор Қурилиш", "Coffee"},
		mine: {"Программа: Tõnu Põder", "Ғулом Қодиров", "Ҳамкор Қурилиш", "10:20–10:40"},
	} {
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%s: %q not in the text", filepath.Base(path), w)
			}
		}
	}
	// Seminars appear in stats, and agenda meetings in search.
	var stats map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &stats)
	if stats["seminar"] != 1 || stats["meeting"] != 2 {
		t.Fatalf("stats %v", stats)
	}
}
