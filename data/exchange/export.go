package exchange

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// Format is a file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	ICS  Format = "ics"
	JSON Format = "json"
)

// Source is what exports read from (a *store.Store satisfies it).
type Source = store.Reader

// blobSource is the optional part of a Source holding attachment content;
// ExportAll includes the blobs when the Source has it.
type blobSource interface {
	Blob(ctx context.Context, sha string) ([]byte, error)
}

// Filter selects the records to export. Zero fields do not filter.
type Filter struct {
	Mission        data.ID
	Owner          string
	Status         data.Status
	DueFrom, DueTo data.Date
	IncludePrivate bool // private records are left out unless set
}

// Options say how a file is written.
type Options struct {
	Sep  rune      // CSV separator: ',' (default) or ';' (anything else → ErrInvalid)
	Lang string    // column headers/sheet names/status words in en|fi|et|ru ("" = en)
	Now  time.Time // DTSTAMP, export timestamp; zero = time.Now() (tests fix it for deterministic output)
}

func (o Options) normalize() (Options, error) {
	switch o.Sep {
	case 0:
		o.Sep = ','
	case ',', ';':
	default:
		return o, data.Errorf(data.ErrInvalid, "CSV separator %q is not supported (want , or ;)", o.Sep)
	}
	lang, err := checkLang(o.Lang)
	if err != nil {
		return o, err
	}
	o.Lang = lang
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o, nil
}

// check validates the filter and resolves its mission (nil without one).
func (f Filter) check(ctx context.Context, src Source) (*data.Mission, error) {
	switch f.Status {
	case "", data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped:
	default:
		return nil, data.Errorf(data.ErrInvalid, "status %q is not open, in_progress, done or dropped", f.Status)
	}
	for _, d := range []data.Date{f.DueFrom, f.DueTo} {
		if d != "" {
			if _, err := data.ParseDate(string(d)); err != nil {
				return nil, err
			}
		}
	}
	if f.DueFrom != "" && f.DueTo != "" && f.DueTo < f.DueFrom {
		return nil, data.Errorf(data.ErrInvalid, "due range %s…%s ends before it starts", f.DueFrom, f.DueTo)
	}
	if f.Mission == "" {
		return nil, nil
	}
	id, err := data.ParseID(string(f.Mission))
	if err != nil {
		return nil, err
	}
	rec, err := src.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	m, ok := rec.(*data.Mission)
	if !ok {
		return nil, data.Errorf(data.ErrInvalid, "%s is %s, not a mission", id, rec.Kind().WithArticle())
	}
	if m.Confidentiality == data.Private && !f.IncludePrivate {
		return nil, data.Errorf(data.ErrInvalid, "mission %s is private; include private records to export it", id)
	}
	return m, nil
}

// visible says whether a record may be exported under f.
func (f Filter) visible(rec data.Record) bool {
	return f.IncludePrivate || rec.Meta().Confidentiality != data.Private
}

// names resolves linked records for display, once per ID, hiding private
// ones unless the filter includes them.
type names struct {
	ctx  context.Context
	src  Source
	f    Filter
	seen map[data.ID]data.Record
}

func newNames(ctx context.Context, src Source, f Filter) *names {
	return &names{ctx: ctx, src: src, f: f, seen: map[data.ID]data.Record{}}
}

func (n *names) get(id data.ID) data.Record {
	if id == "" {
		return nil
	}
	if rec, ok := n.seen[id]; ok {
		return rec
	}
	rec, err := n.src.Get(n.ctx, id)
	if err != nil || !n.f.visible(rec) {
		rec = nil
	}
	n.seen[id] = rec
	return rec
}

func (n *names) label(id data.ID) string {
	if rec := n.get(id); rec != nil {
		return rec.Label()
	}
	return ""
}

// SelectFollowUps checks f and returns the follow-ups it selects, by due
// date: the same selection every export format uses (a PDF list too).
// The second result is f's mission, nil without one.
func SelectFollowUps(ctx context.Context, src Source, f Filter) ([]*data.FollowUp, *data.Mission, error) {
	m, err := f.check(ctx, src)
	if err != nil {
		return nil, nil, err
	}
	items, err := followUps(ctx, src, f)
	return items, m, err
}

// followUps lists the follow-ups matching f, by due date then ID.
func followUps(ctx context.Context, src Source, f Filter) ([]*data.FollowUp, error) {
	q := store.Query{Kind: data.KindFollowUp, Mission: f.Mission, Status: f.Status, DueFrom: f.DueFrom, DueTo: f.DueTo}
	recs, err := src.List(ctx, q)
	if err != nil {
		return nil, err
	}
	owner := locale.Fold(strings.TrimSpace(f.Owner))
	out := make([]*data.FollowUp, 0, len(recs))
	for _, rec := range recs {
		fu, ok := rec.(*data.FollowUp)
		if !ok || !f.visible(fu) {
			continue
		}
		if owner != "" && locale.Fold(strings.TrimSpace(fu.Owner)) != owner {
			continue
		}
		out = append(out, fu)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Due != out[j].Due {
			return out[i].Due < out[j].Due
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ExportFollowUps writes follow-ups matching f as CSV, XLSX or ICS; returns how many.
func ExportFollowUps(ctx context.Context, src Source, f Filter, format Format, opt Options, w io.Writer) (int, error) {
	opt, err := opt.normalize()
	if err != nil {
		return 0, err
	}
	if format != CSV && format != XLSX && format != ICS {
		return 0, data.Errorf(data.ErrInvalid, "follow-ups cannot be exported as %q (want csv, xlsx or ics)", format)
	}
	if _, err := f.check(ctx, src); err != nil {
		return 0, err
	}
	items, err := followUps(ctx, src, f)
	if err != nil {
		return 0, err
	}
	n := newNames(ctx, src, f)
	if format == ICS {
		return len(items), writeICS(w, items, n, opt)
	}
	cols := []column{
		{key: "due", date: true}, {key: "status"}, {key: "priority"}, {key: "owner"},
		{key: "company"}, {key: "contact"}, {key: "mission"}, {key: "meeting"},
		{key: "title"}, {key: "details", wide: true}, {key: "id"},
	}
	row := func(fu *data.FollowUp) []string {
		return []string{
			string(fu.Due), tr(opt.Lang, string(fu.Status)), tr(opt.Lang, string(fu.Priority)), fu.Owner,
			n.label(fu.Org), n.label(fu.Contact), n.label(fu.Mission), n.label(fu.Meeting),
			fu.Title, fu.Details, string(fu.ID),
		}
	}
	// One sheet per mission when the follow-ups of several are exported.
	var sheets []sheet
	if format == XLSX && f.Mission == "" {
		sheets = missionSheets(items, n, opt.Lang, row)
	} else {
		s := sheet{name: tr(opt.Lang, "followups")}
		if f.Mission != "" {
			s.name = n.label(f.Mission)
		}
		for _, fu := range items {
			s.rows = append(s.rows, row(fu))
		}
		sheets = []sheet{s}
	}
	return len(items), writeTable(w, format, cols, sheets, opt)
}

// missionSheets groups rows by mission (ordered by the missions' start
// dates), with follow-ups of no mission last.
func missionSheets(items []*data.FollowUp, n *names, lang string, row func(*data.FollowUp) []string) []sheet {
	groups := map[data.ID]*sheet{}
	var order []data.ID
	for _, fu := range items {
		key := fu.Mission
		if n.get(key) == nil {
			key = ""
		}
		s := groups[key]
		if s == nil {
			s = &sheet{name: tr(lang, "no_mission")}
			if m, ok := n.get(key).(*data.Mission); ok {
				s.name = m.Name
			}
			groups[key] = s
			order = append(order, key)
		}
		s.rows = append(s.rows, row(fu))
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, _ := n.get(order[i]).(*data.Mission)
		b, _ := n.get(order[j]).(*data.Mission)
		switch {
		case a == nil || b == nil:
			return b == nil && a != nil
		case a.Start != b.Start:
			return a.Start < b.Start
		}
		return a.ID < b.ID
	})
	out := make([]sheet, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	if len(out) == 0 {
		out = append(out, sheet{name: tr(lang, "followups")})
	}
	return out
}

// ExportContacts writes contacts (with their organization) as CSV or XLSX;
// f.Mission limits to the mission's delegates and the contacts met in its
// meetings (attendees) and of its member/host orgs.
func ExportContacts(ctx context.Context, src Source, f Filter, format Format, opt Options, w io.Writer) (int, error) {
	opt, err := opt.normalize()
	if err != nil {
		return 0, err
	}
	if format != CSV && format != XLSX {
		return 0, data.Errorf(data.ErrInvalid, "contacts cannot be exported as %q (want csv or xlsx; vCard is card export)", format)
	}
	m, err := f.check(ctx, src)
	if err != nil {
		return 0, err
	}
	contacts, err := missionContacts(ctx, src, f, m)
	if err != nil {
		return 0, err
	}
	n := newNames(ctx, src, f)
	coll := locale.NewCollator(locale.Match(opt.Lang))
	locale.SortFunc(coll, contacts, func(c *data.Contact) string {
		return c.FamilyName + "\x00" + c.GivenName + "\x00" + string(c.ID)
	})
	cols := []column{
		{key: "given_name"}, {key: "family_name"}, {key: "job_title"}, {key: "company"},
		{key: "country"}, {key: "email"}, {key: "phone"}, {key: "notes", wide: true}, {key: "id"},
	}
	s := sheet{name: tr(opt.Lang, "contacts")}
	for _, c := range contacts {
		var company, country string
		if o, ok := n.get(c.Org).(*data.Organization); ok {
			company, country = o.Name, countryName(o.Country, opt.Lang)
		}
		s.rows = append(s.rows, []string{
			c.GivenName, c.FamilyName, c.Title, company, country,
			strings.Join(c.Emails, "; "), strings.Join(c.Phones, "; "), c.Notes, string(c.ID),
		})
	}
	return len(contacts), writeTable(w, format, cols, []sheet{s}, opt)
}

// missionContacts lists the contacts f selects: all visible ones, or those
// of mission m (its delegates, the attendees of its meetings — private
// meetings only with IncludePrivate — and the people of its member and
// host organizations).
func missionContacts(ctx context.Context, src Source, f Filter, m *data.Mission) ([]*data.Contact, error) {
	var out []*data.Contact
	seen := map[data.ID]bool{}
	add := func(rec data.Record) {
		c, ok := rec.(*data.Contact)
		if ok && !seen[c.ID] && f.visible(c) {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	if m == nil {
		recs, err := src.List(ctx, store.Query{Kind: data.KindContact})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			add(r)
		}
		return out, nil
	}
	byID := func(id data.ID) error {
		rec, err := src.Get(ctx, id)
		if errors.Is(err, data.ErrNotFound) {
			return nil // a dangling link (deleted contact) is not an export error
		}
		if err != nil {
			return err
		}
		add(rec)
		return nil
	}
	for _, id := range m.Delegates {
		if err := byID(id); err != nil {
			return nil, err
		}
	}
	meetings, err := src.List(ctx, store.Query{Kind: data.KindMeeting, Mission: m.ID})
	if err != nil {
		return nil, err
	}
	for _, rec := range meetings {
		mt := rec.(*data.Meeting)
		if !f.visible(mt) {
			continue
		}
		for _, id := range append(append([]data.ID{}, mt.Attendees...), mt.Delegates...) {
			if err := byID(id); err != nil {
				return nil, err
			}
		}
	}
	for _, org := range append(append([]data.ID{}, m.Members...), m.Hosts...) {
		recs, err := src.List(ctx, store.Query{Kind: data.KindContact, Org: org})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			add(r)
		}
	}
	return out, nil
}
