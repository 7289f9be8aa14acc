package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

type result struct {
	code           int
	stdout, stderr string
}

func (r result) lastLine() string {
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	return lines[len(lines)-1]
}

func fb(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(append([]string{"--data", dir}, args...), &out, &errOut, nil)
	return result{code, out.String(), errOut.String()}
}

func mustOK(t *testing.T, r result) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	return r
}

func TestDemoStatsListShow(t *testing.T) {
	dir := t.TempDir()
	r := mustOK(t, fb(t, dir, "demo"))
	if !strings.Contains(r.stdout, "129 records created") {
		t.Fatalf("demo: %s", r.stdout)
	}
	r = mustOK(t, fb(t, dir, "demo"))
	if !strings.Contains(r.stdout, "0 records created, 129 already present") {
		t.Fatalf("second demo is not idempotent: %s", r.stdout)
	}
	var stats map[string]int
	if err := json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &stats); err != nil {
		t.Fatal(err)
	}
	if stats["mission"] != 2 || stats["meeting"] != 28 || stats["followup"] != 33 || stats["org"] != 23 || stats["contact"] != 42 || stats["seminar"] != 1 {
		t.Fatalf("stats %v", stats)
	}
	var missions []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "missions", "--json")).stdout), &missions)
	if len(missions) != 2 {
		t.Fatalf("missions: %v", missions)
	}
	var tashkent string
	for _, m := range missions {
		if m["country"] == "UZ" {
			tashkent = m["id"].(string)
		}
	}
	var meetings []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "meetings", "--mission", tashkent, "--json")).stdout), &meetings)
	if len(meetings) != 13 {
		t.Fatalf("Tashkent meetings: %d", len(meetings))
	}
	for i := 1; i < len(meetings); i++ {
		if meetings[i]["start"].(string) < meetings[i-1]["start"].(string) {
			t.Fatalf("meetings not in time order at %d", i)
		}
	}
	show := mustOK(t, fb(t, dir, "show", meetings[0]["id"].(string)))
	if !strings.Contains(show.stdout, "+05") || !strings.Contains(show.stdout, "UTC") {
		t.Fatalf("show prints local and UTC time: %s", show.stdout)
	}
	// Search folds case and diacritics, across scripts.
	for q, want := range map[string]string{"тошкент": "ТОШКЕНТ", "smidt": "Šmidt", "kalibrointi": "Kalibrointi"} {
		r := mustOK(t, fb(t, dir, "search", q))
		if !strings.Contains(r.stdout, want) {
			t.Errorf("search %q: %s", q, r.stdout)
		}
	}
	// Estonian name order: Š after S, Ž after Z, Õ Ä Ö Ü at the end.
	r = mustOK(t, fb(t, dir, "--lang", "et", "list", "contacts"))
	if i, j := strings.Index(r.stdout, "Šmidt"), strings.Index(r.stdout, "Öhman"); i < 0 || j < 0 || i > j {
		t.Fatalf("Estonian collation: Šmidt should come before Öhman:\n%s", r.stdout)
	}
}

func TestAddSetDelete(t *testing.T) {
	dir := t.TempDir()
	mission := mustOK(t, fb(t, dir, "add", "mission", "--name", "Richards Bay 2027", "--country", "ZA",
		"--start", "2027-03-08", "--end", "2027-03-12", "--tz", "Africa/Johannesburg")).lastLine()
	org := mustOK(t, fb(t, dir, "add", "org", "--name", "Ҳамроев Қурилиш", "--kind", "host", "--country", "UZ")).lastLine()
	contact := mustOK(t, fb(t, dir, "add", "contact", "--given", "Ғулом", "--family", "Қодиров", "--org", org,
		"--email", "gulom@example.uz", "--phone", "+998 71 200 00 00")).lastLine()
	meeting := mustOK(t, fb(t, dir, "add", "meeting", "--mission", mission, "--title", "Cabin supply",
		"--start", "2027-03-09 10:30", "--org", org, "--contact", contact, "--notes", "Tõenäoliselt 40 kabiini aastas")).lastLine()
	fu := mustOK(t, fb(t, dir, "add", "followup", "--title", "Send quotation", "--due", "2027-04-01",
		"--owner", "Jüri Šmidt", "--meeting", meeting)).lastLine()
	for _, id := range []string{mission, org, contact, meeting, fu} {
		if _, err := data.ParseID(id); err != nil {
			t.Fatalf("add did not print an ID last: %q", id)
		}
	}
	var m map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", meeting, "--json")).stdout), &m)
	// 10:30 in Johannesburg (UTC+2) is 08:30 UTC.
	if m["start"] != "2027-03-09T08:30:00Z" || m["tz"] != "Africa/Johannesburg" || m["id"] != meeting {
		t.Fatalf("meeting: %v", m)
	}
	var f map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", fu, "--json")).stdout), &f)
	if f["mission"] != mission || f["org"] != org || f["status"] != "open" {
		t.Fatalf("follow-up inherits the meeting's mission and org: %v", f)
	}

	mustOK(t, fb(t, dir, "set", fu, "status=done", "done_at=2027-03-30", "priority=high"))
	mustOK(t, fb(t, dir, "set", meeting, "tags=cabins, hydraulics", "interest=hot", "duration_min=25"))
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", fu, "--json")).stdout), &f)
	if f["status"] != "done" || f["done_at"] != "2027-03-30" || f["priority"] != "high" {
		t.Fatalf("set: %v", f)
	}
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", meeting, "--json")).stdout), &m)
	if tags, _ := m["tags"].([]any); len(tags) != 2 || m["interest"] != "hot" || m["duration_min"] != 25.0 {
		t.Fatalf("set list/number fields: %v", m)
	}

	mustOK(t, fb(t, dir, "delete", contact))
	if r := fb(t, dir, "show", contact); r.code != 1 || !strings.Contains(r.stderr, "no record with ID") {
		t.Fatalf("show deleted: %d %s", r.code, r.stderr)
	}
	if r := mustOK(t, fb(t, dir, "search", "кодиров")); strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("deleted contact still found: %s", r.stdout)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	mission := mustOK(t, fb(t, dir, "add", "mission", "--name", "M", "--country", "UZ",
		"--start", "2027-05-01", "--end", "2027-05-05", "--tz", "Asia/Tashkent")).lastLine()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"add", "contact", "--given", "A", "--email", "not-an-email"}, 2, "emails"},
		{[]string{"add", "mission", "--name", "X", "--country", "ZA", "--start", "2027-03-08", "--end", "2027-03-01", "--tz", "Africa/Johannesburg"}, 2, "end"},
		{[]string{"add", "meeting", "--mission", mission, "--title", "T", "--start", "tomorrow"}, 2, "--start"},
		{[]string{"add", "meeting", "--mission", "01KDVDNA00HDQ1ZFJSSD7EEGDK", "--title", "T", "--start", "2027-05-02 10:00"}, 2, "--mission: no record"},
		{[]string{"add", "meeting", "--mission", mission, "--title", "T", "--start", "2027-05-02 10:00", "--org", "01KDVDNA00HDQ1ZFJSSD7EEGDK"}, 2, "no such organization"},
		{[]string{"add", "contact", "--given", "A", "--language", "not a language"}, 2, "languages"},
		{[]string{"list", "contacts", "--mission", mission}, 2, "does not apply"},
		{[]string{"list", "orgs", "--kind", "bogus"}, 2, "--kind"},
		{[]string{"search", " ,; "}, 2, "no words"},
		{[]string{"add", "followup", "--title", "x", "--due", "2027-02-30"}, 2, "due"},
		{[]string{"add", "org", "--name", "X", "--kind", "friend"}, 2, "kind"},
		{[]string{"add", "spaceship"}, 2, "unknown record type"},
		{[]string{"show", "nonsense"}, 2, "not a record ID"},
		{[]string{"show", "01KDVDNA00HDQ1ZFJSSD7EEGDK"}, 1, "no record with ID"},
		{[]string{"set", mission, "colour=blue"}, 2, "no such field"},
		{[]string{"set", mission, "start=yesterday"}, 2, "start"},
		{[]string{"set", mission, "id=01KDVDNA00HDQ1ZFJSSD7EEGDK"}, 2, "cannot be set"},
		{[]string{"list", "planets"}, 2, "unknown record type"},
		{[]string{"list", "followups", "--status", "someday"}, 2, "--status"},
		{[]string{"search"}, 2, "search"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"stats", "--bogus"}, 2, "bogus"},
		{[]string{"demo", "--scale", "-5"}, 2, "--scale"},
	}
	for _, c := range cases {
		r := fb(t, dir, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, r.code, r.stderr, c.code, c.want)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%v: error is %d lines, want one: %q", c.args, n+1, r.stderr)
		}
	}
	// Nothing invalid was saved.
	var stats map[string]int
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "stats", "--json")).stdout), &stats)
	if stats["mission"] != 1 || stats["contact"] != 0 || stats["org"] != 0 || stats["meeting"] != 0 {
		t.Fatalf("bad input saved something: %v", stats)
	}
}

func TestHelpAndVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"--help"}, &out, &errOut, nil); code != 0 || !strings.Contains(out.String(), "search") {
		t.Fatalf("--help: %d %q", code, out.String())
	}
	dir := t.TempDir()
	if r := fb(t, dir, "add", "meeting", "--help"); r.code != 0 || !strings.Contains(r.stdout, "-mission") {
		t.Fatalf("add meeting --help: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := mustOK(t, fb(t, dir, "version")); !strings.HasPrefix(r.stdout, "fieldbook "+Version) {
		t.Fatalf("version: %q", r.stdout)
	}
	if r := fb(t, dir, "--lang", "xx", "stats"); r.code != 2 {
		t.Fatalf("--lang xx: %d", r.code)
	}
}

func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := fb(t, dir, "stats")
	if r.code != 1 || !strings.Contains(r.stderr, "in use by another Fieldbook") {
		t.Fatalf("second process: exit %d, %q", r.code, r.stderr)
	}
}

func TestContractDetails(t *testing.T) {
	dir := t.TempDir()
	mission := mustOK(t, fb(t, dir, "add", "mission", "--name", "Tashkent 2027", "--country", "UZ",
		"--start", "2027-05-17", "--end", "2027-05-21", "--tz", "Asia/Tashkent")).lastLine()
	// Global flags may follow the command.
	var out, errOut bytes.Buffer
	if code := Main([]string{"stats", "--json", "--data", dir}, &out, &errOut, nil); code != 0 || !strings.Contains(out.String(), `"mission": 1`) {
		t.Fatalf("stats --data after the command: %d %s %s", code, out.String(), errOut.String())
	}
	// --json records say their type.
	var m map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", mission, "--json")).stdout), &m)
	if m["type"] != "mission" || m["id"] != mission {
		t.Fatalf("show --json: %v", m)
	}
	var list []map[string]any
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "list", "missions", "--json")).stdout), &list)
	if len(list) != 1 || list[0]["type"] != "mission" {
		t.Fatalf("list --json: %v", list)
	}
	// RFC 3339 starts are accepted by add as by set.
	meeting := mustOK(t, fb(t, dir, "add", "meeting", "--mission", mission, "--title", "Pitch", "--start", "2027-05-18T09:00:00+05:00")).lastLine()
	// set applies tz before start, whatever the order.
	mustOK(t, fb(t, dir, "set", meeting, "start=2027-05-18 11:30", "tz=Europe/Helsinki"))
	json.Unmarshal([]byte(mustOK(t, fb(t, dir, "show", meeting, "--json")).stdout), &m)
	if m["start"] != "2027-05-18T08:30:00Z" || m["tz"] != "Europe/Helsinki" {
		t.Fatalf("start read in the new zone: %v %v", m["start"], m["tz"])
	}
	// Lower-case IDs are accepted and stored canonically.
	org := mustOK(t, fb(t, dir, "add", "org", "--name", "Ўзбекистон Яшил Савдо", "--kind", "host")).lastLine()
	mustOK(t, fb(t, dir, "set", meeting, "orgs="+strings.ToLower(org)))
	if r := mustOK(t, fb(t, dir, "list", "meetings", "--org", org)); !strings.Contains(r.stdout, meeting) {
		t.Fatalf("meeting not listed by org after a lower-case link: %s", r.stdout)
	}
	// A follow-up cannot point at a meeting of another mission.
	other := mustOK(t, fb(t, dir, "add", "mission", "--name", "RB", "--country", "ZA",
		"--start", "2027-03-08", "--end", "2027-03-12", "--tz", "Africa/Johannesburg")).lastLine()
	if r := fb(t, dir, "add", "followup", "--title", "x", "--due", "2027-06-01", "--mission", other, "--meeting", meeting); r.code != 2 || !strings.Contains(r.stderr, "another mission") {
		t.Fatalf("follow-up across missions: %d %s", r.code, r.stderr)
	}
	// Deleting a mission leaves its meetings editable.
	mustOK(t, fb(t, dir, "delete", mission))
	mustOK(t, fb(t, dir, "set", meeting, "notes=still here"))
}
