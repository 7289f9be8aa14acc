package report

import (
	"context"
	"io"
	"sort"

	"github.com/clusme/fieldbook/data"
)

// followUpList lays out the follow-up table.
func followUpList(ctx context.Context, src Source, items []*data.FollowUp, title string, opt Options, w io.Writer) error {
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	if title == "" {
		title = d.l("followups")
	}
	d.footerLeft = title
	d.setInfo(title, d.l("followups"))

	sorted := make([]*data.FollowUp, 0, len(items))
	for _, f := range items {
		if f != nil {
			sorted = append(sorted, f)
		}
	}
	// By due date; the ID (creation order) breaks ties so the order is
	// the same on every run.
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Due != b.Due {
			return a.Due < b.Due
		}
		return a.ID < b.ID
	})

	d.newPage()
	d.y = marginT
	d.titleBlock(title, fill(d.l("followup_count"), "n", d.f.int(int64(len(sorted))))+"  ·  "+fill(d.l("printed"), "date", d.f.date(d.opt.Created)))
	if len(sorted) == 0 {
		d.font(false, 10, grey)
		d.paragraph(marginL, contentW, d.l("no_followups"))
		return d.finish(w)
	}

	names := newNames(ctx, src)
	today := data.DateOf(d.opt.Now)
	cols := []col{
		{title: d.l("due"), w: 62},
		{title: d.l("owner"), w: 84},
		{title: d.l("company"), w: 92},
		{title: d.l("action"), w: contentW - 62 - 84 - 92 - 66},
		{title: d.l("status"), w: 66},
	}
	rows := make([][]cell, 0, len(sorted))
	for _, f := range sorted {
		if err := ctx.Err(); err != nil {
			return err
		}
		text := ink
		if f.Status == data.StatusDropped {
			text = greyLight
		}
		due := cell{{text: d.f.day(f.Due), size: 8.5, color: text}}
		open := f.Status == data.StatusOpen || f.Status == data.StatusInProgress || f.Status == ""
		if open && f.Due != "" && f.Due < today {
			due = cell{
				{text: d.f.day(f.Due), bold: true, size: 8.5, color: orangeInk},
				{text: d.l("overdue"), size: 7.5, color: orangeInk},
			}
		}
		action := cell{{text: f.Title, bold: true, size: 8.5, color: text}}
		if f.Details != "" {
			action = append(action, span{text: f.Details, size: 8, color: greyIf(text)})
		}
		rows = append(rows, []cell{
			due,
			{{text: f.Owner, size: 8.5, color: text}},
			{{text: names.org(f.Org), size: 8.5, color: text}},
			action,
			{{text: d.statusLabel(f.Status), bold: f.Status == data.StatusDone, size: 8.5, color: statusColor(f.Status)}},
		})
	}
	d.table(marginL, cols, rows, func(i int) bool { return i%2 == 1 })
	return d.finish(w)
}

// greyIf softens secondary text unless the row is already greyed out.
func greyIf(c rgb) rgb {
	if c == greyLight {
		return c
	}
	return grey
}

func (d *doc) statusLabel(s data.Status) string {
	switch s {
	case data.StatusOpen, "":
		return d.l("status_open")
	case data.StatusInProgress:
		return d.l("status_in_progress")
	case data.StatusDone:
		return d.l("status_done")
	case data.StatusDropped:
		return d.l("status_dropped")
	}
	return string(s)
}

func statusColor(s data.Status) rgb {
	switch s {
	case data.StatusDone:
		return teal
	case data.StatusDropped:
		return greyLight
	}
	return ink
}

// titleBlock heads a document page: a large title with an orange rule
// and a grey subtitle line.
func (d *doc) titleBlock(title, subtitle string) {
	d.rect(0, 0, d.pw, 8, teal)
	d.font(true, 20, teal)
	d.paragraph(marginL, d.contentWidth(), title)
	d.rect(marginL, d.y+2, 36, 3, orange)
	d.y += 12
	if subtitle != "" {
		d.font(false, 9, grey)
		d.paragraph(marginL, d.contentWidth(), subtitle)
	}
	d.y += 12
}

// names looks up and caches the names of referenced records; a missing
// record prints as a dash rather than failing the document.
type names struct {
	ctx   context.Context
	src   Source
	cache map[data.ID]data.Record
}

func newNames(ctx context.Context, src Source) *names {
	return &names{ctx: ctx, src: src, cache: map[data.ID]data.Record{}}
}

func (n *names) get(id data.ID) data.Record {
	if id == "" {
		return nil
	}
	if r, ok := n.cache[id]; ok {
		return r
	}
	r, err := n.src.Get(n.ctx, id)
	if err != nil || r.Meta().Confidentiality == data.Private {
		// Documents are handed out: a private record's name never prints,
		// even when a shared record links to it.
		r = nil
	}
	n.cache[id] = r
	return r
}

func (n *names) org(id data.ID) string {
	if o, ok := n.get(id).(*data.Organization); ok {
		return o.Name
	}
	return "—"
}
