package report

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/seminar"
)

// SeminarAgenda writes one delegate's agenda for a B2B seminar: the
// seminar's name, venue, date and zone, then one row per slot (time,
// table, company, person) with a line for handwritten notes; breaks are
// shown where they fall.
func SeminarAgenda(ctx context.Context, src Source, seminarID, delegate data.ID, opt Options, w io.Writer) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	a, err := loadAgenda(ctx, src, seminarID)
	if err != nil {
		return err
	}
	del, err := load[*data.Contact](ctx, src, delegate, "delegate")
	if err != nil {
		return err
	}
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	sem := a.Seminar
	title := fill(d.l("agenda_for"), "name", del.Label())
	d.footerLeft = sem.Name + "  ·  " + del.Label()
	d.setInfo(d.l("seminar_agenda")+": "+sem.Name+" – "+del.Label(), sem.Name)
	d.newPage()
	d.titleBlock(sem.Name, title)
	d.seminarFacts(sem)

	mine := map[int]*data.Meeting{}
	for _, m := range a.ForDelegate(del.ID) {
		if prev := mine[m.Slot]; prev == nil || !seminar.Occupies(prev) {
			mine[m.Slot] = m
		}
	}
	names := newNames(ctx, src)
	cw := d.contentWidth()
	cols := []col{
		{title: d.l("time"), w: 66},
		{title: d.l("table"), w: 36},
		{title: d.l("company"), w: 140},
		{title: d.l("person"), w: 108},
		{title: d.l("notes"), w: cw - 66 - 36 - 140 - 108},
	}
	const rowH = 34.0
	headerH := d.tableHeaderHeight(cols)
	d.need(headerH + rowH)
	d.tableHeader(marginL, cols, headerH)
	prev := d.onPage
	d.onPage = func() { d.tableHeader(marginL, cols, headerH) }
	defer func() { d.onPage = prev }()
	for _, s := range a.Slots {
		d.need(rowH)
		y := d.y
		m := mine[s.N]
		d.font(true, 9, ink)
		d.text(marginL+cellPadX, y+cellPadY, s.Clock()+"–"+s.End.Format("15:04"))
		x := marginL + cols[0].w
		if m != nil {
			ink2 := ink
			if !seminar.Occupies(m) {
				ink2 = greyLight
			}
			d.font(true, 11, teal)
			d.text(x+cellPadX, y+cellPadY-1, strconv.Itoa(m.Table))
			x += cols[1].w
			company := names.org(seminar.HostOrg(ctx, src, m))
			if company == "—" {
				company = m.Title
			}
			d.font(true, 9, ink2)
			d.cellText(x, y, cols[2].w, company)
			x += cols[2].w
			person := ""
			if len(m.Attendees) > 0 {
				if c, ok := names.get(m.Attendees[0]).(*data.Contact); ok {
					person = c.Label()
				}
			}
			d.font(false, 9, ink2)
			d.cellText(x, y, cols[3].w, person)
			if m.Status != "" && m.Status != data.MeetingScheduled {
				d.font(false, 7.5, orangeInk)
				d.text(x+cellPadX, y+cellPadY+d.lead()+4, d.l("meeting_status_"+string(m.Status)))
			}
			x += cols[3].w
		} else {
			d.font(false, 9, greyLight)
			d.text(x+cols[1].w+cellPadX, y+cellPadY, "—")
			x += cols[1].w + cols[2].w + cols[3].w
		}
		// The notes column is a line to write on during the meeting.
		d.line(x+cellPadX, y+rowH-8, marginL+cw-cellPadX, y+rowH-8, 0.4, greyLight)
		d.y += rowH
		d.line(marginL, d.y, marginL+cw, d.y, 0.4, rule)
		if s.Break != nil {
			d.breakRow(s, marginL, cw)
		}
	}
	return d.finish(w)
}

// cellText writes one line into a column at row top y, shortened to fit.
func (d *doc) cellText(x, y, w float64, s string) {
	d.text(x+cellPadX, y+cellPadY, d.ellipsis(s, w-2*cellPadX))
}

// breakRow draws the pause after slot s across the table.
func (d *doc) breakRow(s seminar.Slot, x, w float64) {
	const h = 18.0
	d.need(h)
	d.rect(x, d.y, w, h, tealPale)
	d.font(false, 8.5, tealDark)
	end := s.End.Add(time.Duration(s.Break.Minutes) * time.Minute)
	label := s.Break.Label
	if label == "" {
		label = d.l("break")
	}
	d.text(x+cellPadX, d.y+4, s.End.Format("15:04")+"–"+end.Format("15:04"))
	d.text(x+70+cellPadX, d.y+4, label)
	d.y += h
}

// seminarFacts prints the venue, day and time zone under the title.
func (d *doc) seminarFacts(sem *data.Seminar) {
	d.font(false, 10, ink)
	line := d.f.day(sem.Date)
	if sem.Venue != "" {
		line = sem.Venue + "  ·  " + line
	}
	d.paragraph(marginL, d.contentWidth(), line)
	d.font(false, 9, grey)
	d.paragraph(marginL, d.contentWidth(), d.l("time_zone")+": "+sem.TimeZone)
	d.y += 10
}

// maxGridTables is how many tables fit across a landscape page; more
// tables continue in further blocks of columns.
const maxGridTables = 8

// SeminarGrid writes the room grid of a B2B seminar on landscape pages:
// slots down, tables across, each cell the delegate and the host company
// meeting there.
func SeminarGrid(ctx context.Context, src Source, seminarID data.ID, opt Options, w io.Writer) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	a, err := loadAgenda(ctx, src, seminarID)
	if err != nil {
		return err
	}
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	sem := a.Seminar
	d.landscape()
	d.footerLeft = d.l("room_grid") + ": " + sem.Name
	d.setInfo(d.l("room_grid")+": "+sem.Name, sem.Name)
	names := newNames(ctx, src)
	cw := d.contentWidth()
	const timeW = 62.0
	const rowH = 44.0
	for first := 1; first <= sem.Tables; first += maxGridTables {
		last := min(sem.Tables, first+maxGridTables-1)
		tw := (cw - timeW) / float64(last-first+1)
		cols := []col{{title: d.l("time"), w: timeW}}
		for t := first; t <= last; t++ {
			cols = append(cols, col{title: d.l("table") + " " + strconv.Itoa(t), w: tw})
		}
		d.onPage = nil
		d.newPage()
		d.titleBlock(sem.Name, d.l("room_grid"))
		d.seminarFacts(sem)
		headerH := d.tableHeaderHeight(cols)
		d.tableHeader(marginL, cols, headerH)
		d.onPage = func() { d.tableHeader(marginL, cols, headerH) }
		for i, s := range a.Slots {
			d.need(rowH)
			y := d.y
			if i%2 == 1 {
				d.rect(marginL, y, cw, rowH, zebra)
			}
			d.font(true, 9, ink)
			d.text(marginL+cellPadX, y+cellPadY, s.Clock())
			d.font(false, 7.5, grey)
			d.text(marginL+cellPadX, y+cellPadY+12, s.End.Format("15:04"))
			x := marginL + timeW
			for t := first; t <= last; t++ {
				d.line(x, y, x, y+rowH, 0.4, rule)
				if m := gridMeeting(a, s.N, t); m != nil {
					d.gridCell(ctx, src, names, m, x, y, tw)
				}
				x += tw
			}
			d.y += rowH
			d.line(marginL, d.y, marginL+cw, d.y, 0.4, rule)
			if s.Break != nil {
				d.breakRow(s, marginL, cw)
			}
		}
	}
	d.onPage = nil
	return d.finish(w)
}

// gridMeeting is the meeting to show at a slot and table: the one holding
// it, else a cancelled or moved one (shown greyed).
func gridMeeting(a *seminar.Agenda, slot, table int) *data.Meeting {
	if m := a.Booked(slot, table); m != nil {
		return m
	}
	if ms := a.At(slot, table); len(ms) > 0 {
		return ms[0]
	}
	return nil
}

// gridCell writes a meeting into a grid cell: the delegate in bold ("+2"
// when more delegates share the table), the host company below on up to
// two lines, and the status when it is not just scheduled.
func (d *doc) gridCell(ctx context.Context, src Source, names *names, m *data.Meeting, x, y, w float64) {
	delegate := ""
	if len(m.Delegates) > 0 {
		if c, ok := names.get(m.Delegates[0]).(*data.Contact); ok {
			delegate = c.Label()
		}
		if len(m.Delegates) > 1 {
			delegate += " +" + strconv.Itoa(len(m.Delegates)-1)
		}
	}
	company := names.org(seminar.HostOrg(ctx, src, m))
	if company == "—" {
		company = m.Title
	}
	c1, c2 := ink, grey
	if !seminar.Occupies(m) {
		c1, c2 = greyLight, greyLight
	}
	inner := w - 2*cellPadX
	d.font(true, 8, c1)
	d.text(x+cellPadX, y+cellPadY-1, d.ellipsis(delegate, inner))
	d.font(false, 7.5, c2)
	ly := y + cellPadY + 10
	lines := d.wrap(company, inner)
	for i, ln := range lines {
		if i == 1 && len(lines) > 2 {
			ln = d.ellipsis(ln+" …", inner)
		}
		d.text(x+cellPadX, ly, ln)
		ly += 9.5
		if i == 1 {
			break
		}
	}
	if m.Status != "" && m.Status != data.MeetingScheduled {
		d.font(false, 6.5, orangeInk)
		d.text(x+cellPadX, ly+0.5, d.ellipsis(d.l("meeting_status_"+string(m.Status)), inner))
	}
}

// loadAgenda reads a seminar's agenda, with the messages the other
// documents give for a missing or wrong ID.
func loadAgenda(ctx context.Context, src Source, id data.ID) (*seminar.Agenda, error) {
	if _, err := load[*data.Seminar](ctx, src, id, "seminar"); err != nil {
		return nil, err
	}
	return seminar.Load(ctx, src, id)
}

// seminarSummary prints what happened at the mission's B2B seminars: per
// seminar the meetings held, no-shows, cancelled and moved, then the
// outcomes the delegates recorded.
func (d *doc) seminarSummary(agendas []*seminar.Agenda) {
	if len(agendas) == 0 {
		return
	}
	var rows [][]cell
	var all []*data.Meeting
	num := func(n int) cell { return cell{{text: d.f.int(int64(n)), size: 9, color: ink}} }
	for _, a := range agendas {
		s := a.Summary()
		all = append(all, a.Meetings...)
		rows = append(rows, []cell{
			{{text: a.Seminar.Name, bold: true, size: 9, color: ink}, {text: d.f.day(a.Seminar.Date), size: 8, color: grey}},
			num(s.Meetings), num(s.Held), num(s.NoShows), num(s.Cancelled), num(s.Moved),
		})
	}
	cw := d.contentWidth()
	colW := 58.0
	cols := []col{
		{title: d.l("b2b_seminars"), w: cw - 5*colW},
		{title: d.l("seminar_meetings"), w: colW, right: true},
		{title: d.l("meeting_status_held"), w: colW, right: true},
		{title: d.l("meeting_status_no_show"), w: colW, right: true},
		{title: d.l("meeting_status_cancelled"), w: colW, right: true},
		{title: d.l("meeting_status_moved"), w: colW, right: true},
	}
	d.heading(marginL, cw, d.l("b2b_seminars"), d.tableKeep(cols, rows))
	d.table(marginL, cols, rows, func(i int) bool { return i%2 == 1 })

	total := seminar.Summarize(all)
	var orows [][]cell
	for _, o := range data.Outcomes {
		if n := total.Outcomes[o]; n > 0 {
			orows = append(orows, []cell{
				{{text: d.l("outcome_" + string(o)), size: 9, color: ink}},
				num(n),
			})
		}
	}
	if len(orows) == 0 {
		return
	}
	ocols := []col{{title: d.l("outcome"), w: cw - 140}, {title: d.l("meetings"), w: 140, right: true}}
	d.y += 10
	d.need(d.tableKeep(ocols, orows))
	d.table(marginL, ocols, orows, func(i int) bool { return i%2 == 1 })
}
