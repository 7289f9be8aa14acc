package report

import (
	"context"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// Table of contents geometry.
const (
	tocTop    = marginT + 84
	tocEntryH = 34.0
)

func catalogue(ctx context.Context, src Source, m *data.Mission, opt Options, w io.Writer) error {
	members, err := missionMembers(ctx, src, m, opt.Lang)
	if err != nil {
		return err
	}
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	d.footerLeft = m.Name
	d.setInfo(d.l("catalogue")+": "+m.Name, m.Name)
	delegates := delegationRows(ctx, src, m)

	d.newPage()
	d.noFooter[1] = true
	d.cover(m, d.l("catalogue"), []string{
		d.l("member_companies"), d.f.int(int64(len(members))),
		d.l("delegation"), d.f.int(int64(len(delegates))),
	})

	// The contents come before the brochures but need their page numbers:
	// reserve the pages now (their number depends only on the number of
	// entries) and fill them in at the end.
	perPage := int((d.bottom() - tocTop) / tocEntryH)
	entries := len(members) + 1
	tocPages := (entries + perPage - 1) / perPage
	for range tocPages {
		d.newPage()
	}
	starts := make([]int, len(members))
	for i, o := range members {
		if err := ctx.Err(); err != nil {
			return err
		}
		starts[i] = d.pdf.GetNumberOfPages() + 1
		if err := d.brochure(ctx, src, o); err != nil {
			return err
		}
	}
	backPage := d.pdf.GetNumberOfPages() + 1
	d.delegationPage(delegates)

	for p := range tocPages {
		if err := d.pdf.SetPage(2 + p); err != nil {
			return err
		}
		d.y = marginT
		d.titleBlock(d.l("contents"), m.Name)
		d.y = tocTop
		for i := p * perPage; i < min(entries, (p+1)*perPage); i++ {
			if i < len(members) {
				tag, _ := pick(members[i].Tagline, opt.Lang)
				d.tocEntry(i+1, members[i].Name, tag, starts[i])
			} else {
				d.tocEntry(0, d.l("delegation_contacts"), "", backPage)
			}
		}
	}
	return d.finish(w)
}

// tocEntry draws one line of the contents: number, name with a dotted
// leader to the page number, and the tagline below.
func (d *doc) tocEntry(n int, name, sub string, page int) {
	y := d.y
	numW := 26.0
	pg := strconv.Itoa(page)
	if n > 0 {
		d.font(true, 11, orange)
		d.text(marginL, y, leftPad(n))
	}
	d.font(true, 11, teal)
	pw := d.width(pg)
	d.textRight(pageW-marginR, y, pg)
	d.font(true, 11, ink)
	nameW := contentW - numW - pw - 24
	name = d.ellipsis(name, nameW)
	d.text(marginL+numW, y, name)
	// Dotted leader from the name to the number.
	lx := marginL + numW + d.width(name) + 6
	rx := pageW - marginR - pw - 6
	for x := lx; x < rx; x += 4 {
		d.rect(x, y+10.5, 1, 1, greyLight)
	}
	if sub != "" {
		d.font(false, 8.5, grey)
		d.text(marginL+numW, y+15.5, d.ellipsis(sub, nameW))
	}
	d.y += tocEntryH
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

// missionMembers are the organizations a catalogue presents: the
// mission's members in the order given, or, when none are recorded, the
// member and provider organizations met in its meetings, by name.
func missionMembers(ctx context.Context, src Source, m *data.Mission, lang string) ([]*data.Organization, error) {
	var out []*data.Organization
	seen := map[data.ID]bool{}
	add := func(id data.ID, onlyMembers bool) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		rec, err := src.Get(ctx, id)
		if err != nil {
			// A member deleted since it was added is left out, not fatal.
			return ignoreNotFound(err)
		}
		o, ok := rec.(*data.Organization)
		if !ok || o.Confidentiality == data.Private {
			return nil
		}
		if onlyMembers && o.OrgKind != data.OrgMember && o.OrgKind != data.OrgProvider {
			return nil
		}
		out = append(out, o)
		return nil
	}
	for _, id := range m.Members {
		if err := add(id, false); err != nil {
			return nil, err
		}
	}
	if len(m.Members) > 0 {
		return out, nil
	}
	meetings, err := src.List(ctx, store.Query{Kind: data.KindMeeting, Mission: m.ID})
	if err != nil {
		return nil, err
	}
	for _, r := range meetings {
		mt, ok := r.(*data.Meeting)
		if !ok || mt.Confidentiality == data.Private {
			continue
		}
		for _, id := range mt.Orgs {
			if err := add(id, true); err != nil {
				return nil, err
			}
		}
	}
	locale.SortFunc(locale.NewCollator(language.Make(lang)), out, func(o *data.Organization) string { return o.Name })
	return out, nil
}

// delegate is one row of the delegation's contact list.
type delegate struct {
	name, title, org, email, phone string
}

func delegationRows(ctx context.Context, src Source, m *data.Mission) []delegate {
	names := newNames(ctx, src)
	var out []delegate
	for _, id := range m.Delegates {
		c, ok := names.get(id).(*data.Contact)
		if !ok || c.Confidentiality == data.Private {
			continue
		}
		dl := delegate{name: c.Label(), title: c.Title}
		if c.Org != "" {
			dl.org = names.org(c.Org)
		}
		if len(c.Emails) > 0 {
			dl.email = c.Emails[0]
		}
		if len(c.Phones) > 0 {
			dl.phone = c.Phones[0]
		}
		out = append(out, dl)
	}
	return out
}

// delegationPage is the back of the catalogue: who travels, and how to
// reach them.
func (d *doc) delegationPage(rows []delegate) {
	d.onPage = nil
	d.newPage()
	d.y = marginT
	d.titleBlock(d.l("delegation_contacts"), "")
	if len(rows) == 0 {
		d.font(false, 10, grey)
		d.paragraph(marginL, contentW, d.l("no_delegates"))
		return
	}
	cols := []col{
		{title: d.l("name"), w: 128},
		{title: d.l("organization"), w: 112},
		{title: d.l("email"), w: contentW - 128 - 112 - 86},
		{title: d.l("phone"), w: 86},
	}
	var cells [][]cell
	for _, r := range rows {
		nameCell := cell{{text: r.name, bold: true, size: 8.5, color: ink}}
		if r.title != "" {
			nameCell = append(nameCell, span{text: r.title, size: 8, color: grey})
		}
		cells = append(cells, []cell{
			nameCell,
			{{text: r.org, size: 8.5, color: ink}},
			{{text: r.email, size: 8.5, color: ink}},
			{{text: r.phone, size: 8.5, color: ink}},
		})
	}
	d.table(marginL, cols, cells, func(i int) bool { return i%2 == 1 })
}

// cover draws a title page: the document kind, the mission's name, its
// dates, host country and cities, and a few figures (label, value pairs).
func (d *doc) cover(m *data.Mission, kind string, figures []string) {
	bandH := 500.0
	d.rect(0, 0, pageW, bandH, teal)
	d.rect(0, bandH, pageW, 6, orange)
	// A quiet pattern of lines gives the cover some depth in print.
	for i := 0; i < 7; i++ {
		y := 70 + float64(i)*9
		d.rect(pageW-marginR-120+float64(i)*12, y, 120-float64(i)*12, 3, tealDark)
	}

	y := 190.0
	d.font(true, 11, orange)
	d.text(marginL, y, strings.ToUpper(kind))
	y += 26
	d.font(true, 30, white)
	for _, s := range d.wrap(m.Name, contentW) {
		d.text(marginL, y, s)
		y += d.lead() * 0.95
	}
	y += 18
	d.font(false, 13, tealSoft)
	sub := d.dateRange(m.Start, m.End)
	if c := d.f.country(m.Country); c != "" {
		sub += "  ·  " + c
	}
	d.text(marginL, y, sub)

	// Details below the band.
	y = bandH + 40
	type kv struct{ k, v string }
	rows := []kv{
		{d.l("dates"), d.dateRange(m.Start, m.End)},
		{d.l("host_country"), d.f.country(m.Country)},
		{d.l("cities"), strings.Join(m.Cities, ", ")},
	}
	for i := 0; i+1 < len(figures); i += 2 {
		rows = append(rows, kv{figures[i], figures[i+1]})
	}
	labelW := 150.0
	for _, r := range rows {
		if r.v == "" {
			continue
		}
		d.font(true, 8.5, grey)
		d.text(marginL, y+2, strings.ToUpper(r.k))
		d.font(false, 11.5, ink)
		ls := d.wrap(r.v, contentW-labelW)
		for _, s := range ls {
			d.text(marginL+labelW, y, s)
			y += d.lead()
		}
		y += 8
		d.line(marginL, y-4, pageW-marginR, y-4, 0.4, rule)
		y += 4
	}
	if m.Cluster != "" {
		d.font(true, 9, teal)
		d.text(marginL, pageH-marginB, strings.ToUpper(m.Cluster))
	}
}

// dateRange prints a mission's first and last day.
func (d *doc) dateRange(start, end data.Date) string {
	switch {
	case start == "" && end == "":
		return ""
	case end == "" || end == start:
		return d.f.day(start)
	}
	return d.f.day(start) + " – " + d.f.day(end)
}

func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}
