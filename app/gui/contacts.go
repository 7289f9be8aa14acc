package gui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// contactsScreen lists the people or the organizations (a switch above the
// list), filtered as the user types; the selected record is shown on the
// right with everything linked to it: its meetings, follow-ups, the
// organization's people, and the attachments.
//
// The list holds one compact row per record, never the records: a cluster
// office's store may have 100 000 contacts, and only the selected one is
// read in full.
type contactsScreen struct {
	w *mainWindow
	// State below is touched only on the UI goroutine.
	kind    data.Kind    // data.KindContact or data.KindOrg: what the list shows
	orgKind data.OrgKind // organizations of this kind only ("": all)
	rows    *rowList
	loaded  struct {
		st   *store.Store
		kind data.Kind
		gen  uint64
	}
	loading struct { // the load in flight, to start it once
		st     *store.Store
		kind   data.Kind
		gen    uint64
		seq    uint64
		cancel context.CancelFunc
	}
	selected data.ID // the record shown on the right, kept across reloads
	pending  data.ID // a record to select once the list has it (reveal)
	detailOf struct {
		id  data.ID
		gen uint64
		seq uint64
	}

	kindChoice *widget.RadioGroup
	orgKindSel *widget.Select
	filter     *entry
	count      *widget.Label
	newBtn     *widget.Button
	top        *fyne.Container // the controls above the list
	view       *fyne.Container // the list, or an empty state
	detail     *fyne.Container
}

// orgKinds are the choices of the organization kind filter, "" for all.
var orgKinds = []data.OrgKind{"", data.OrgMember, data.OrgHost, data.OrgPartner, data.OrgProvider}

func orgKindLabel(k data.OrgKind) string {
	switch k {
	case data.OrgMember:
		return i18n.T("contacts.orgkind.member")
	case data.OrgHost:
		return i18n.T("contacts.orgkind.host")
	case data.OrgPartner:
		return i18n.T("contacts.orgkind.partner")
	case data.OrgProvider:
		return i18n.T("contacts.orgkind.provider")
	}
	return i18n.T("contacts.orgkind.all")
}

func newContactsScreen(w *mainWindow) *contactsScreen {
	s := &contactsScreen{w: w, kind: data.KindContact}
	s.rows = newRowList(w, func(r *contactRow) {
		s.pending = ""
		if r.id != s.detailOf.id || s.detailOf.gen != w.gen {
			s.selected = r.id
			s.showDetail(r.id)
		}
	})
	show := []string{i18n.T("contacts.show.contacts"), i18n.T("contacts.show.orgs")}
	s.kindChoice = widget.NewRadioGroup(show, func(v string) {
		if v == show[1] {
			s.setKind(data.KindOrg)
		} else {
			s.setKind(data.KindContact)
		}
	})
	s.kindChoice.Horizontal = true
	s.kindChoice.Required = true
	s.kindChoice.SetSelected(show[0])
	var kindLabels []string
	for _, k := range orgKinds {
		kindLabels = append(kindLabels, orgKindLabel(k))
	}
	s.orgKindSel = widget.NewSelect(kindLabels, func(string) {
		if i := s.orgKindSel.SelectedIndex(); i >= 0 && orgKinds[i] != s.orgKind {
			s.orgKind = orgKinds[i]
			s.applyFilter()
		}
	})
	s.orgKindSel.SetSelectedIndex(0)
	s.orgKindSel.Hide()
	s.filter = w.newEntry()
	s.filter.SetPlaceHolder(i18n.T("contacts.filter"))
	s.filter.OnChanged = func(string) { s.applyFilter() }
	s.count = widget.NewLabel("")
	s.count.Truncation = fyne.TextTruncateEllipsis
	s.newBtn = widget.NewButtonWithIcon(i18n.T("contacts.new.contact"), theme.ContentAddIcon(), s.newRecord)
	s.view = container.NewStack(s.rows.list)
	s.detail = container.NewVBox(widget.NewLabel(i18n.T("contacts.none")))
	return s
}

func (s *contactsScreen) content() fyne.CanvasObject {
	s.top = container.NewVBox(
		s.kindChoice,
		container.NewBorder(nil, nil, nil, s.orgKindSel, s.filter),
		container.NewBorder(nil, nil, nil, s.newBtn, s.count),
		widget.NewSeparator())
	left := container.NewBorder(s.top, nil, nil, nil, s.view)
	split := container.NewHSplit(left, container.NewVScroll(container.NewPadded(s.detail)))
	split.Offset = 0.4
	return split
}

func (s *contactsScreen) clear() {
	if s.loading.cancel != nil {
		s.loading.cancel()
	}
	s.loading.seq++
	s.loading.st, s.loading.cancel = nil, nil
	s.loaded.st = nil
	s.rows.set(nil)
	s.selected, s.pending = "", ""
	s.detailOf.id = ""
	s.detailOf.seq++
	s.filter.SetText("")
	s.count.SetText("")
	s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("contacts.none"))}
	s.detail.Refresh()
}

// setKind switches the list between contacts and organizations.
func (s *contactsScreen) setKind(k data.Kind) {
	if k == s.kind {
		return
	}
	s.kind = k
	want := i18n.T("contacts.show.contacts")
	s.newBtn.SetText(i18n.T("contacts.new.contact"))
	s.orgKindSel.Hide()
	if k == data.KindOrg {
		want = i18n.T("contacts.show.orgs")
		s.newBtn.SetText(i18n.T("contacts.new.org"))
		s.orgKindSel.Show()
	}
	if s.kindChoice.Selected != want {
		s.kindChoice.SetSelected(want)
	}
	if s.top != nil {
		// The kind select came or went and the button's text changed:
		// the rows around them are laid out again.
		for _, o := range s.top.Objects {
			if c, ok := o.(*fyne.Container); ok {
				c.Refresh()
			}
		}
	}
	s.rows.set(nil)
	s.count.SetText("")
	s.load()
}

// reveal shows rec (a contact or an organization): the list switches to
// its kind and drops any filter that would hide it, and it is selected.
func (s *contactsScreen) reveal(rec data.Record) {
	k := rec.Kind()
	if k != data.KindContact && k != data.KindOrg {
		return
	}
	id := rec.Meta().ID
	s.pending, s.selected = id, id
	if k == data.KindOrg && s.orgKind != "" {
		s.orgKind = ""
		s.orgKindSel.SetSelectedIndex(0)
	}
	if s.filter.Text != "" {
		s.filter.SetText("")
	}
	s.setKind(k)
	// The detail is read at once, whether or not the list has it yet.
	s.showDetail(id)
	s.selectPending()
}

// selectPending selects the pending record if the list shows it.
func (s *contactsScreen) selectPending() {
	if s.pending == "" {
		return
	}
	if s.rows.selectID(s.pending) {
		s.pending = ""
	}
}

// load reads the rows of the kind shown, in the background, unless they
// are loaded and current (or being loaded).
func (s *contactsScreen) load() {
	w := s.w
	if w.st == nil {
		return
	}
	if s.loaded.st == w.st && s.loaded.kind == s.kind && s.loaded.gen == w.gen {
		s.selectPending()
		return
	}
	if s.loading.st == w.st && s.loading.kind == s.kind && s.loading.gen == w.gen {
		return
	}
	if s.loading.cancel != nil {
		s.loading.cancel()
	}
	st, gen, kind := w.st, w.gen, s.kind
	ctx, cancel := context.WithCancel(w.ctx)
	s.loading.seq++
	seq := s.loading.seq
	s.loading.st, s.loading.kind, s.loading.gen, s.loading.cancel = st, kind, gen, cancel
	if s.loaded.kind != kind || s.loaded.st != st {
		s.count.SetText(i18n.T("contacts.loading"))
	}
	tag := language.Make(i18n.Language())
	w.background(func() {
		rows, err := loadRows(ctx, st, kind, tag)
		cancel()
		w.update(func() {
			if w.st != st || seq != s.loading.seq {
				return // locked, switched kind or superseded meanwhile
			}
			s.loading.st, s.loading.cancel = nil, nil
			if err != nil {
				s.count.SetText(i18n.T("error.load", err.Error()))
				return
			}
			s.loaded.st, s.loaded.kind, s.loaded.gen = st, kind, gen
			s.rows.set(rows)
			s.applyFilter()
			// The record on the right may have changed or gone.
			if s.selected != "" && s.detailOf.gen != gen {
				s.showDetail(s.selected)
			}
		})
	})
}

// applyFilter filters the rows by what is typed (and the organization
// kind) off the UI goroutine; each keystroke cancels the previous run.
func (s *contactsScreen) applyFilter() {
	ok := data.OrgKind("")
	if s.kind == data.KindOrg {
		ok = s.orgKind
	}
	s.rows.filter(s.filter.Text, ok, func() {
		s.showCount()
		if s.pending != "" {
			s.selectPending() // stays pending until a load brings it
			return
		}
		// The selected record stays on the right even when the filter
		// hides it: the user is still looking at it.
		if s.selected != "" {
			s.rows.selectID(s.selected)
		}
	})
}

func (s *contactsScreen) showCount() {
	all, shown := len(s.rows.rows), len(s.rows.shown)
	key := "contacts.count.contacts"
	if s.kind == data.KindOrg {
		key = "contacts.count.orgs"
	}
	text := i18n.T(key, all)
	if shown != all {
		text = i18n.T("contacts.count.filtered", shown, all)
	}
	s.count.SetText(text)
	var o fyne.CanvasObject = s.rows.list
	switch {
	case all == 0:
		btn := widget.NewButtonWithIcon(s.newBtn.Text, theme.ContentAddIcon(), s.newRecord)
		btn.Importance = widget.HighImportance
		msg := i18n.T("contacts.empty.contacts")
		if s.kind == data.KindOrg {
			msg = i18n.T("contacts.empty.orgs")
		}
		o = s.w.message(msg, btn)
	case shown == 0:
		btn := widget.NewButtonWithIcon(i18n.T("contacts.filter.clear"), theme.ContentClearIcon(), func() {
			s.filter.SetText("")
			if s.orgKind != "" {
				s.orgKindSel.SetSelectedIndex(0)
			}
		})
		o = s.w.message(i18n.T("contacts.nomatch"), btn)
	}
	if len(s.view.Objects) != 1 || s.view.Objects[0] != o {
		s.view.Objects = []fyne.CanvasObject{o}
		s.view.Refresh()
	}
}

// newRecord opens the form for a new contact (at the organization shown,
// if one is) or a new organization.
func (s *contactsScreen) newRecord() {
	if s.kind == data.KindOrg {
		s.w.editOrg(nil)
		return
	}
	// A new contact at the organization shown is the organization's
	// own New contact button.
	s.w.editContact(nil, "")
}

// ---- Rows -------------------------------------------------------------

// contactRow is what the list needs of a contact or organization: its
// label, a subtitle, and the folded text the filter matches.
type contactRow struct {
	id      data.ID
	label   string
	sub     string
	folded  string
	orgKind data.OrgKind
}

// loadRows streams the records of kind from the store into rows sorted by
// label in the UI language's order. A contact's subtitle names its
// organization, so the organizations' names are read first (names only).
func loadRows(ctx context.Context, st *store.Store, kind data.Kind, tag language.Tag) ([]contactRow, error) {
	var rows []contactRow
	switch kind {
	case data.KindContact:
		orgs := map[data.ID]string{}
		err := st.Each(ctx, store.Query{Kind: data.KindOrg}, func(r data.Record) error {
			orgs[r.Meta().ID] = r.Label()
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = st.Each(ctx, store.Query{Kind: data.KindContact}, func(r data.Record) error {
			c := r.(*data.Contact)
			sub := strings.Join(nonEmptyStrings(c.Title, orgs[c.Org]), " · ")
			rows = append(rows, contactRow{id: c.ID, label: privateMark(c.Confidentiality) + c.Label(), sub: sub,
				folded: foldRow(c.Label(), sub, strings.Join(c.Emails, " "), strings.Join(c.Phones, " "), strings.Join(c.Tags, " "))})
			return nil
		})
		if err != nil {
			return nil, err
		}
	case data.KindOrg:
		countries := map[string]string{}
		err := st.Each(ctx, store.Query{Kind: data.KindOrg}, func(r data.Record) error {
			o := r.(*data.Organization)
			country, ok := countries[o.Country]
			if !ok && o.Country != "" {
				country = countryLabel(o.Country)
				countries[o.Country] = country
			}
			sub := strings.Join(nonEmptyStrings(orgKindLabel(o.OrgKind), o.City, country), " · ")
			rows = append(rows, contactRow{id: o.ID, label: privateMark(o.Confidentiality) + o.Name, sub: sub, orgKind: o.OrgKind,
				folded: foldRow(o.Name, sub, o.Sector, strings.Join(o.Tags, " "), o.Email, o.Website)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	coll := locale.NewCollator(tag)
	locale.SortFunc(coll, rows, func(r contactRow) string { return strings.TrimPrefix(r.label, privateMark(data.Private)) })
	return rows, nil
}

// foldRow is what a row's filter matches: its folded text, and the Latin
// spellings of its Cyrillic words ("kodir" shows "Қодиров", as the search
// index does).
func foldRow(parts ...string) string {
	f := locale.Fold(strings.Join(parts, " "))
	if l := locale.Latinized(f); l != "" {
		f += " " + l
	}
	return f
}

// matchRows lists the indexes of the rows whose folded text has every word
// of the query (already folded), and of the organization kind if one is
// given. A cancelled ctx returns nil.
func matchRows(ctx context.Context, rows []contactRow, query string, kind data.OrgKind) []int32 {
	words := strings.Fields(query)
	out := make([]int32, 0, len(rows))
next:
	for i := range rows {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil
		}
		r := &rows[i]
		if kind != "" && r.orgKind != kind {
			continue
		}
		for _, wd := range words {
			if !strings.Contains(r.folded, wd) {
				continue next
			}
		}
		out = append(out, int32(i))
	}
	return out
}

// rowList is a virtualised, filterable list of rows: the contacts screen's
// list and the organization picker's.
type rowList struct {
	w *mainWindow
	// State below is touched only on the UI goroutine; rows is never
	// changed in place (set replaces it), so a filter run may read it.
	rows     []contactRow
	shown    []int32 // indexes into rows
	seq      uint64
	cancel   context.CancelFunc
	list     *widget.List
	selected data.ID
}

func newRowList(w *mainWindow, onSelect func(*contactRow)) *rowList {
	l := &rowList{w: w}
	l.list = widget.NewList(
		func() int { return len(l.shown) },
		twoLineRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(l.shown) {
				return
			}
			r := &l.rows[l.shown[id]]
			setTwoLines(o, r.label, r.sub)
		})
	l.list.OnSelected = func(id widget.ListItemID) {
		if id < len(l.shown) {
			r := &l.rows[l.shown[id]]
			l.selected = r.id
			onSelect(r)
		}
	}
	return l
}

// set replaces the rows, all shown until the next filter.
func (l *rowList) set(rows []contactRow) {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
	l.seq++
	l.rows = rows
	l.shown = make([]int32, len(rows))
	for i := range l.shown {
		l.shown[i] = int32(i)
	}
	l.list.UnselectAll()
	l.list.Refresh()
}

// filter shows the rows matching query (and kind) once they are found in
// the background, then calls done; a newer call cancels an older one.
func (l *rowList) filter(query string, kind data.OrgKind, done func()) {
	if l.cancel != nil {
		l.cancel()
	}
	ctx, cancel := context.WithCancel(l.w.ctx)
	l.cancel = cancel
	l.seq++
	seq, rows, q := l.seq, l.rows, locale.Fold(strings.TrimSpace(query))
	l.w.background(func() {
		shown := matchRows(ctx, rows, q, kind)
		l.w.update(func() {
			if seq != l.seq || ctx.Err() != nil {
				return
			}
			cancel()
			l.cancel = nil
			l.shown = shown
			l.list.UnselectAll()
			l.list.Refresh()
			if done != nil {
				done()
			}
		})
	})
}

// selectID selects the row of id if it is shown (without calling
// onSelect again when it is the selected one already), and scrolls to it.
func (l *rowList) selectID(id data.ID) bool {
	for i, x := range l.shown {
		if l.rows[x].id == id {
			l.list.Select(i)
			l.list.ScrollTo(i)
			return true
		}
	}
	return false
}

// ---- Detail -----------------------------------------------------------

// recordDetail is what the detail pane shows of a contact or organization.
type recordDetail struct {
	rec       data.Record
	org       *data.Organization // a contact's organization
	contacts  []*data.Contact    // an organization's people
	meetings  []*data.Meeting
	followUps []*data.FollowUp
	more      struct{ contacts, meetings, followUps int } // beyond the lists' caps
}

// detailCap is how many linked records of each sort the pane lists; a
// host company met on every mission for years need not list them all.
const detailCap = 100

// readDetail reads a record and what is linked to it (off the UI goroutine).
func readDetail(ctx context.Context, st *store.Store, id data.ID, tag language.Tag) (*recordDetail, error) {
	rec, err := st.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &recordDetail{rec: rec}
	capped := func(n *int) bool {
		*n++
		return *n > detailCap
	}
	var nm, nf, nc int
	addMeeting := func(r data.Record) error {
		if !capped(&nm) {
			d.meetings = append(d.meetings, r.(*data.Meeting))
		}
		return nil
	}
	switch r := rec.(type) {
	case *data.Contact:
		if r.Org != "" {
			if o, err := store.Load[*data.Organization](ctx, st, r.Org); err == nil {
				d.org = o
			}
		}
		if err := st.Each(ctx, store.Query{Kind: data.KindMeeting, Contact: id}, addMeeting); err != nil {
			return nil, err
		}
		// Follow-ups have no index by contact: those of the person's
		// organization and of the meetings they were in are few, and
		// without them every follow-up would be looked at. (A follow-up
		// from a B2B meeting may name our own company, not theirs.)
		seen := map[data.ID]bool{}
		mine := func(x data.Record) error {
			if f := x.(*data.FollowUp); f.Contact == id && !seen[f.ID] && !capped(&nf) {
				seen[f.ID] = true
				d.followUps = append(d.followUps, f)
			}
			return nil
		}
		queries := []store.Query{}
		if r.Org != "" {
			queries = append(queries, store.Query{Kind: data.KindFollowUp, Org: r.Org})
		}
		for _, m := range d.meetings {
			queries = append(queries, store.Query{Kind: data.KindFollowUp, Meeting: m.ID})
		}
		for _, q := range queries {
			if err := st.Each(ctx, q, mine); err != nil {
				return nil, err
			}
		}
	case *data.Organization:
		err := st.Each(ctx, store.Query{Kind: data.KindContact, Org: id}, func(x data.Record) error {
			if !capped(&nc) {
				d.contacts = append(d.contacts, x.(*data.Contact))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		locale.SortFunc(locale.NewCollator(tag), d.contacts, func(c *data.Contact) string { return c.Label() })
		if err := st.Each(ctx, store.Query{Kind: data.KindMeeting, Org: id}, addMeeting); err != nil {
			return nil, err
		}
		err = st.Each(ctx, store.Query{Kind: data.KindFollowUp, Org: id}, func(x data.Record) error {
			if !capped(&nf) {
				d.followUps = append(d.followUps, x.(*data.FollowUp))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	d.more.contacts, d.more.meetings, d.more.followUps = max(nc-detailCap, 0), max(nm-detailCap, 0), max(nf-detailCap, 0)
	// Newest meetings first: the last visit is what a delegate looks for.
	slices.SortStableFunc(d.meetings, func(a, b *data.Meeting) int { return b.Start.Compare(a.Start) })
	return d, nil
}

// showDetail reads the record with id and what is linked to it in the
// background, then shows it on the right.
func (s *contactsScreen) showDetail(id data.ID) {
	w := s.w
	if w.st == nil {
		return
	}
	s.detailOf.seq++
	seq, st, gen := s.detailOf.seq, w.st, w.gen
	s.detailOf.id, s.detailOf.gen = id, gen
	tag := language.Make(i18n.Language())
	w.background(func() {
		d, err := readDetail(w.ctx, st, id, tag)
		w.update(func() {
			if w.st != st || seq != s.detailOf.seq {
				return
			}
			if err != nil {
				s.detailOf.id = ""
				l := widget.NewLabel(i18n.T("error.load", err.Error()))
				l.Wrapping = fyne.TextWrapWord
				if s.selected == id {
					s.selected = ""
				}
				s.detail.Objects = []fyne.CanvasObject{l}
				if errors.Is(err, data.ErrNotFound) {
					s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("contacts.none"))}
				}
				s.detail.Refresh()
				return
			}
			s.render(d)
		})
	})
}

// render fills the detail pane from d; everything it needs is in memory.
func (s *contactsScreen) render(d *recordDetail) {
	w := s.w
	form := widget.NewForm()
	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		form.Append(label, l)
	}
	var actions []fyne.CanvasObject
	edit := widget.NewButtonWithIcon(i18n.T("action.edit"), theme.DocumentCreateIcon(), nil)
	edit.Importance = widget.HighImportance
	actions = append(actions, edit)
	switch r := d.rec.(type) {
	case *data.Contact:
		edit.OnTapped = func() { w.editContact(r, r.Org) }
		row(i18n.T("card.field.title"), r.Title)
		if d.org != nil {
			org := d.org
			form.Append(i18n.T("card.field.org"), recordLink(w, org.Name, org))
		} else if r.Org != "" {
			row(i18n.T("card.field.org"), i18n.T("record.missing"))
		}
		row(i18n.T("card.field.email"), strings.Join(r.Emails, "\n"))
		row(i18n.T("card.field.phone"), strings.Join(r.Phones, "\n"))
		row(i18n.T("card.field.languages"), languageNames(r.Languages))
		row(i18n.T("card.field.notes"), r.Notes)
		row(i18n.T("contacts.field.source"), sourceLabel(r.Source))
		consent := i18n.T("contacts.consent.no")
		if r.Consent {
			consent = i18n.T("contacts.consent.yes")
			if r.ConsentDate != "" {
				consent += " · " + formatDate(r.ConsentDate)
			}
		}
		row(i18n.T("contacts.field.consent"), consent)
		row(i18n.T("meeting.field.tags"), strings.Join(r.Tags, ", "))
	case *data.Organization:
		edit.OnTapped = func() { w.editOrg(r) }
		add := widget.NewButtonWithIcon(i18n.T("contacts.new.contact"), theme.ContentAddIcon(), func() { w.editContact(nil, r.ID) })
		actions = append(actions, add)
		row(i18n.T("meeting.field.kind"), orgKindLabel(r.OrgKind))
		if r.Country != "" {
			row(i18n.T("contacts.field.country"), countryLabel(r.Country))
		}
		row(i18n.T("contacts.field.city"), r.City)
		row(i18n.T("card.field.address"), r.Address)
		row(i18n.T("contacts.field.sector"), r.Sector)
		row(i18n.T("card.field.website"), r.Website)
		row(i18n.T("card.field.email"), r.Email)
		row(i18n.T("card.field.phone"), r.Phone)
		row(i18n.T("contacts.field.products"), strings.Join(r.Products, ", "))
		row(i18n.T("contacts.field.capabilities"), strings.Join(r.Capabilities, ", "))
		row(i18n.T("contacts.field.certifications"), strings.Join(r.Certifications, ", "))
		row(i18n.T("meeting.field.tags"), strings.Join(r.Tags, ", "))
		row(i18n.T("contacts.field.tagline"), localText(r.Tagline))
		row(i18n.T("contacts.field.description"), localText(r.Description))
	}
	row(i18n.T("meeting.field.confidentiality"), i18n.T("confidentiality."+string(d.rec.Meta().Confidentiality)))
	del := widget.NewButtonWithIcon(i18n.T("action.delete"), theme.DeleteIcon(), func() { s.delete(d.rec) })
	del.Importance = widget.DangerImportance
	actions = append(actions, del)

	title := widget.NewLabelWithStyle(privateMark(d.rec.Meta().Confidentiality)+d.rec.Label(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title, container.NewHBox(actions...), form}

	link := func(text string, rec data.Record) fyne.CanvasObject { return recordLink(w, text, rec) }
	section := func(head string, n, more int, items []fyne.CanvasObject) {
		objs = append(objs, widget.NewSeparator(),
			widget.NewLabelWithStyle(i18n.T(head, n+more), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if n == 0 {
			objs = append(objs, widget.NewLabel(i18n.T("mission.nobody")))
		}
		objs = append(objs, items...)
		if more > 0 {
			objs = append(objs, widget.NewLabel(i18n.T("contacts.more", more)))
		}
	}
	if _, ok := d.rec.(*data.Organization); ok {
		var items []fyne.CanvasObject
		for _, c := range d.contacts {
			items = append(items, link(strings.Join(nonEmptyStrings(privateMark(c.Confidentiality)+c.Label(), c.Title), " · "), c))
		}
		section("contacts.section.people", len(d.contacts), d.more.contacts, items)
	}
	var items []fyne.CanvasObject
	for _, m := range d.meetings {
		items = append(items, link(formatDate(data.DateOf(m.Local()))+" · "+privateMark(m.Confidentiality)+m.Title, m))
	}
	section("contacts.section.meetings", len(d.meetings), d.more.meetings, items)
	items = nil
	for _, f := range d.followUps {
		items = append(items, link(followUpLine(f), f))
	}
	section("contacts.section.followups", len(d.followUps), d.more.followUps, items)
	objs = append(objs, widget.NewSeparator(), w.attachmentsBox(d.rec.Meta().ID))
	s.detail.Objects = objs
	// Twice: a wrapping label knows its height only once it has its
	// width, which the first layout gives it.
	s.detail.Refresh()
	s.detail.Refresh()
}

// recordLink is a link that opens rec. Long titles are cut with an
// ellipsis rather than widening the pane.
func recordLink(w *mainWindow, text string, rec data.Record) *widget.Hyperlink {
	l := widget.NewHyperlink(text, nil)
	l.Truncation = fyne.TextTruncateEllipsis
	l.OnTapped = func() { w.openRecord(rec) }
	return l
}

// localText picks the UI language's text, else English, else any.
func localText(t data.Texts) string {
	if s := t[i18n.Language()]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}

// languageNames names language tags in the UI language ("ru" → Russian).
func languageNames(tags []string) string {
	var out []string
	for _, t := range tags {
		out = append(out, languageLabel(t))
	}
	return strings.Join(out, ", ")
}

// languageLabel names a language tag in the UI language, or shows the
// tag as typed if it is not one.
func languageLabel(code string) string {
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	if n := display.Languages(language.Make(i18n.Language())).Name(t); n != "" {
		return n
	}
	return code
}

// sourceLabel says where a contact came from in the UI language.
func sourceLabel(src string) string {
	switch src {
	case "manual":
		return i18n.T("contacts.source.manual")
	case "qr":
		return i18n.T("contacts.source.qr")
	case "vcard":
		return i18n.T("contacts.source.vcard")
	case "import":
		return i18n.T("contacts.source.import")
	case "sample":
		return i18n.T("contacts.source.sample")
	}
	return src
}

// delete asks, then deletes the record (a tombstone: linked records stay,
// and sync can still bring back an edit made elsewhere).
func (s *contactsScreen) delete(rec data.Record) {
	id := rec.Meta().ID
	s.w.deleteRecord(rec.Label(), id, func() {
		if s.selected == id {
			s.selected = ""
		}
		s.detailOf.id = ""
		s.detailOf.seq++
		s.detail.Objects = []fyne.CanvasObject{widget.NewLabel(i18n.T("contacts.none"))}
		s.detail.Refresh()
		s.w.changed()
	})
}

// ---- Forms ------------------------------------------------------------

// confidentialityChoice is a select of who may see a record.
func confidentialityChoice(cur data.Confidentiality) *widget.Select {
	levels := []data.Confidentiality{data.Shared, data.Office, data.Private}
	var labels []string
	for _, c := range levels {
		labels = append(labels, i18n.T("confidentiality."+string(c)))
	}
	sel := widget.NewSelect(labels, nil)
	sel.SetSelectedIndex(0)
	for i, c := range levels {
		if c == cur {
			sel.SetSelectedIndex(i)
		}
	}
	return sel
}

func selectedConfidentiality(sel *widget.Select) data.Confidentiality {
	return []data.Confidentiality{data.Shared, data.Office, data.Private}[max(sel.SelectedIndex(), 0)]
}

// recordForm is a dialog with fields, a problem line and Save/Cancel,
// wired to Ctrl+S and Esc. save gets the dialog's done func to call on
// success; a problem keeps the dialog open with everything typed.
func (w *mainWindow) recordForm(title string, fields *widget.Form, first fyne.Focusable, save func(problem func(error), done func())) {
	problem := problemLabel()
	var d dialog.Dialog
	saving := false
	doSave := func() {
		if saving {
			return
		}
		saving = true
		save(func(err error) {
			saving = false
			problem.SetText(fieldProblem(err))
			problem.Show()
		}, func() {
			saving = false
			d.Hide()
		})
	}
	cancel := w.guardClose(fields, func() { d.Hide() })
	saveBtn := widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), doSave)
	saveBtn.Importance = widget.HighImportance
	body := container.NewBorder(nil,
		container.NewVBox(problem, container.NewHBox(layout.NewSpacer(), widget.NewButton(i18n.T("action.cancel"), cancel), saveBtn)),
		nil, nil, container.NewVScroll(fields))
	d = dialog.NewCustomWithoutButtons(title, body, w.win)
	d.SetOnClosed(w.pushForm(&form{save: doSave, cancel: cancel}))
	d.Resize(fyne.NewSize(660, 640))
	d.Show()
	if first != nil {
		w.win.Canvas().Focus(first)
	}
}

// saveRecord creates rec (orig nil) or saves it as an edit of orig (only
// the fields changed in the form are written) in the background; on
// success the list shows it selected.
func (w *mainWindow) saveRecord(rec, orig data.Record, problem func(error), done func()) {
	st := w.st
	if st == nil {
		return
	}
	isNew := orig == nil
	w.background(func() {
		var err error
		if isNew {
			err = st.Create(w.ctx, rec)
		} else {
			_, err = st.UpdateFrom(w.ctx, orig, rec)
		}
		w.update(func() {
			if w.st != st {
				return
			}
			if err != nil {
				problem(err)
				return
			}
			done()
			if isNew && w.contactsScr.filter.Text != "" {
				w.contactsScr.filter.SetText("") // the new record must not be hidden
			}
			w.contactsScr.pending = rec.Meta().ID
			w.contactsScr.selected = rec.Meta().ID
			w.changed()
			if w.currentScreen() == w.contactsScr {
				w.contactsScr.showDetail(rec.Meta().ID)
			}
		})
	})
}

// editContact is the form for a new contact (c nil; at the organization
// org, if given) or an existing one.
func (w *mainWindow) editContact(c *data.Contact, org data.ID) {
	if w.st == nil {
		return
	}
	rec := &data.Contact{Org: org, Source: "manual"}
	rec.Confidentiality = data.Shared
	if c != nil {
		cp := *c
		rec = &cp
	}
	given, family, title := w.newEntry(), w.newEntry(), w.newEntry()
	emails, phones, langs := w.newEntry(), w.newEntry(), w.newEntry()
	notes, tags, consentDate := w.newMultiLineEntry(), w.newEntry(), w.newEntry()
	given.SetText(rec.GivenName)
	family.SetText(rec.FamilyName)
	title.SetText(rec.Title)
	emails.SetText(strings.Join(rec.Emails, ", "))
	emails.SetPlaceHolder("name@company.example, …")
	phones.SetText(strings.Join(rec.Phones, ", "))
	phones.SetPlaceHolder("+998 71 …")
	langs.SetText(strings.Join(rec.Languages, ", "))
	langs.SetPlaceHolder("ru, uz, en")
	notes.SetText(rec.Notes)
	notes.SetMinRowsVisible(4)
	tags.SetText(strings.Join(rec.Tags, ", "))
	consentDate.SetText(string(rec.ConsentDate))
	consentDate.SetPlaceHolder(string(data.DateOf(time.Now())))
	consent := widget.NewCheck(i18n.T("contacts.consent.given"), nil)
	consent.SetChecked(rec.Consent)
	conf := confidentialityChoice(rec.Confidentiality)

	orgID := rec.Org
	orgName := widget.NewLabel("")
	orgName.Truncation = fyne.TextTruncateEllipsis
	showOrg := func(name string) {
		if orgID == "" {
			name = i18n.T("contacts.org.none")
		}
		orgName.SetText(name)
	}
	showOrg("")
	if orgID != "" {
		st := w.st
		w.background(func() {
			name := i18n.T("record.missing")
			if r, err := st.Get(w.ctx, orgID); err == nil {
				name = r.Label()
			}
			w.update(func() { showOrg(name) })
		})
	}
	choose := widget.NewButtonWithIcon(i18n.T("contacts.org.choose")+"…", theme.SearchIcon(), func() {
		w.pickOrg(func(id data.ID, name string) {
			orgID = id
			showOrg(name)
		})
	})
	unlink := widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() {
		orgID = ""
		showOrg("")
	})
	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("card.field.given"), given),
		widget.NewFormItem(i18n.T("card.field.family"), family),
		widget.NewFormItem(i18n.T("card.field.title"), title),
		widget.NewFormItem(i18n.T("card.field.org"), container.NewBorder(nil, nil, nil, container.NewHBox(choose, unlink), orgName)),
		widget.NewFormItem(i18n.T("card.field.email"), emails),
		widget.NewFormItem(i18n.T("card.field.phone"), phones),
		widget.NewFormItem(i18n.T("card.field.languages"), langs),
		widget.NewFormItem(i18n.T("card.field.notes"), notes),
		widget.NewFormItem(i18n.T("contacts.field.consent"), container.NewBorder(nil, nil, consent, nil, consentDate)),
		widget.NewFormItem(i18n.T("meeting.field.tags"), tags),
		widget.NewFormItem(i18n.T("meeting.field.confidentiality"), conf),
	)
	head := i18n.T("contacts.new.contact")
	if c != nil {
		head = i18n.T("contacts.edit.contact")
	}
	w.recordForm(head, fields, given, func(problem func(error), done func()) {
		rec.GivenName, rec.FamilyName = strings.TrimSpace(given.Text), strings.TrimSpace(family.Text)
		rec.Title = strings.TrimSpace(title.Text)
		rec.Org = orgID
		rec.Emails, rec.Phones, rec.Languages = splitList(emails.Text), splitList(phones.Text), splitList(langs.Text)
		rec.Notes = strings.TrimSpace(notes.Text)
		rec.Tags = splitList(tags.Text)
		rec.Consent = consent.Checked
		rec.ConsentDate = data.Date(strings.TrimSpace(consentDate.Text))
		if rec.Consent && rec.ConsentDate == "" {
			rec.ConsentDate = data.DateOf(time.Now())
		}
		rec.Confidentiality = selectedConfidentiality(conf)
		if err := rec.Validate(); err != nil {
			problem(err)
			return
		}
		var orig data.Record // nil for a new contact (not a nil *Contact)
		if c != nil {
			orig = c
		}
		w.saveRecord(rec, orig, problem, done)
	})
}

// editOrg is the form for a new organization (o nil) or an existing one.
// The tagline and description are edited in the UI language; the other
// languages' texts are kept.
func (w *mainWindow) editOrg(o *data.Organization) {
	if w.st == nil {
		return
	}
	rec := &data.Organization{OrgKind: data.OrgHost}
	rec.Confidentiality = data.Shared
	if o != nil {
		cp := *o
		cp.Tagline, cp.Description = maps.Clone(o.Tagline), maps.Clone(o.Description)
		rec = &cp
	}
	lang := i18n.Language()
	name, country, city, address := w.newEntry(), w.newEntry(), w.newEntry(), w.newEntry()
	sector, website, email, phone := w.newEntry(), w.newEntry(), w.newEntry(), w.newEntry()
	products, capabilities, certs, tags := w.newEntry(), w.newEntry(), w.newEntry(), w.newEntry()
	tagline, description := w.newEntry(), w.newMultiLineEntry()
	name.SetText(rec.Name)
	country.SetText(rec.Country)
	country.SetPlaceHolder("ZA, UZ, FI …")
	countryName := widget.NewLabel("")
	country.OnChanged = func(c string) {
		countryName.SetText("")
		if c = strings.TrimSpace(c); len(c) == 2 {
			countryName.SetText(countryLabel(strings.ToUpper(c)))
		}
	}
	country.OnChanged(rec.Country)
	city.SetText(rec.City)
	address.SetText(rec.Address)
	sector.SetText(rec.Sector)
	website.SetText(rec.Website)
	website.SetPlaceHolder("https://…")
	email.SetText(rec.Email)
	phone.SetText(rec.Phone)
	products.SetText(strings.Join(rec.Products, ", "))
	capabilities.SetText(strings.Join(rec.Capabilities, ", "))
	certs.SetText(strings.Join(rec.Certifications, ", "))
	tags.SetText(strings.Join(rec.Tags, ", "))
	tagline.SetText(rec.Tagline[lang])
	description.SetText(rec.Description[lang])
	description.SetMinRowsVisible(4)
	kinds := orgKinds[1:]
	var kindLabels []string
	for _, k := range kinds {
		kindLabels = append(kindLabels, orgKindLabel(k))
	}
	kind := widget.NewSelect(kindLabels, nil)
	for i, k := range kinds {
		if k == rec.OrgKind {
			kind.SetSelectedIndex(i)
		}
	}
	conf := confidentialityChoice(rec.Confidentiality)
	inLang := " (" + languageLabel(lang) + ")"
	fields := widget.NewForm(
		widget.NewFormItem(i18n.T("card.field.name"), name),
		widget.NewFormItem(i18n.T("meeting.field.kind"), kind),
		widget.NewFormItem(i18n.T("contacts.field.country"), container.NewBorder(nil, nil, nil, countryName, country)),
		widget.NewFormItem(i18n.T("contacts.field.city"), city),
		widget.NewFormItem(i18n.T("card.field.address"), address),
		widget.NewFormItem(i18n.T("contacts.field.sector"), sector),
		widget.NewFormItem(i18n.T("card.field.website"), website),
		widget.NewFormItem(i18n.T("card.field.email"), email),
		widget.NewFormItem(i18n.T("card.field.phone"), phone),
		widget.NewFormItem(i18n.T("contacts.field.products"), products),
		widget.NewFormItem(i18n.T("contacts.field.capabilities"), capabilities),
		widget.NewFormItem(i18n.T("contacts.field.certifications"), certs),
		widget.NewFormItem(i18n.T("meeting.field.tags"), tags),
		widget.NewFormItem(i18n.T("contacts.field.tagline")+inLang, tagline),
		widget.NewFormItem(i18n.T("contacts.field.description")+inLang, description),
		widget.NewFormItem(i18n.T("meeting.field.confidentiality"), conf),
	)
	head := i18n.T("contacts.new.org")
	if o != nil {
		head = i18n.T("contacts.edit.org")
	}
	setText := func(t *data.Texts, v string) {
		if v = strings.TrimSpace(v); v == "" {
			delete(*t, lang)
			return
		}
		if *t == nil {
			*t = data.Texts{}
		}
		(*t)[lang] = v
	}
	w.recordForm(head, fields, name, func(problem func(error), done func()) {
		rec.Name = strings.TrimSpace(name.Text)
		if i := kind.SelectedIndex(); i >= 0 {
			rec.OrgKind = kinds[i]
		}
		rec.Country = strings.ToUpper(strings.TrimSpace(country.Text))
		rec.City, rec.Address = strings.TrimSpace(city.Text), strings.TrimSpace(address.Text)
		rec.Sector, rec.Website = strings.TrimSpace(sector.Text), strings.TrimSpace(website.Text)
		rec.Email, rec.Phone = strings.TrimSpace(email.Text), strings.TrimSpace(phone.Text)
		rec.Products, rec.Capabilities = splitList(products.Text), splitList(capabilities.Text)
		rec.Certifications, rec.Tags = splitList(certs.Text), splitList(tags.Text)
		setText(&rec.Tagline, tagline.Text)
		setText(&rec.Description, description.Text)
		rec.Confidentiality = selectedConfidentiality(conf)
		if err := rec.Validate(); err != nil {
			problem(err)
			return
		}
		var orig data.Record // nil for a new organization
		if o != nil {
			orig = o
		}
		w.saveRecord(rec, orig, problem, done)
	})
}

// pickOrg lets the user choose an organization from a filterable list
// (a Select would build a menu item per organization, too many for a
// cluster office's store).
func (w *mainWindow) pickOrg(then func(id data.ID, name string)) {
	st := w.st
	if st == nil {
		return
	}
	var d dialog.Dialog
	rows := newRowList(w, func(r *contactRow) {
		d.Hide()
		then(r.id, strings.TrimPrefix(r.label, privateMark(data.Private)))
	})
	filter := w.newEntry()
	filter.SetPlaceHolder(i18n.T("contacts.filter"))
	filter.OnChanged = func(q string) { rows.filter(q, "", nil) }
	status := widget.NewLabel(i18n.T("contacts.loading"))
	d = dialog.NewCustom(i18n.T("contacts.org.choose"), i18n.T("action.cancel"),
		container.NewBorder(container.NewVBox(filter, status), nil, nil, nil, rows.list), w.win)
	// Esc closes the picker, not the form below it.
	d.SetOnClosed(w.pushForm(&form{cancel: d.Hide}))
	d.Resize(fyne.NewSize(520, 560))
	d.Show()
	w.win.Canvas().Focus(filter)
	tag := language.Make(i18n.Language())
	w.background(func() {
		all, err := loadRows(w.ctx, st, data.KindOrg, tag)
		w.update(func() {
			if w.st != st {
				return
			}
			if err != nil {
				status.SetText(i18n.T("error.load", err.Error()))
				return
			}
			status.Hide()
			rows.set(all)
			if filter.Text != "" {
				rows.filter(filter.Text, "", nil)
			}
		})
	})
}
