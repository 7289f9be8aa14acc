package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/clusme/fieldbook/data"
)

func exportFollowUps(t *testing.T, st Source, f Filter, format Format, opt Options) ([]byte, int) {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = fixedNow
	}
	var buf bytes.Buffer
	n, err := ExportFollowUps(context.Background(), st, f, format, opt, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), n
}

func csvBack(t *testing.T, b []byte, sep rune) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: % x", b[:min(8, len(b))])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = sep
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestFollowUpsCSV(t *testing.T) {
	ctx := context.Background()
	st := sampleStore(t)
	// Text that needs quoting, and text a spreadsheet would run as a formula.
	fu := &data.FollowUp{Title: "=HYPERLINK(\"http://evil.example\",\"click\")", Details: "Line one, with comma\nline \"two\"; ok",
		Owner: "+Sanna Heikkilä", Due: "2026-04-02", Mission: richardsBay, Org: hydroset}
	if err := st.Create(ctx, fu); err != nil {
		t.Fatal(err)
	}
	for _, sep := range []rune{',', ';'} {
		b, n := exportFollowUps(t, st, Filter{}, CSV, Options{Sep: sep})
		if n != 34 {
			t.Errorf("sep %q: exported %d follow-ups, want 34", sep, n)
		}
		if !bytes.Contains(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n\"")) {
			t.Errorf("sep %q: lines do not end CRLF", sep)
		}
		rows := csvBack(t, b, sep)
		if len(rows) != 35 {
			t.Fatalf("sep %q: %d rows, want header + 34", sep, len(rows))
		}
		want := []string{"Due", "Status", "Priority", "Owner", "Company", "Contact", "Mission", "Meeting", "Title", "Details", "ID"}
		if strings.Join(rows[0], "|") != strings.Join(want, "|") {
			t.Errorf("header %q", rows[0])
		}
		var got []string
		for _, r := range rows[1:] {
			if len(r) != 11 {
				t.Fatalf("row with %d cells: %q", len(r), r)
			}
			if !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(r[0]) {
				t.Errorf("due %q is not YYYY-MM-DD", r[0])
			}
			if r[10] == string(fu.ID) {
				got = r
			}
		}
		if got == nil {
			t.Fatal("new follow-up missing")
		}
		if got[8] != "'"+fu.Title || got[3] != "'"+fu.Owner {
			t.Errorf("formula cells not defused: title %q owner %q", got[8], got[3])
		}
		if got[9] != fu.Details {
			t.Errorf("details %q, want %q", got[9], fu.Details)
		}
		if got[4] != "Hydroset Oy" || got[6] != "Mechatronics delegation to Richards Bay 2026" || got[1] != "Open" || got[2] != "Normal" {
			t.Errorf("row %q", got)
		}
		// Sorted by due date.
		for i := 2; i < len(rows); i++ {
			if rows[i][0] < rows[i-1][0] {
				t.Errorf("row %d due %s before %s", i, rows[i][0], rows[i-1][0])
			}
		}
	}
	// Translated headers and status words.
	b, _ := exportFollowUps(t, st, Filter{Status: data.StatusInProgress}, CSV, Options{Lang: "ru", Sep: ';'})
	rows := csvBack(t, b, ';')
	if rows[0][0] != "Срок" || rows[1][1] != "В работе" {
		t.Errorf("ru: header %q, status %q", rows[0], rows[1][1])
	}
}

func TestExportOptionErrors(t *testing.T) {
	st := sampleStore(t)
	ctx := context.Background()
	cases := []struct {
		f   Filter
		fm  Format
		opt Options
	}{
		{Filter{}, CSV, Options{Sep: '\t'}},
		{Filter{}, CSV, Options{Lang: "de"}},
		{Filter{}, JSON, Options{}},
		{Filter{Status: "finished"}, CSV, Options{}},
		{Filter{DueFrom: "2026-13-01"}, CSV, Options{}},
		{Filter{DueFrom: "2026-05-01", DueTo: "2026-04-01"}, CSV, Options{}},
		{Filter{Mission: "nope"}, CSV, Options{}},
		{Filter{Mission: hydroset}, CSV, Options{}},
	}
	for _, c := range cases {
		_, err := ExportFollowUps(ctx, st, c.f, c.fm, c.opt, &bytes.Buffer{})
		if !errors.Is(err, data.ErrInvalid) {
			t.Errorf("%+v %s %+v: err %v, want ErrInvalid", c.f, c.fm, c.opt, err)
		}
	}
	if _, err := ExportContacts(ctx, st, Filter{}, ICS, Options{}, &bytes.Buffer{}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("contacts as ics: %v", err)
	}
	if _, err := ExportFollowUps(ctx, st, Filter{Mission: data.NewID()}, CSV, Options{}, &bytes.Buffer{}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown mission: %v", err)
	}
}

func TestFollowUpFilters(t *testing.T) {
	st := sampleStore(t)
	private := addPrivateFollowUp(t, st)
	count := func(f Filter) int {
		_, n := exportFollowUps(t, st, f, CSV, Options{})
		return n
	}
	cases := []struct {
		name string
		f    Filter
		want int
	}{
		{"all shared", Filter{}, 33},
		{"with private", Filter{IncludePrivate: true}, 34},
		{"richards bay", Filter{Mission: richardsBay}, 18},
		{"tashkent", Filter{Mission: tashkent}, 15},
		{"tashkent+private", Filter{Mission: tashkent, IncludePrivate: true}, 16},
		{"owner folded", Filter{Owner: "zanna ivanova"}, 3},
		{"owner+private", Filter{Owner: "Žanna Ivanova", IncludePrivate: true}, 4},
		{"done", Filter{Status: data.StatusDone}, 19},
		{"dropped", Filter{Status: data.StatusDropped}, 3},
		{"nothing", Filter{DueFrom: "2030-01-01"}, 0},
	}
	for _, c := range cases {
		if got := count(c.f); got != c.want {
			t.Errorf("%s: %d follow-ups, want %d", c.name, got, c.want)
		}
	}
	// A due range is inclusive at both ends.
	b, _ := exportFollowUps(t, st, Filter{}, CSV, Options{})
	rows := csvBack(t, b, ',')[1:]
	from, to := rows[3][0], rows[20][0]
	want := 0
	for _, r := range rows {
		if r[0] >= from && r[0] <= to {
			want++
		}
	}
	if got := count(Filter{DueFrom: data.Date(from), DueTo: data.Date(to)}); got != want {
		t.Errorf("due %s…%s: %d, want %d", from, to, got, want)
	}
	if bytes.Contains(b, []byte(private.Title)) {
		t.Error("private follow-up exported without IncludePrivate")
	}
}

func TestFollowUpsXLSX(t *testing.T) {
	st := sampleStore(t)
	loose := &data.FollowUp{Title: "Renew cluster membership", Due: "2026-09-30", Owner: "Riikka Öhman"}
	if err := st.Create(context.Background(), loose); err != nil {
		t.Fatal(err)
	}
	b, n := exportFollowUps(t, st, Filter{}, XLSX, Options{})
	if n != 34 {
		t.Fatalf("%d follow-ups", n)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	want := []string{"Mechatronics delegation to Rich", "Cleantech mission to Tashkent 2", "No mission"}
	if strings.Join(sheets, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q, want %q", sheets, want)
	}
	perSheet := map[string]int{}
	for _, sh := range sheets {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		perSheet[sh] = len(rows) - 1
		if rows[0][0] != "Due" || rows[0][10] != "ID" {
			t.Errorf("%s: header %q", sh, rows[0])
		}
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v %v", sh, panes, err)
		}
		// The due date is a number cell with a date format.
		typ, _ := f.GetCellType(sh, "A2")
		raw, _ := f.GetCellValue(sh, "A2", excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(sh, "A2")
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || !regexp.MustCompile(`^\d+(\.\d+)?$`).MatchString(raw) {
			t.Errorf("%s A2: type %v raw %q, want a date serial", sh, typ, raw)
		}
		if shown != rows[1][0] || !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(shown) {
			t.Errorf("%s A2 shows %q", sh, shown)
		}
		style, _ := f.GetCellStyle(sh, "A2")
		st, _ := f.GetStyle(style)
		if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("%s A2 style %+v", sh, st)
		}
		head, _ := f.GetCellStyle(sh, "A1")
		hs, _ := f.GetStyle(head)
		if hs == nil || hs.Font == nil || !hs.Font.Bold || len(hs.Fill.Color) == 0 {
			t.Errorf("%s header style %+v", sh, hs)
		}
		w, _ := f.GetColWidth(sh, "J")
		if w < 8 || w > maxWideColumn {
			t.Errorf("%s details width %v", sh, w)
		}
	}
	if perSheet[want[0]] != 18 || perSheet[want[1]] != 15 || perSheet[want[2]] != 1 {
		t.Errorf("rows per sheet %v", perSheet)
	}
	// Autofilter: excelize has no getter, so look at the worksheet XML.
	if !bytes.Contains(unzip(t, b, "xl/worksheets/sheet1.xml"), []byte(`<autoFilter ref="$A$1:$K$19"`)) {
		t.Error("sheet1 has no autofilter over A1:K19")
	}

	// One mission → one sheet named after it.
	b, _ = exportFollowUps(t, st, Filter{Mission: tashkent}, XLSX, Options{Lang: "fi"})
	f2, _ := excelize.OpenReader(bytes.NewReader(b))
	if got := f2.GetSheetList(); len(got) != 1 || got[0] != "Cleantech mission to Tashkent 2" {
		t.Errorf("sheets %q", got)
	}
	if v, _ := f2.GetCellValue(f2.GetSheetList()[0], "A1"); v != "Määräpäivä" {
		t.Errorf("fi header %q", v)
	}

	// An independent reader: openpyxl.
	b, _ = exportFollowUps(t, st, Filter{}, XLSX, Options{})
	out := python(t, "openpyxl", `
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    a2 = ws["A2"]
    print(ws.title, ws.max_row - 1, ws.freeze_panes, ws.auto_filter.ref, ws["A1"].font.b,
          isinstance(a2.value, datetime.datetime), a2.number_format, ws["I2"].value is not None)
`, writeTemp(t, "f.xlsx", b))
	wantOut := "Mechatronics delegation to Rich 18 A2 $A$1:$K$19 True True yyyy-mm-dd True\n" +
		"Cleantech mission to Tashkent 2 15 A2 $A$1:$K$16 True True yyyy-mm-dd True\n" +
		"No mission 1 A2 $A$1:$K$2 True True yyyy-mm-dd True\n"
	if out != wantOut {
		t.Errorf("openpyxl:\n%s\nwant:\n%s", out, wantOut)
	}
}

func TestSheetNames(t *testing.T) {
	used := map[string]bool{}
	got := []string{
		sheetName("Q1/Q2: [draft] *plan*?", used),
		sheetName("Cleantech mission to Tashkent 2026 — Ўзбекистон", used),
		sheetName("Cleantech mission to Tashkent 2026 — again", used),
		sheetName("'quoted'", used),
		sheetName("", used),
		sheetName("history", used),
	}
	want := []string{"Q1 Q2 draft plan", "Cleantech mission to Tashkent 2", "Cleantech mission to Tashke (2)", "quoted", "Sheet", "Sheet (2)"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %q, want %q", i, got[i], want[i])
		}
		if n := len(utf16Units(got[i])); n > 31 {
			t.Errorf("%q is %d units", got[i], n)
		}
	}
}

func utf16Units(s string) []rune { return []rune(s) }

func TestContactsExport(t *testing.T) {
	st := sampleStore(t)
	ctx := context.Background()
	var buf bytes.Buffer
	n, err := ExportContacts(ctx, st, Filter{}, CSV, Options{Now: fixedNow}, &buf)
	if err != nil || n != 42 {
		t.Fatalf("%d contacts, %v", n, err)
	}
	rows := csvBack(t, buf.Bytes(), ',')
	if strings.Join(rows[0], "|") != "Given name|Family name|Job title|Company|Country|Email|Phone|Notes|ID" {
		t.Errorf("header %q", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == "Sipho" {
			found = true
			if r[3] != "Nyathi Heavy Equipment (Pty) Ltd" || r[4] != "South Africa" || r[6] != "'+27 82 614 3350; +27 35 797 4012" {
				t.Errorf("Sipho: %q", r)
			}
		}
	}
	if !found {
		t.Error("Sipho missing")
	}
	// Tashkent: its delegates, the attendees of its meetings and the people
	// of its member and host orgs — no South African hosts.
	buf.Reset()
	n, err = ExportContacts(ctx, st, Filter{Mission: tashkent}, XLSX, Options{Lang: "et"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = f.GetRows("Kontaktid")
	if len(rows)-1 != n || n < 8 {
		t.Fatalf("%d rows for %d contacts", len(rows)-1, n)
	}
	text := fmt.Sprint(rows)
	for _, want := range []string{"Ғулом", "Ирина", "Kadri", "Usbekistan"} {
		if !strings.Contains(text, want) {
			t.Errorf("tashkent contacts lack %q", want)
		}
	}
	if strings.Contains(text, "Sipho") {
		t.Error("a Richards Bay host is among the Tashkent contacts")
	}
	if rows[0][0] != "Eesnimi" {
		t.Errorf("et header %q", rows[0])
	}
}

// TestContactsRoundTrip exports contacts in every language and imports
// the file into an empty store: the headers Fieldbook writes are headers
// it reads.
func TestContactsRoundTrip(t *testing.T) {
	src := sampleStore(t)
	ctx := context.Background()
	for _, lang := range Languages {
		for _, format := range []Format{CSV, XLSX} {
			var buf bytes.Buffer
			n, err := ExportContacts(ctx, src, Filter{}, format, Options{Lang: lang, Sep: ';'}, &buf)
			if err != nil {
				t.Fatal(err)
			}
			dst := openStore(t)
			rep, err := Import(ctx, dst, "contacts."+string(format), &buf, ImportOptions{})
			if err != nil {
				t.Fatalf("%s %s: %v", lang, format, err)
			}
			if len(rep.Problems) > 0 || rep.Count("create", data.KindContact) != n || rep.Count("create", data.KindOrg) != 23 {
				t.Errorf("%s %s: %d contacts, %d orgs created, problems %v, columns %v", lang, format,
					rep.Count("create", data.KindContact), rep.Count("create", data.KindOrg), rep.Problems, rep.Columns)
			}
		}
	}
}

func TestICS(t *testing.T) {
	st := sampleStore(t)
	ctx := context.Background()
	long := &data.FollowUp{Title: "Отправить предложение по водомерам «Ўзсаноат» — Tõrva Velg, Jäätmeenergia; Šmidt\\Põder",
		Details: strings.Repeat("Ääniä ja õunu, ещё ёлки; ", 12) + "\nnew line", Due: "2026-06-01", Mission: tashkent,
		Priority: data.PriorityHigh, Status: data.StatusInProgress}
	if err := st.Create(ctx, long); err != nil {
		t.Fatal(err)
	}
	addPrivateFollowUp(t, st)
	b1, n := exportFollowUps(t, st, Filter{}, ICS, Options{})
	if n != 34 {
		t.Fatalf("%d follow-ups", n)
	}
	b2, _ := exportFollowUps(t, st, Filter{}, ICS, Options{})
	if !bytes.Equal(b1, b2) {
		t.Error("two exports differ")
	}
	checkICSLines(t, b1)
	s := string(b1)
	for _, want := range []string{"BEGIN:VCALENDAR\r\nPRODID:", "VERSION:2.0\r\n", "CALSCALE:GREGORIAN\r\n", "METHOD:PUBLISH\r\n",
		"UID:" + string(long.ID) + "-event@fieldbook.clusme.eu\r\n", "UID:" + string(long.ID) + "-todo@fieldbook.clusme.eu\r\n",
		"DTSTAMP:20260615T083000Z\r\n", "DTSTART;VALUE=DATE:20260601\r\n", "DTEND;VALUE=DATE:20260602\r\n", "DUE;VALUE=DATE:20260601\r\n",
		"TRIGGER:PT9H\r\n", "STATUS:IN-PROCESS\r\n", "PRIORITY:1\r\n", "STATUS:COMPLETED\r\n", "STATUS:CANCELLED\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(s, "Secret") {
		t.Error("private follow-up exported")
	}
	out := python(t, "icalendar", `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
events = cal.walk("VEVENT"); todos = cal.walk("VTODO")
print(len(events), len(todos), len(cal.walk("VALARM")))
for c in events + todos:
    if c["UID"].startswith(sys.argv[2]):
        print(c.name, c["UID"], str(c["SUMMARY"]))
        print(json.dumps(str(c["DESCRIPTION"]), ensure_ascii=False))
        print(c.get("DTSTART", c.get("DUE")).dt, c.get("PRIORITY"))
`, writeTemp(t, "f.ics", b1), string(long.ID))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	alarms := 0
	for _, l := range strings.Split(s, "\r\n") {
		if l == "BEGIN:VALARM" {
			alarms++
		}
	}
	if lines[0] != fmt.Sprintf("34 34 %d", alarms) || alarms != 12 {
		t.Errorf("counts %q (alarms in file %d, want 12 open/in-progress)", lines[0], alarms)
	}
	wantEvent := "VEVENT " + string(long.ID) + "-event@fieldbook.clusme.eu " + long.Title
	if len(lines) < 7 || lines[1] != wantEvent || lines[4] != "VTODO "+string(long.ID)+"-todo@fieldbook.clusme.eu "+long.Title {
		t.Fatalf("python read:\n%s", out)
	}
	wantDesc, _ := json.Marshal(strings.TrimSpace(long.Details) + "\n\nMission: Cleantech mission to Tashkent 2026")
	if lines[2] != string(wantDesc) {
		t.Errorf("description %s", lines[2])
	}
	if lines[3] != "2026-06-01 None" || lines[6] != "2026-06-01 1" {
		t.Errorf("dates %q %q", lines[3], lines[6])
	}
}

// checkICSLines checks every physical line: CRLF, at most 75 octets, and
// valid UTF-8 on its own (a fold never splits a character).
func checkICSLines(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) {
		t.Error("does not end with END:VCALENDAR CRLF")
	}
	folded := 0
	for i, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\r\n")), []byte("\r\n")) {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets", i+1, len(l))
		}
		if !utf8.Valid(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF", i+1)
		}
		if len(l) > 0 && l[0] == ' ' {
			folded++
		}
	}
	if folded == 0 {
		t.Error("no folded lines: the test data should need folding")
	}
}

func TestICSFold(t *testing.T) {
	for _, s := range []string{strings.Repeat("ä", 100), strings.Repeat("a", 74) + "Ж" + strings.Repeat("ў", 80), "x:" + strings.Repeat("€", 60) + "🙂🙂🙂"} {
		var buf bytes.Buffer
		iw := &icsWriter{w: bufioWriter(&buf)}
		iw.line(s)
		iw.w.Flush()
		for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Errorf("bad fold %q", l)
			}
		}
		// Unfolding gives the original back.
		if got := strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n ", ""); got != s {
			t.Errorf("unfolded %q, want %q", got, s)
		}
	}
	if got := escapeText("a\\b;c,d\r\ne\nf\x01"); got != `a\\b\;c\,d\ne\nf` {
		t.Errorf("escape %q", got)
	}
}
