package seminar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// An agenda exported by a matchmaking platform (B2Match, Meeting Mojo and
// the like, or an organizer's own spreadsheet) has one row per meeting: a
// time or slot, a table, and two parties, each a person and/or a company.
// Headers vary ("Time slot", "Start time", "Table no.", "Participant A",
// "Requester", "Requested", "Company", "Organisation"), so columns are
// recognised by the words in them, and the two parties are told apart by
// A/B, 1/2, requester/requested or delegate/host markers. Which party is
// the delegation is decided per row: the one whose person is a delegate of
// the mission.

// ImportOptions say how ImportAgenda runs.
type ImportOptions struct {
	DryRun bool // check and report, save nothing
}

// ImportReport is what ImportAgenda did (or would do, in a dry run).
type ImportReport struct {
	Rows      int         `json:"rows"`
	Scheduled []Scheduled `json:"scheduled"`
	Unchanged int         `json:"unchanged"`
	NewOrgs   []string    `json:"new_orgs,omitempty"`
	Problems  []Problem   `json:"problems,omitempty"`
	Applied   bool        `json:"applied"`
}

// Scheduled is one meeting put on the agenda by an import.
type Scheduled struct {
	Row     int     `json:"row"`
	Meeting data.ID `json:"meeting,omitempty"` // empty in a dry run
	Slot    int     `json:"slot"`
	Table   int     `json:"table"`
	Title   string  `json:"title"`
}

// Problem is a row that was not imported (or imported with a warning).
type Problem struct {
	Row      int    `json:"row"`
	Message  string `json:"message"`
	Conflict bool   `json:"conflict,omitempty"` // a clash with the agenda
	Warning  bool   `json:"warning,omitempty"`  // the row was imported anyway
}

func (p Problem) String() string { return fmt.Sprintf("row %d: %s", p.Row, p.Message) }

// party is one side of an agenda row.
type party struct {
	Person  string
	Company string
}

// agendaRow is a parsed row: where, and between whom.
type agendaRow struct {
	Num     int
	Slot    int
	Table   int
	Parties [2]party
	Notes   string
}

// column roles
const (
	roleIgnore = iota
	roleTime
	roleDate
	roleTable
	roleNotes
	rolePerson
	roleCompany
)

type agendaCol struct {
	role     int
	side     int  // 0 or 1; -1 unsided
	delegate bool // the header says the column is the delegation's
}

var (
	sideA = []string{"a", "1", "requester", "requesting", "requestor", "from", "delegate", "delegation", "visitor", "inviter", "sender", "buyer"}
	sideB = []string{"b", "2", "requested", "to", "host", "partner", "with", "counterpart", "invitee", "receiver", "recipient", "seller", "exhibitor"}
)

func hasWord(words []string, any ...string) bool {
	for _, w := range words {
		for _, a := range any {
			if w == a {
				return true
			}
		}
	}
	return false
}

func hasPart(n string, any ...string) bool {
	for _, a := range any {
		if strings.Contains(n, a) {
			return true
		}
	}
	return false
}

// classify maps one header to a column role.
func classify(h string) agendaCol {
	n := exchange.NormHeader(h)
	w := strings.Fields(n)
	c := agendaCol{side: -1}
	switch {
	case n == "":
		return c
	case hasWord(w, "end", "finish", "until", "loppu", "lopp", "конец", "duration", "length", "status", "id", "type", "email", "phone", "country"):
		return c
	case hasPart(n, "note", "comment", "remark", "huom", "markm", "примеч", "коммент", "topic", "subject", "agenda"):
		c.role = roleNotes
		return c
	case hasWord(w, "table", "poyta", "laud", "стол", "tables", "desk", "booth"):
		c.role = roleTable
		return c
	case hasWord(w, "time", "slot", "start", "aika", "aeg", "время", "timeslot", "hour", "klo", "kell") || hasPart(n, "timeslot", "kellonaika", "начало"):
		c.role = roleTime
		return c
	case hasWord(w, "date", "day", "paiva", "paivamaara", "pvm", "kuupaev", "paev", "дата", "день"):
		c.role = roleDate
		return c
	}
	switch {
	case hasWord(w, sideA...):
		c.side = 0
	case hasWord(w, sideB...):
		c.side = 1
	}
	c.delegate = hasWord(w, "delegate", "delegation", "visitor")
	switch {
	case hasPart(n, "company", "compan", "organi", "org", "firm", "institution", "yritys", "yhtio", "ettevot", "asutus", "компани", "организац", "предприят", "employer", "business"):
		c.role = roleCompany
	case hasPart(n, "participant", "person", "name", "requester", "requestor", "requested", "delegate", "host", "contact",
		"representative", "attendee", "partner", "visitor", "invitee", "osallistuja", "osaleja", "nimi", "участник", "имя", "фио"):
		c.role = rolePerson
	case c.side >= 0:
		// "Participant A" is caught above; a bare "A" or "Requester" is a person.
		c.role = rolePerson
	}
	return c
}

// mapAgenda classifies the header row and decides the party of every
// person and company column.
func mapAgenda(header []string) ([]agendaCol, error) {
	cols := make([]agendaCol, len(header))
	for i, h := range header {
		cols[i] = classify(h)
	}
	// The first column of each role and side wins; later duplicates are ignored.
	taken := map[[2]int]bool{}
	claim := func(i, side int) bool {
		k := [2]int{cols[i].role, side}
		if taken[k] {
			return false
		}
		taken[k] = true
		cols[i].side = side
		return true
	}
	for i, c := range cols {
		switch c.role {
		case rolePerson, roleCompany:
			if c.side >= 0 && !claim(i, c.side) {
				cols[i].role = roleIgnore
			}
		case roleTime, roleDate, roleTable:
			if !claim(i, 0) {
				cols[i].role = roleIgnore
			}
		}
	}
	// Unsided people: the first free party, left to right.
	for i, c := range cols {
		if c.role == rolePerson && c.side < 0 && !claim(i, 0) && !claim(i, 1) {
			cols[i].role = roleIgnore
		}
	}
	// Unsided companies belong with the nearest person column (left first,
	// then right); next to a column the header calls the delegation's, the
	// company is the host's, since the delegates' own companies are known.
	for i, c := range cols {
		if c.role != roleCompany || c.side >= 0 {
			continue
		}
		want := 1
		if p := nearestPerson(cols, i); p >= 0 {
			want = cols[p].side
			if cols[p].delegate {
				want = 1 - cols[p].side
			}
		}
		if !claim(i, want) && !claim(i, 1-want) {
			cols[i].role = roleIgnore
		}
	}
	var has [8]bool
	for _, c := range cols {
		has[c.role] = true
	}
	if !has[roleTime] || !has[roleTable] || !(has[rolePerson] || has[roleCompany]) {
		return nil, data.Errorf(data.ErrInvalid, "the agenda needs a time (or slot), a table and participant columns; the header row has %s", quoted(header))
	}
	return cols, nil
}

func nearestPerson(cols []agendaCol, i int) int {
	for j := i - 1; j >= 0; j-- {
		if cols[j].role == rolePerson && cols[j].side >= 0 {
			return j
		}
	}
	for j := i + 1; j < len(cols); j++ {
		if cols[j].role == rolePerson && cols[j].side >= 0 {
			return j
		}
	}
	return -1
}

func quoted(cells []string) string {
	var q []string
	for _, c := range cells {
		q = append(q, strconv.Quote(strings.TrimSpace(c)))
	}
	if len(q) == 0 {
		return "no columns"
	}
	return strings.Join(q, ", ")
}

var (
	isoDateRE  = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	euroDateRE = regexp.MustCompile(`\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b`)
	clockRE    = regexp.MustCompile(`\b(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?\s*([AaPp]\.?[Mm]\.?)?`)
	digitsRE   = regexp.MustCompile(`\d+`)
)

// parseDay finds a date in v; ok is false when there is none.
func parseDay(v string) (data.Date, bool, error) {
	var y, m, d int
	if g := isoDateRE.FindStringSubmatch(v); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	} else if g := euroDateRE.FindStringSubmatch(v); g != nil {
		d, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		y, _ = strconv.Atoi(g[3])
	} else {
		return "", false, nil
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", true, data.Errorf(data.ErrInvalid, "%q is not a valid date", strings.TrimSpace(v))
	}
	return data.DateOf(t), true, nil
}

// parseSlot reads a time cell: a slot number, a spreadsheet time, or a
// text with a clock time ("09:00", "9.00–9.20", "2026-03-11 09:00",
// "9:00 AM"), optionally with the date, which must be the seminar's.
func parseSlot(sem *data.Seminar, v string) (int, error) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		if n < 1 || n > sem.Slots {
			return 0, data.Errorf(data.ErrInvalid, "slot %d is out of range: %s has slots 1 to %d", n, sem.Name, sem.Slots)
		}
		return n, nil
	}
	if strings.ContainsAny(v, ".") && !strings.ContainsAny(v, ":-/ ") {
		if clock, ok := exchange.ExcelClock(v); ok {
			if f, _ := strconv.ParseFloat(v, 64); f >= 1 {
				day, _ := time.Parse("2006-01-02", "1899-12-30")
				if got := data.DateOf(day.AddDate(0, 0, int(f))); got != sem.Date {
					return 0, data.Errorf(data.ErrInvalid, "the date %s is not the seminar's (%s)", got, sem.Date)
				}
			}
			return SlotAt(sem, clock)
		}
	}
	day, found, err := parseDay(v)
	if err != nil {
		return 0, err
	}
	if found && day != sem.Date {
		return 0, data.Errorf(data.ErrInvalid, "the date %s is not the seminar's (%s)", day, sem.Date)
	}
	rest := isoDateRE.ReplaceAllString(euroDateRE.ReplaceAllString(v, " "), " ")
	g := clockRE.FindStringSubmatch(rest)
	if g == nil {
		return 0, data.Errorf(data.ErrInvalid, "%q is not a time or slot number", v)
	}
	h, _ := strconv.Atoi(g[1])
	m, _ := strconv.Atoi(g[2])
	switch strings.ToLower(strings.ReplaceAll(g[3], ".", "")) {
	case "pm":
		if h < 12 {
			h += 12
		}
	case "am":
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || m > 59 {
		return 0, data.Errorf(data.ErrInvalid, "%q is not a time of day", v)
	}
	return SlotAt(sem, h*60+m)
}

// parseTable reads "4", "Table 4", "T-04", "Pöytä 4".
func parseTable(sem *data.Seminar, v string) (int, error) {
	d := digitsRE.FindString(v)
	if d == "" {
		return 0, data.Errorf(data.ErrInvalid, "table %q has no number", strings.TrimSpace(v))
	}
	n, err := strconv.Atoi(d)
	if err != nil || n < 1 || n > sem.Tables {
		return 0, data.Errorf(data.ErrInvalid, "table %s is out of range: %s has tables 1 to %d", d, sem.Name, sem.Tables)
	}
	return n, nil
}

// parseAgenda reads the rows of an agenda table. Rows that cannot be read
// are reported and left out; an unusable header is an error.
func parseAgenda(sem *data.Seminar, rows []exchange.Row) ([]agendaRow, []Problem, error) {
	// The header is the first row with at least two filled cells (some
	// exports put a title line above it).
	h := -1
	for i, r := range rows {
		filled := 0
		for _, c := range r.Cells {
			if strings.TrimSpace(c) != "" {
				filled++
			}
		}
		if filled >= 2 {
			h = i
			break
		}
	}
	if h < 0 {
		return nil, nil, data.Errorf(data.ErrInvalid, "the agenda has no header row")
	}
	cols, err := mapAgenda(rows[h].Cells)
	if err != nil {
		return nil, nil, err
	}
	var out []agendaRow
	var probs []Problem
	for _, r := range rows[h+1:] {
		ar := agendaRow{Num: r.Num}
		var timeV, dateV, tableV string
		blank := true
		for i, c := range cols {
			if i >= len(r.Cells) {
				break
			}
			v := strings.TrimSpace(strings.Join(strings.Fields(r.Cells[i]), " "))
			if v != "" {
				blank = false
			}
			switch c.role {
			case roleTime:
				timeV = v
			case roleDate:
				dateV = v
			case roleTable:
				tableV = v
			case roleNotes:
				if v != "" {
					ar.Notes = strings.TrimSpace(ar.Notes + "\n" + v)
				}
			case rolePerson:
				ar.Parties[c.side].Person = v
			case roleCompany:
				ar.Parties[c.side].Company = v
			}
		}
		if blank {
			continue
		}
		fail := func(err error) {
			probs = append(probs, Problem{Row: r.Num, Message: err.Error(), Conflict: errors.Is(err, data.ErrConflict)})
		}
		if dateV != "" {
			if day, found, err := parseDay(dateV); err != nil {
				fail(err)
				continue
			} else if found && day != sem.Date {
				fail(data.Errorf(data.ErrInvalid, "the date %s is not the seminar's (%s)", day, sem.Date))
				continue
			}
		}
		if timeV == "" {
			fail(data.Errorf(data.ErrInvalid, "no time or slot"))
			continue
		}
		if ar.Slot, err = parseSlot(sem, timeV); err != nil {
			fail(err)
			continue
		}
		if tableV == "" {
			fail(data.Errorf(data.ErrInvalid, "no table"))
			continue
		}
		if ar.Table, err = parseTable(sem, tableV); err != nil {
			fail(err)
			continue
		}
		if ar.Parties[0] == (party{}) && ar.Parties[1] == (party{}) {
			fail(data.Errorf(data.ErrInvalid, "no participants"))
			continue
		}
		out = append(out, ar)
	}
	return out, probs, nil
}

// directory finds people and organizations by folded name.
type directory struct {
	people    map[string][]*data.Contact
	orgs      map[string]*data.Organization
	delegates map[data.ID]bool
}

func foldName(s string) string { return strings.Join(strings.Fields(locale.Fold(s)), " ") }

func loadDirectory(ctx context.Context, src store.Reader, m *data.Mission) (*directory, error) {
	d := &directory{people: map[string][]*data.Contact{}, orgs: map[string]*data.Organization{}, delegates: map[data.ID]bool{}}
	for _, id := range m.Delegates {
		d.delegates[id] = true
	}
	members := map[data.ID]bool{}
	for _, id := range m.Members {
		members[id] = true
	}
	contacts, err := src.List(ctx, store.Query{Kind: data.KindContact})
	if err != nil {
		return nil, err
	}
	for _, r := range contacts {
		c := r.(*data.Contact)
		for _, k := range []string{c.GivenName + " " + c.FamilyName, c.FamilyName + " " + c.GivenName} {
			if k = foldName(k); k != "" {
				d.people[k] = append(d.people[k], c)
			}
		}
		// Without a delegate list, the members' people are the delegation.
		if len(m.Delegates) == 0 && members[c.Org] {
			d.delegates[c.ID] = true
		}
	}
	orgs, err := src.List(ctx, store.Query{Kind: data.KindOrg})
	if err != nil {
		return nil, err
	}
	for _, r := range orgs {
		o := r.(*data.Organization)
		if k := foldName(o.Name); k != "" {
			if _, dup := d.orgs[k]; !dup {
				d.orgs[k] = o
			}
		}
	}
	return d, nil
}

// person finds a contact by name, preferring one of org when several match.
func (d *directory) person(name string, org data.ID, delegate bool) *data.Contact {
	var best *data.Contact
	for _, c := range d.people[foldName(name)] {
		if delegate && !d.delegates[c.ID] {
			continue
		}
		if best == nil || (org != "" && c.Org == org && best.Org != org) {
			best = c
		}
	}
	return best
}

// overlay is a Reader that also knows records not saved yet (the host
// organizations a dry run would create).
type overlay struct {
	store.Reader
	extra map[data.ID]data.Record
}

func (o overlay) Get(ctx context.Context, id data.ID) (data.Record, error) {
	if r, ok := o.extra[id]; ok {
		return r, nil
	}
	return o.Reader.Get(ctx, id)
}

// ImportAgenda reads an agenda (CSV or XLSX) into the seminar: one
// meeting per row. Participants are matched by name to the mission's
// delegates and to existing contacts and organizations; missing host
// organizations are created. A row that cannot be placed (a clash, an
// unknown delegate, a time in a break) is reported and skipped; the other
// rows are imported. Importing the same file again adds nothing.
func ImportAgenda(ctx context.Context, st *store.Store, seminarID data.ID, r io.Reader, name string, opt ImportOptions) (*ImportReport, error) {
	if name == "" {
		name = "the file"
	}
	a, err := Load(ctx, st, seminarID)
	if err != nil {
		return nil, err
	}
	mission, err := store.Load[*data.Mission](ctx, st, a.Seminar.Mission)
	if err != nil {
		return nil, err
	}
	rows, err := exchange.ReadTable(name, r)
	if err != nil {
		return nil, err
	}
	parsed, probs, err := parseAgenda(a.Seminar, rows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dir, err := loadDirectory(ctx, st, mission)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{Rows: len(parsed) + len(probs), Problems: probs}
	ov := overlay{Reader: st, extra: map[data.ID]data.Record{}}
	n := newNamer(ctx, ov)
	for _, row := range parsed {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		req, newOrg, warn, err := resolve(row, dir, mission)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Row: row.Num, Message: err.Error()})
			continue
		}
		if newOrg != nil {
			ov.extra[newOrg.ID] = newOrg
		}
		if b := a.Booked(row.Slot, row.Table); b != nil && hasID(b.Delegates, req.Delegate) && sameHost(b, req) {
			rep.Unchanged++
			continue
		}
		m, err := a.plan(ctx, ov, req, n)
		if err != nil {
			if newOrg != nil {
				delete(ov.extra, newOrg.ID)
			}
			rep.Problems = append(rep.Problems, Problem{Row: row.Num, Message: err.Error(), Conflict: errors.Is(err, data.ErrConflict)})
			continue
		}
		if warn != "" {
			rep.Problems = append(rep.Problems, Problem{Row: row.Num, Message: warn, Warning: true})
		}
		if newOrg != nil {
			rep.NewOrgs = append(rep.NewOrgs, newOrg.Name)
			dir.orgs[foldName(newOrg.Name)] = newOrg
		}
		if !opt.DryRun {
			if newOrg != nil {
				if err := st.Create(ctx, newOrg); err != nil {
					return rep, err
				}
			}
			if err := st.Create(ctx, m); err != nil {
				return rep, err
			}
		} else {
			m.ID = data.NewID() // only to tell planned meetings apart in the checks
		}
		// Later rows are checked against this one too.
		a.Meetings = append(a.Meetings, m)
		s := Scheduled{Row: row.Num, Slot: m.Slot, Table: m.Table, Title: m.Title}
		if !opt.DryRun {
			s.Meeting = m.ID
		}
		rep.Scheduled = append(rep.Scheduled, s)
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Row < rep.Problems[j].Row })
	rep.Applied = !opt.DryRun
	return rep, nil
}

func sameHost(m *data.Meeting, req Request) bool {
	for _, id := range req.With {
		if hasID(m.Orgs, id) || hasID(m.Attendees, id) {
			return true
		}
	}
	return false
}

// resolve turns a parsed row into a scheduling request: which party is
// the delegation's, who the delegate is, and whom they meet. newOrg is a
// host organization to create; warn a note on a row imported anyway.
func resolve(row agendaRow, dir *directory, mission *data.Mission) (req Request, newOrg *data.Organization, warn string, err error) {
	req = Request{Slot: row.Slot, Table: row.Table, Notes: row.Notes}
	ours := -1
	var del *data.Contact
	for i, p := range row.Parties {
		if p.Person == "" {
			continue
		}
		var org data.ID
		if o := dir.orgs[foldName(p.Company)]; o != nil {
			org = o.ID
		}
		if c := dir.person(p.Person, org, true); c != nil {
			ours, del = i, c
			break
		}
	}
	if del == nil {
		var names []string
		for _, p := range row.Parties {
			if p.Person != "" {
				names = append(names, strconv.Quote(p.Person))
			}
		}
		if len(names) == 0 {
			return req, nil, "", data.Errorf(data.ErrInvalid, "no delegate named in the row")
		}
		return req, nil, "", data.Errorf(data.ErrInvalid, "unknown delegate: %s is not a delegate of %s", strings.Join(names, " or "), mission.Name)
	}
	req.Delegate = del.ID
	host := row.Parties[1-ours]
	var hostOrg *data.Organization
	if host.Company != "" {
		hostOrg = dir.orgs[foldName(host.Company)]
		if hostOrg == nil {
			newOrg = &data.Organization{Name: host.Company, OrgKind: data.OrgHost, Country: mission.Country}
			newOrg.ID = data.NewID()
			hostOrg = newOrg
		}
	}
	if host.Person != "" {
		var org data.ID
		if hostOrg != nil {
			org = hostOrg.ID
		}
		if c := dir.person(host.Person, org, false); c != nil {
			req.With = append(req.With, c.ID)
			if hostOrg != nil && c.Org != hostOrg.ID {
				req.With = append(req.With, hostOrg.ID)
			}
			return req, newOrg, "", nil
		}
		warn = fmt.Sprintf("%s is not among the contacts: the meeting is with the company only", strconv.Quote(host.Person))
		req.Notes = strings.TrimSpace(req.Notes + "\nMeeting with " + host.Person)
	}
	if hostOrg == nil {
		return req, nil, "", data.Errorf(data.ErrInvalid, "no host company for %s (%s is not among the contacts)", del.Label(), strconv.Quote(host.Person))
	}
	req.With = append(req.With, hostOrg.ID)
	return req, newOrg, warn, nil
}
