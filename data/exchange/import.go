package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// ImportOptions say how a file is imported.
type ImportOptions struct {
	Mission data.ID           // agenda rows with a meeting time become meetings of this mission (required for those)
	Map     map[string]string // column header (as in the file, case/diacritics-insensitive) → field; overrides the heuristics. Fields: given_name, family_name, name (full name), company, country, email, phone, title, meeting_time, table, notes, ignore
	DryRun  bool
}

// Problem is a row that was not imported, and why.
type Problem struct {
	Row    int    `json:"row"` // 1-based row number in the file as a spreadsheet shows it (header = row 1)
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Msg    string `json:"message"`
}

func (p Problem) String() string {
	s := fmt.Sprintf("row %d", p.Row)
	if p.Column != "" {
		s += fmt.Sprintf(", column %q", p.Column)
	}
	if p.Value != "" {
		s += fmt.Sprintf(", value %q", p.Value)
	}
	return s + ": " + p.Msg
}

// Change is what an import did (or, in a dry run, would do) to one record.
type Change struct {
	Action string    `json:"action"` // "create" | "update" | "unchanged"
	Kind   data.Kind `json:"type"`
	ID     data.ID   `json:"id"`
	Label  string    `json:"label"`
	Fields []string  `json:"fields,omitempty"` // changed field names for update
}

// Problem messages. They are English, like every message of the core; a
// user interface translates the ones it knows.
const (
	MsgCountry   = "unknown country (write an ISO code such as FI or the country's name)"
	MsgEmail     = "not a valid e-mail address"
	MsgPhone     = "not a phone number"
	MsgNoName    = "no name and no company"
	MsgNoMission = "a meeting time needs the mission the meetings belong to"
	MsgTime      = `not a meeting time ("YYYY-MM-DD HH:MM", "DD.MM.YYYY HH:MM" or "HH:MM")`
	MsgDate      = `not a date ("YYYY-MM-DD" or "DD.MM.YYYY")`
)

// ImportReport says what an import read and changed.
type ImportReport struct {
	Format   string            `json:"format"`  // "csv", "xlsx" or "json"
	Columns  map[string]string `json:"columns"` // header → field as mapped (for the preview)
	Rows     int               `json:"rows"`    // data rows read
	Changes  []Change          `json:"changes"`
	Problems []Problem         `json:"problems"` // bad rows, reported by row number; the good rows are still imported
	Applied  bool              `json:"applied"`  // false for DryRun
}

// Count returns how many changes have action a (and kind k, unless "").
func (r *ImportReport) Count(a string, k data.Kind) int {
	n := 0
	for _, c := range r.Changes {
		if c.Action == a && (k == "" || c.Kind == k) {
			n++
		}
	}
	return n
}

// Import reads a participant/agenda list (CSV or XLSX, detected by
// content, name only as a hint) or a Fieldbook JSON export (idempotent:
// importing the same file twice changes nothing the second time) into st.
func Import(ctx context.Context, st *store.Store, name string, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	if name == "" {
		name = "the file"
	}
	over, err := checkMap(opt.Map)
	if err != nil {
		return nil, err
	}
	b, format, err := readImport(name, r)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Format: format}
	if format == "json" {
		if err := importJSON(ctx, st, name, b, opt, rep); err != nil {
			return nil, err
		}
		rep.Applied = !opt.DryRun
		return rep, nil
	}
	var rows []trow
	if format == "xlsx" {
		rows, err = readXLSX(name, b)
	} else {
		var text string
		if text, err = decodeText(name, b); err == nil {
			rows, err = readCSV(name, text)
		}
	}
	if err != nil {
		return nil, err
	}
	im, err := newImporter(ctx, st, name, format, rows, over, opt)
	if err != nil {
		return nil, err
	}
	im.rep = rep
	if err := im.run(); err != nil {
		return nil, err
	}
	if opt.DryRun {
		return rep, nil
	}
	if err := im.apply(); err != nil {
		return rep, err
	}
	rep.Applied = true
	return rep, nil
}

// entry is a record the import touches: an existing one (filled in) or a
// new one, with its line in the report.
type entry struct {
	rec    data.Record
	isNew  bool
	fields map[string]bool // changed fields of an existing record
	change int             // index in ImportReport.Changes
}

// importer holds the state of one table import: the header mapping, the
// existing records it matches against and everything it plans to write.
type importer struct {
	ctx     context.Context
	st      *store.Store
	name    string
	xlsx    bool
	rows    []trow // data rows, after the header
	cols    []colMap
	header  int // row number of the header
	mission *data.Mission
	loc     *time.Location
	rep     *ImportReport

	orgs      map[string]*entry // folded name → organization
	byEmail   map[string]*entry // lower-case e-mail → contact
	byName    map[string]*entry // folded full name + "|" + org ID → contact
	meetings  map[string]*entry // mission|start|org or contact → meeting
	created   []*entry          // new records in creation order
	updated   []*entry          // existing records with changes, in first-touch order
	touched   map[data.ID]*entry
	orgByID   map[data.ID]*entry
	colByName map[string]string   // field → header of its first column
	byPlain   map[string][]*entry // folded name → contacts of that name, any organization
}

// isFollowUpExport recognises a follow-up list exported by Fieldbook (in
// any of its languages) by its due, status and owner columns: its "Title"
// and "Contact" columns would otherwise read as a participant list.
func isFollowUpExport(cols []colMap) bool {
	want := map[string]bool{"due": false, "status": false, "owner": false}
	for _, c := range cols {
		h := normHeader(c.header)
		for key := range want {
			for _, l := range labels {
				if normHeader(l[key]) == h {
					want[key] = true
				}
			}
		}
	}
	return want["due"] && want["status"] && want["owner"]
}

// mappedCount is how many columns a header row maps to a field.
func mappedCount(cols []colMap) int {
	n := 0
	for _, c := range cols {
		if c.field != fIgnore {
			n++
		}
	}
	return n
}

func newImporter(ctx context.Context, st *store.Store, name, format string, rows []trow, over map[string]string, opt ImportOptions) (*importer, error) {
	im := &importer{ctx: ctx, st: st, name: name, xlsx: format == "xlsx",
		orgs: map[string]*entry{}, byEmail: map[string]*entry{}, byName: map[string]*entry{},
		meetings: map[string]*entry{}, touched: map[data.ID]*entry{}, orgByID: map[data.ID]*entry{},
		colByName: map[string]string{}, byPlain: map[string][]*entry{}}
	// The header is, of the first ten non-empty rows, the one that maps
	// the most columns and has a name or company column: exports often
	// begin with a title line ("Participant list", "B2B Tashkent 2026").
	var first []string
	seen, best := 0, 0
	for i, r := range rows {
		if blankRow(r.cells) {
			continue
		}
		if first == nil {
			first = r.cells
		}
		cols, ok := mapColumns(r.cells, over)
		if score := mappedCount(cols); ok && score > best {
			best = score
			im.cols, im.header, im.rows = cols, r.num, rows[i+1:]
		}
		if seen++; seen == 10 {
			break
		}
	}
	if first == nil {
		return nil, data.Errorf(data.ErrInvalid, "%s has no rows", name)
	}
	if isFollowUpExport(im.cols) {
		return nil, data.Errorf(data.ErrInvalid, "%s is a follow-up list (columns due, status, owner): import takes participant or agenda lists and Fieldbook JSON exports", name)
	}
	if im.cols == nil {
		return nil, data.Errorf(data.ErrInvalid, "%s has no column for the person's name or company: columns are %s", name, quoteList(first))
	}
	// Every overridden column must exist: a typo in the map should not
	// silently fall back to a guess.
	present := map[string]bool{}
	var headers []string
	for _, c := range im.cols {
		present[normHeader(c.header)] = true
		headers = append(headers, c.header)
	}
	for h := range over {
		if !present[h] {
			return nil, data.Errorf(data.ErrInvalid, "%s has no column %q to map (columns are %s)", name, h, quoteList(headers))
		}
	}
	for _, c := range im.cols {
		if _, ok := im.colByName[c.field]; !ok {
			im.colByName[c.field] = c.header
		}
	}
	if opt.Mission != "" {
		id, err := data.ParseID(string(opt.Mission))
		if err != nil {
			return nil, err
		}
		m, err := store.Load[*data.Mission](ctx, st, id)
		if err != nil {
			return nil, err
		}
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			return nil, data.Errorf(data.ErrInvalid, "mission %s has an unknown time zone %q", id, m.TimeZone)
		}
		im.mission, im.loc = m, loc
	}
	return im, im.loadExisting()
}

// loadExisting indexes the records rows are matched against.
func (im *importer) loadExisting() error {
	orgs, err := im.st.List(im.ctx, store.Query{Kind: data.KindOrg})
	if err != nil {
		return err
	}
	for _, r := range orgs {
		o := r.(*data.Organization)
		e := &entry{rec: o, change: -1}
		im.orgByID[o.ID] = e
		if k := orgKey(o.Name); im.orgs[k] == nil {
			im.orgs[k] = e
		}
	}
	contacts, err := im.st.List(im.ctx, store.Query{Kind: data.KindContact})
	if err != nil {
		return err
	}
	for _, r := range contacts {
		im.indexContact(&entry{rec: r.(*data.Contact), change: -1})
	}
	if im.mission != nil {
		ms, err := im.st.List(im.ctx, store.Query{Kind: data.KindMeeting, Mission: im.mission.ID})
		if err != nil {
			return err
		}
		for _, r := range ms {
			im.indexMeeting(&entry{rec: r.(*data.Meeting), change: -1})
		}
	}
	return nil
}

// orgKey is how an organization is recognised across lists: its folded
// name without punctuation and legal form, so "Veemõõt", "VEEMÕÕT OÜ" and
// "Veemõõt OÜ" are one company, as are "Ukhozi Engineering Supplies" and
// "Ukhozi Engineering Supplies (Pty) Ltd".
func orgKey(name string) string {
	words := locale.Tokens(name)
	for len(words) > 1 && legalForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	for len(words) > 1 && legalForms[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// legalForms are company-form words (folded) that do not tell companies
// apart: Finnish, Estonian, South African, Uzbek and Russian, and common
// international ones.
var legalForms = map[string]bool{
	"oy": true, "oyj": true, "ab": true, "ky": true, "ry": true, "ou": true, "as": true, "mtu": true,
	"pty": true, "ltd": true, "limited": true, "inc": true, "llc": true, "plc": true, "gmbh": true,
	"ag": true, "sa": true, "bv": true, "co": true, "corp": true, "company": true,
	"ооо": true, "оао": true, "зао": true, "пао": true, "ао": true, "аж": true, "мчж": true,
	"mchj": true, "aj": true, "xk": true, "ик": true,
}

func nameKey(c *data.Contact) string {
	return plainName(c.GivenName, c.FamilyName) + "|" + string(c.Org)
}

func plainName(given, family string) string {
	return strings.Join(strings.Fields(locale.Fold(given+" "+family)), " ")
}

func (im *importer) indexContact(e *entry) {
	c := e.rec.(*data.Contact)
	for _, em := range c.Emails {
		if k := strings.ToLower(em); im.byEmail[k] == nil {
			im.byEmail[k] = e
		}
	}
	if k := nameKey(c); im.byName[k] == nil {
		im.byName[k] = e
	}
	k := plainName(c.GivenName, c.FamilyName)
	if !slices.Contains(im.byPlain[k], e) {
		im.byPlain[k] = append(im.byPlain[k], e)
	}
}

func meetingKey(start time.Time, party data.ID) string {
	return strconv.FormatInt(start.Unix(), 10) + "|" + string(party)
}

func (im *importer) indexMeeting(e *entry) {
	m := e.rec.(*data.Meeting)
	for _, id := range append(append([]data.ID{}, m.Orgs...), m.Attendees...) {
		if k := meetingKey(m.Start, id); im.meetings[k] == nil {
			im.meetings[k] = e
		}
	}
}

// row is one data row read into fields.
type row struct {
	num                    int
	given, family, company string
	country, title, notes  string
	emails, phones         []string
	start                  time.Time
	hasTime                bool
	duration               int
	table                  string
	problems               []Problem
	nameCol, timeCol       string
}

func (im *importer) run() error {
	for _, c := range im.cols {
		im.rep.Columns = setCol(im.rep.Columns, c.header, c.field)
	}
	for _, tr := range im.rows {
		if err := im.ctx.Err(); err != nil {
			return err
		}
		if blankRow(tr.cells) {
			continue
		}
		im.rep.Rows++
		r := im.parse(tr)
		if len(r.problems) == 0 {
			im.plan(r)
		}
		im.rep.Problems = append(im.rep.Problems, r.problems...)
	}
	return nil
}

func setCol(m map[string]string, header, field string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	if header == "" {
		header = "(blank)"
	}
	if _, ok := m[header]; !ok {
		m[header] = field
	}
	return m
}

// cell cleans a cell: no-break spaces and surrounding blanks go, and so
// does the ' that CSV exports put before a would-be formula (csvSafe).
func cell(s string) string {
	s = strings.TrimSpace(strings.NewReplacer("\u00A0", " ", "\u202F", " ", "\r\n", "\n").Replace(s))
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		s = s[1:]
	}
	return s
}

// parse reads a row's cells into fields, collecting its problems.
func (im *importer) parse(tr trow) *row {
	r := &row{num: tr.num}
	bad := func(col, val, msg string) {
		r.problems = append(r.problems, Problem{Row: tr.num, Column: col, Value: strings.ToValidUTF8(val, "\uFFFD"), Msg: msg})
	}
	var fullName string
	var familyFirst bool
	var timeCell, timeCol, dateCell, dateCol string
	for i, c := range im.cols {
		if i >= len(tr.cells) {
			break
		}
		v := cell(tr.cells[i])
		if v == "" || c.field == fIgnore {
			continue
		}
		switch c.field {
		case fGiven:
			r.given = v
		case fFamily:
			r.family = v
		case fName:
			fullName, familyFirst = v, c.familyFirst
		case fCompany:
			r.company = strings.Join(strings.Fields(v), " ")
		case fCountry:
			code, ok := lookupCountry(v)
			if !ok {
				bad(c.header, v, MsgCountry)
				continue
			}
			r.country = code
		case fEmail:
			for _, part := range splitList(v) {
				addr, ok := parseEmail(part)
				if !ok {
					bad(c.header, part, MsgEmail)
					continue
				}
				r.emails = appendFold(r.emails, addr)
			}
		case fPhone:
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
				p := strings.Join(strings.Fields(part), " ")
				if p == "" {
					continue
				}
				if !data.ValidPhone(p) {
					bad(c.header, p, MsgPhone)
					continue
				}
				r.phones = appendPhone(r.phones, p)
			}
		case fTitle:
			r.title = v
		case fNotes:
			if r.notes != "" {
				r.notes += "\n"
			}
			r.notes += v
		case fTime:
			timeCell, timeCol = v, c.header
		case fDate:
			dateCell, dateCol = v, c.header
		case fTable:
			r.table = v
			if _, err := strconv.Atoi(v); err == nil {
				r.table = "Table " + v
			}
		}
	}
	if r.given == "" && r.family == "" && fullName != "" {
		r.given, r.family = data.SplitName(fullName, familyFirst)
	}
	r.nameCol = firstNonEmpty(im.colByName[fName], im.colByName[fGiven], im.colByName[fFamily], im.colByName[fCompany])
	if r.given == "" && r.family == "" && r.company == "" {
		bad(r.nameCol, "", MsgNoName)
	}
	if timeCell != "" {
		r.timeCol = timeCol
		if im.mission == nil {
			bad(timeCol, timeCell, MsgNoMission)
		} else {
			// A bare time is on the day of the date column, if the list
			// has one, else on the mission's first day.
			day := string(im.mission.Start)
			dayOK := true
			if dateCell != "" {
				d, err := im.parseDay(dateCell)
				if err != nil {
					bad(dateCol, dateCell, err.Error())
					dayOK = false
				}
				day = d
			}
			if dayOK {
				start, dur, err := im.parseTime(timeCell, day)
				if err != nil {
					bad(timeCol, timeCell, err.Error())
				} else {
					r.start, r.duration, r.hasTime = start, dur, true
				}
			}
		}
	}
	return r
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// splitList splits a cell holding several e-mail addresses.
func splitList(v string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "<") && len(strings.Fields(part)) > 1 {
			out = append(out, strings.Fields(part)...)
			continue
		}
		out = append(out, part)
	}
	return out
}

// parseEmail accepts "a@b.fi", "<a@b.fi>" and "Name <a@b.fi>", by the same
// rule as the contact validation (a plain address with a dot in the domain).
func parseEmail(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "mailto:")
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", false
	}
	addr := a.Address
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || !strings.Contains(addr[at+1:], ".") {
		return "", false
	}
	if b, err := mail.ParseAddress(addr); err != nil || b.Address != addr {
		return "", false
	}
	return addr, true
}

func digitsOf(p string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
}

func appendFold(list []string, v string) []string {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return list
		}
	}
	return append(list, v)
}

func appendPhone(list []string, v string) []string {
	for _, x := range list {
		if digitsOf(x) == digitsOf(v) {
			return list
		}
	}
	return append(list, v)
}

var (
	slotRE = regexp.MustCompile(`^(.*?\d{1,2}[:.]\d{2})\s*[-–—]\s*(\d{1,2}[:.]\d{2})$`)
	clock  = []string{"15:04", "15.04", "15:04:05"}
	stamps = []string{"2006-1-2 15:04", "2006-1-2T15:04", "2006-1-2 15:04:05", "2006-1-2T15:04:05",
		"2.1.2006 15:04", "2.1.2006 15.04", "2.1.2006 15:04:05", "2.1.2006 klo 15.04", "2.1.2006 kl 15:04"}
)

// parseDay reads the date column of an agenda: YYYY-MM-DD, D.M.YYYY or
// an Excel date.
func (im *importer) parseDay(v string) (string, error) {
	if im.xlsx {
		if x, err := strconv.ParseFloat(v, 64); err == nil && x >= 1 && x <= 2958465 {
			if t, err := excelize.ExcelDateToTime(x, false); err == nil {
				return t.Format(data.DateLayout), nil
			}
		}
	}
	for _, l := range []string{data.DateLayout, "2006-1-2", "2.1.2006", "02.01.2006"} {
		if t, err := time.Parse(l, strings.TrimSpace(v)); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t.Format(data.DateLayout), nil
		}
	}
	return "", errors.New(MsgDate)
}

// parseTime reads a meeting time (see the package doc) as wall time in the
// mission's zone, a bare time of day being on day; a slot "10:00-10:20"
// also gives a duration in minutes.
func (im *importer) parseTime(v, day string) (time.Time, int, error) {
	if im.xlsx {
		if x, err := strconv.ParseFloat(v, 64); err == nil && x >= 0 {
			return im.excelTime(x, day)
		}
	}
	if m := slotRE.FindStringSubmatch(v); m != nil {
		start, _, err := im.parseTime(strings.TrimSpace(m[1]), day)
		if err == nil {
			end, err := im.onDay(start.Format(data.DateLayout), m[2])
			if err == nil && end.After(start) && end.Sub(start) <= 24*time.Hour {
				return start, int(end.Sub(start) / time.Minute), nil
			}
		}
	}
	for _, l := range stamps {
		if t, err := time.ParseInLocation(l, v, im.loc); err == nil {
			return im.checkYear(t)
		}
	}
	if t, err := im.onDay(day, v); err == nil {
		return im.checkYear(t)
	}
	return time.Time{}, 0, errors.New(MsgTime)
}

func (im *importer) onDay(day, clockText string) (time.Time, error) {
	for _, l := range clock {
		if t, err := time.ParseInLocation(data.DateLayout+" "+l, day+" "+clockText, im.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a time of day")
}

func (im *importer) checkYear(t time.Time) (time.Time, int, error) {
	if y := t.Year(); y < 1900 || y > 9999 {
		return time.Time{}, 0, errors.New("the year is out of range")
	}
	return t, 0, nil
}

// excelTime reads an Excel serial date: days since 1899-12-30, the
// fraction being the time of day (a fraction alone is a time on day).
func (im *importer) excelTime(x float64, dayText string) (time.Time, int, error) {
	if x < 1 {
		mins := int(x*24*60 + 0.5)
		day := data.Date(dayText).Time()
		return time.Date(day.Year(), day.Month(), day.Day(), mins/60, mins%60, 0, 0, im.loc), 0, nil
	}
	if x > 2958465 { // 9999-12-31
		return time.Time{}, 0, errors.New("the date is out of range")
	}
	t, err := excelize.ExcelDateToTime(x, false)
	if err != nil {
		return time.Time{}, 0, errors.New("not a date")
	}
	t = t.Round(time.Minute)
	return im.checkYear(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, im.loc))
}

// plan matches a good row against existing and planned records and
// records what to create or fill in. A row is taken whole or not at all:
// everything is built and validated on copies first.
func (im *importer) plan(r *row) {
	var org *data.Organization
	var orgEntry *entry
	newOrg := false
	orgFields := map[string]bool{}
	if r.company != "" {
		if e := im.orgs[orgKey(r.company)]; e != nil {
			cp := *e.rec.(*data.Organization)
			org, orgEntry = &cp, e
			if org.Country == "" && r.country != "" {
				org.Country = r.country
				orgFields["country"] = true
			}
		} else {
			org = &data.Organization{Name: r.company, OrgKind: data.OrgPartner, Country: r.country}
			if im.mission != nil && r.country == im.mission.Country {
				org.OrgKind = data.OrgHost
			}
			org.ID = data.NewID()
			newOrg = true
		}
		if err := data.Prepare(org); err != nil {
			im.fail(r, err, fCompany)
			return
		}
	}

	var person *data.Contact
	var personEntry *entry
	newPerson := false
	personFields := map[string]bool{}
	if r.given != "" || r.family != "" {
		var e *entry
		for _, em := range r.emails {
			if e = im.byEmail[strings.ToLower(em)]; e != nil {
				break
			}
		}
		if e == nil {
			probe := &data.Contact{GivenName: r.given, FamilyName: r.family}
			if org != nil {
				probe.Org = org.ID
			}
			e = im.byName[nameKey(probe)]
		}
		// A row with a name only (no company, no e-mail) is the one
		// contact of that name, if there is exactly one.
		if e == nil && org == nil && len(r.emails) == 0 {
			if same := im.byPlain[plainName(r.given, r.family)]; len(same) == 1 {
				e = same[0]
			}
		}
		if e != nil {
			c := cloneContact(e.rec.(*data.Contact))
			person, personEntry = c, e
			fill := func(field string, dst *string, v string) {
				if *dst == "" && v != "" {
					*dst = v
					personFields[field] = true
				}
			}
			if c.GivenName == "" && c.FamilyName == "" {
				fill("given_name", &c.GivenName, r.given)
				fill("family_name", &c.FamilyName, r.family)
			}
			fill("title", &c.Title, r.title)
			fill("notes", &c.Notes, r.notes)
			if c.Org == "" && org != nil {
				c.Org = org.ID
				personFields["org"] = true
			}
			for _, em := range r.emails {
				if n := len(c.Emails); len(appendFold(c.Emails, em)) > n {
					c.Emails = append(c.Emails, em)
					personFields["emails"] = true
				}
			}
			for _, p := range r.phones {
				if n := len(c.Phones); len(appendPhone(c.Phones, p)) > n {
					c.Phones = append(c.Phones, p)
					personFields["phones"] = true
				}
			}
		} else {
			person = &data.Contact{GivenName: r.given, FamilyName: r.family, Title: r.title, Notes: r.notes,
				Emails: r.emails, Phones: r.phones, Source: "import"}
			person.ID = data.NewID()
			if org != nil {
				person.Org = org.ID
			}
			newPerson = true
		}
		if err := data.Prepare(person); err != nil {
			im.fail(r, err, fName)
			return
		}
	}

	var meeting *data.Meeting
	var meetingEntry *entry
	newMeeting := false
	meetingFields := map[string]bool{}
	if r.hasTime {
		party := data.ID("")
		switch {
		case org != nil:
			party = org.ID
		case person != nil:
			party = person.ID
		}
		if e := im.meetings[meetingKey(r.start, party)]; e != nil {
			m := cloneMeeting(e.rec.(*data.Meeting))
			meeting, meetingEntry = m, e
			if person != nil && !hasID(m.Attendees, person.ID) {
				m.Attendees = append(m.Attendees, person.ID)
				meetingFields["attendees"] = true
			}
			if org != nil && !hasID(m.Orgs, org.ID) {
				m.Orgs = append(m.Orgs, org.ID)
				meetingFields["orgs"] = true
			}
			if m.Location == "" && r.table != "" {
				m.Location = r.table
				meetingFields["location"] = true
			}
			if m.DurationMin == 0 && r.duration > 0 {
				m.DurationMin = r.duration
				meetingFields["duration_min"] = true
			}
		} else {
			with := ""
			switch {
			case org != nil:
				with = org.Name
			case person != nil:
				with = person.Label()
			}
			meeting = &data.Meeting{Mission: im.mission.ID, MeetingKind: data.MeetingB2B, Title: "B2B: " + with,
				Start: r.start, TimeZone: im.mission.TimeZone, DurationMin: r.duration, Location: r.table}
			meeting.ID = data.NewID()
			if org != nil {
				meeting.Orgs = []data.ID{org.ID}
			}
			if person != nil {
				meeting.Attendees = []data.ID{person.ID}
			}
			newMeeting = true
		}
		if err := data.Prepare(meeting); err != nil {
			im.fail(r, err, fTime)
			return
		}
	}

	// The row is good: commit it to the plan.
	if org != nil {
		if newOrg {
			e := im.create(org)
			im.orgs[orgKey(org.Name)] = e
			im.orgByID[org.ID] = e
		} else {
			im.touch(orgEntry, org, orgFields)
		}
	}
	if person != nil {
		if newPerson {
			im.indexContact(im.create(person))
		} else {
			im.touch(personEntry, person, personFields)
			im.indexContact(personEntry)
		}
	}
	if meeting != nil {
		if newMeeting {
			im.indexMeeting(im.create(meeting))
		} else {
			im.touch(meetingEntry, meeting, meetingFields)
			im.indexMeeting(meetingEntry)
		}
	}
}

// fail reports a record the row would build that does not validate.
func (im *importer) fail(r *row, err error, field string) {
	var fe *data.FieldError
	p := Problem{Row: r.num, Column: im.colByName[field], Msg: err.Error()}
	if errors.As(err, &fe) {
		p.Msg, p.Value = fe.Msg, strings.ToValidUTF8(fe.Value, "\uFFFD")
		col := map[string]string{"emails": fEmail, "phones": fPhone, "country": fCountry, "title": fTitle,
			"name": fCompany, "given_name": fGiven, "family_name": fFamily, "notes": fNotes, "location": fTable, "start": fTime}[fe.Field]
		if h := im.colByName[col]; h != "" {
			p.Column = h
		}
	}
	r.problems = append(r.problems, p)
}

func (im *importer) create(rec data.Record) *entry {
	e := &entry{rec: rec, isNew: true, change: len(im.rep.Changes)}
	im.rep.Changes = append(im.rep.Changes, Change{Action: "create", Kind: rec.Kind(), ID: rec.Meta().ID, Label: rec.Label()})
	im.created = append(im.created, e)
	im.touched[rec.Meta().ID] = e
	return e
}

// touch applies a row's fill-ins to a matched record and keeps its report
// line current: a record created by this import stays "create"; an
// existing one is "unchanged" until a row fills something in.
func (im *importer) touch(e *entry, rec data.Record, fields map[string]bool) {
	e.rec = rec
	if e.isNew {
		im.rep.Changes[e.change].Label = rec.Label()
		return
	}
	if e.change < 0 {
		e.change = len(im.rep.Changes)
		e.fields = map[string]bool{}
		im.rep.Changes = append(im.rep.Changes, Change{Action: "unchanged", Kind: rec.Kind(), ID: rec.Meta().ID, Label: rec.Label()})
	}
	if len(fields) == 0 {
		return
	}
	if len(e.fields) == 0 {
		im.updated = append(im.updated, e)
	}
	for f := range fields {
		e.fields[f] = true
	}
	ch := &im.rep.Changes[e.change]
	ch.Action, ch.Fields, ch.Label = "update", sortedFields(e.fields), rec.Label()
}

// apply writes the plan: new records in one bulk import (organizations,
// then contacts, then meetings, so links point backwards), then the
// filled-in records one update each.
func (im *importer) apply() error {
	recs := make([]data.Record, 0, len(im.created))
	for _, k := range []data.Kind{data.KindOrg, data.KindContact, data.KindMeeting} {
		for _, e := range im.created {
			if e.rec.Kind() == k {
				recs = append(recs, e.rec)
			}
		}
	}
	if _, err := im.st.Import(im.ctx, recs, nil); err != nil {
		return fmt.Errorf("import %s: %w", im.name, err)
	}
	for _, e := range im.updated {
		if err := im.update(e); err != nil {
			return fmt.Errorf("import %s: update %s %s: %w", im.name, e.rec.Kind().Noun(), e.rec.Meta().ID, err)
		}
	}
	return nil
}

// update writes only the fields the import changed onto the record as it
// is now, so an edit made meanwhile (in the GUI, or by a sync) to any other
// field survives.
func (im *importer) update(e *entry) error {
	cur, err := im.st.Get(im.ctx, e.rec.Meta().ID)
	if err != nil {
		return err
	}
	now, err := data.FieldsOf(cur)
	if err != nil {
		return err
	}
	planned, err := data.FieldsOf(e.rec)
	if err != nil {
		return err
	}
	for name := range e.fields {
		v, ok := planned[name]
		if !ok {
			continue
		}
		// Lists the import only adds to are merged, not replaced.
		var have, add []string
		if json.Unmarshal(now[name], &have) == nil && json.Unmarshal(v, &add) == nil && have != nil {
			for _, x := range add {
				if !slices.Contains(have, x) {
					have = append(have, x)
				}
			}
			v, _ = json.Marshal(have)
		}
		now[name] = v
	}
	rec, err := now.Decode(cur.Kind())
	if err != nil {
		return err
	}
	return im.st.Update(im.ctx, rec)
}

func cloneContact(c *data.Contact) *data.Contact {
	cp := *c
	cp.Emails = append([]string(nil), c.Emails...)
	cp.Phones = append([]string(nil), c.Phones...)
	return &cp
}

func cloneMeeting(m *data.Meeting) *data.Meeting {
	cp := *m
	cp.Orgs = append([]data.ID(nil), m.Orgs...)
	cp.Attendees = append([]data.ID(nil), m.Attendees...)
	return &cp
}

func hasID(ids []data.ID, id data.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
