package report

import (
	"context"
	"io"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/seminar"
	"github.com/clusme/fieldbook/data/store"
)

// missionFacts are the figures of a mission report, computed from its
// meetings and follow-ups. Private records are left out: a report is
// handed on, and private notes never leave the device.
type missionFacts struct {
	meetings  int
	orgsMet   int
	byKind    map[data.MeetingKind]int
	byCompany []companyCount
	opps      []oppRow
	byCurr    []currencyTotal
	status    map[data.Status]int
	followUps int
}

type companyCount struct {
	name  string
	count int
}

type oppRow struct {
	title, company, meeting string
	date                    data.Date
	interest                data.Interest
	value                   float64
	currency                string
}

type currencyTotal struct {
	currency string
	count    int
	total    float64
}

// completion is the share of follow-ups done among those still meant to
// be done: dropped ones are neither done nor outstanding.
func (f missionFacts) completion() float64 {
	n := f.followUps - f.status[data.StatusDropped]
	if n <= 0 {
		return 0
	}
	return float64(f.status[data.StatusDone]) / float64(n)
}

func gatherFacts(ctx context.Context, src Source, m *data.Mission, lang string) (missionFacts, error) {
	f := missionFacts{byKind: map[data.MeetingKind]int{}, status: map[data.Status]int{}}
	member := map[data.ID]bool{}
	for _, id := range m.Members {
		member[id] = true
	}
	names := newNames(ctx, src)
	recs, err := src.List(ctx, store.Query{Kind: data.KindMeeting, Mission: m.ID})
	if err != nil {
		return f, err
	}
	met := map[data.ID]int{}
	var metOrder []data.ID
	for _, r := range recs {
		mt, ok := r.(*data.Meeting)
		if !ok || mt.Confidentiality == data.Private {
			continue
		}
		f.meetings++
		kind := mt.MeetingKind
		if kind == "" {
			kind = data.MeetingOther
		}
		f.byKind[kind]++
		// The companies met are the other side of the table: every
		// organization in the meeting that is not one of the delegation's
		// own members.
		company := ""
		for _, id := range mt.Orgs {
			if member[id] || names.org(id) == "" {
				continue // a member, or a private organization: not printed
			}
			if met[id] == 0 {
				metOrder = append(metOrder, id)
			}
			met[id]++
			if company == "" {
				company = names.org(id)
			}
		}
		if company == "" && len(mt.Orgs) > 0 {
			company = names.org(mt.Orgs[0])
		}
		for _, o := range mt.Opportunities {
			f.opps = append(f.opps, oppRow{
				title: o.Title, company: company, meeting: mt.Title,
				date: data.DateOf(mt.Local()), interest: mt.Interest,
				value: o.Value, currency: strings.ToUpper(o.Currency),
			})
		}
	}
	f.orgsMet = len(met)
	for _, id := range metOrder {
		f.byCompany = append(f.byCompany, companyCount{names.org(id), met[id]})
	}
	coll := locale.NewCollator(language.Make(lang))
	sort.SliceStable(f.byCompany, func(i, j int) bool {
		a, b := f.byCompany[i], f.byCompany[j]
		if a.count != b.count {
			return a.count > b.count
		}
		return coll.Compare(a.name, b.name) < 0
	})

	// Values in different currencies cannot be ranked against each other
	// without exchange rates, so opportunities are grouped by currency
	// and ranked by value inside each group.
	totals := map[string]*currencyTotal{}
	for _, o := range f.opps {
		t := totals[o.currency]
		if t == nil {
			t = &currencyTotal{currency: o.currency}
			totals[o.currency] = t
		}
		t.count++
		t.total += o.value
	}
	for _, t := range totals {
		f.byCurr = append(f.byCurr, *t)
	}
	sort.Slice(f.byCurr, func(i, j int) bool { return f.byCurr[i].currency < f.byCurr[j].currency })
	sort.SliceStable(f.opps, func(i, j int) bool {
		a, b := f.opps[i], f.opps[j]
		if a.currency != b.currency {
			return a.currency < b.currency
		}
		if a.value != b.value {
			return a.value > b.value
		}
		return a.title < b.title
	})

	fus, err := src.List(ctx, store.Query{Kind: data.KindFollowUp, Mission: m.ID})
	if err != nil {
		return f, err
	}
	for _, r := range fus {
		fu, ok := r.(*data.FollowUp)
		if !ok || fu.Confidentiality == data.Private {
			continue
		}
		st := fu.Status
		if st == "" {
			st = data.StatusOpen
		}
		f.status[st]++
		f.followUps++
	}
	return f, nil
}

func missionReport(ctx context.Context, src Source, m *data.Mission, opt Options, w io.Writer) error {
	f, err := gatherFacts(ctx, src, m, opt.Lang)
	if err != nil {
		return err
	}
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	d.footerLeft = d.l("report") + ": " + m.Name
	d.setInfo(d.l("report")+": "+m.Name, m.Name)

	d.newPage()
	d.reportBand(m)

	// Key figures.
	d.heading(marginL, contentW, d.l("key_figures"), 130)
	done := f.status[data.StatusDone]
	d.tiles([][2]string{
		{d.f.int(int64(f.meetings)), d.l("meetings_held")},
		{d.f.int(int64(f.orgsMet)), d.l("orgs_met")},
		{d.f.int(int64(len(f.opps))), d.l("opportunities")},
		{d.f.percent(f.completion()), d.l("completion")},
		{d.f.int(int64(done)) + " / " + d.f.int(int64(f.followUps)), d.l("followups_done")},
		{d.f.int(int64(f.status[data.StatusInProgress])), d.l("status_in_progress")},
		{d.f.int(int64(f.status[data.StatusOpen])), d.l("status_open")},
		{d.f.int(int64(f.status[data.StatusDropped])), d.l("status_dropped")},
	})

	// Follow-up completion as a stacked bar.
	d.heading(marginL, contentW, d.l("followup_completion"), 70)
	d.completionBar(f)

	// Estimated value per currency.
	if len(f.byCurr) > 0 {
		var rows [][]cell
		for _, c := range f.byCurr {
			rows = append(rows, []cell{
				{{text: c.currency, bold: true, size: 9, color: ink}},
				{{text: d.f.int(int64(c.count)), size: 9, color: ink}},
				{{text: d.f.money(c.total, c.currency), bold: true, size: 9, color: teal}},
			})
		}
		cols := []col{
			{title: d.l("currency"), w: 120},
			{title: d.l("opportunities"), w: 160, right: true},
			{title: d.l("estimated_value"), w: contentW - 280, right: true},
		}
		d.heading(marginL, contentW, d.l("value_by_currency"), d.tableKeep(cols, rows))
		d.table(marginL, cols, rows, func(i int) bool { return i%2 == 1 })
	}

	// Meetings by company: the chart cluster managers read first.
	d.heading(marginL, contentW, d.l("meetings_by_company"), min(float64(len(f.byCompany))*19+34, (pageH-marginB-marginT)/2))
	if len(f.byCompany) == 0 {
		d.font(false, 10, grey)
		d.paragraph(marginL, contentW, d.l("no_meetings"))
	} else {
		d.barChart(f.byCompany)
	}

	// Meetings by kind.
	if f.meetings == 0 {
		d.heading(marginL, contentW, d.l("meetings_by_kind"), 40)
		d.font(false, 10, grey)
		d.paragraph(marginL, contentW, d.l("no_meetings"))
	} else {
		var rows [][]cell
		for _, k := range []data.MeetingKind{data.MeetingPlantVisit, data.MeetingB2B, data.MeetingFair, data.MeetingSeminar, data.MeetingOther} {
			n := f.byKind[k]
			if n == 0 {
				continue
			}
			rows = append(rows, []cell{
				{{text: d.l("kind_" + string(k)), size: 9, color: ink}},
				{{text: d.f.int(int64(n)), size: 9, color: ink}},
				{{text: d.f.percent(float64(n) / float64(f.meetings)), size: 9, color: grey}},
			})
		}
		rows = append(rows, []cell{
			{{text: d.l("total"), bold: true, size: 9, color: ink}},
			{{text: d.f.int(int64(f.meetings)), bold: true, size: 9, color: ink}},
			{{text: d.f.percent(1), bold: true, size: 9, color: grey}},
		})
		cols := []col{
			{title: d.l("kind"), w: 200},
			{title: d.l("meetings"), w: 140, right: true},
			{title: d.l("share"), w: contentW - 340, right: true},
		}
		d.heading(marginL, contentW, d.l("meetings_by_kind"), d.tableKeep(cols, rows))
		d.table(marginL, cols, rows, func(i int) bool { return i%2 == 1 })
	}

	// B2B seminars: held, no-shows and outcomes.
	agendas, err := seminar.MissionSeminars(ctx, src, m.ID)
	if err != nil {
		return err
	}
	d.seminarSummary(agendas)

	// Opportunities, by value inside each currency.
	if len(f.opps) == 0 {
		d.heading(marginL, contentW, d.l("opportunities"), 40)
		d.font(false, 10, grey)
		d.paragraph(marginL, contentW, d.l("no_opportunities"))
	} else {
		var rows [][]cell
		for _, o := range f.opps {
			c := cell{{text: o.title, bold: true, size: 8.5, color: ink}}
			if o.company != "" && o.company != "—" {
				c = append(c, span{text: o.company, size: 8, color: grey})
			}
			interest := ""
			if o.interest != data.InterestNone {
				interest = d.l("interest_" + string(o.interest))
			}
			ic := ink
			if o.interest == data.InterestHot {
				ic = orangeInk
			}
			rows = append(rows, []cell{
				c,
				{{text: d.f.day(o.date), size: 8.5, color: ink}},
				{{text: interest, bold: o.interest == data.InterestHot, size: 8.5, color: ic}},
				{{text: d.f.money(o.value, o.currency), bold: true, size: 8.5, color: teal}},
			})
		}
		cols := []col{
			{title: d.l("opportunity"), w: contentW - 70 - 64 - 104},
			{title: d.l("date"), w: 70},
			{title: d.l("interest"), w: 64},
			{title: d.l("estimated_value"), w: 104, right: true},
		}
		d.heading(marginL, contentW, d.l("opportunities"), d.tableKeep(cols, rows))
		d.table(marginL, cols, rows, func(i int) bool { return i%2 == 1 })
	}
	return d.finish(w)
}

// reportBand heads the first page of the report.
func (d *doc) reportBand(m *data.Mission) {
	d.font(true, 22, white)
	lines := d.wrap(m.Name, contentW)
	lead := d.lead() * 0.95
	h := 36.0 + 18 + float64(len(lines))*lead + 8 + 18 + 22
	d.rect(0, 0, pageW, h, teal)
	d.rect(0, h, pageW, 4, orange)
	y := 36.0
	d.font(true, 9, orange)
	d.text(marginL, y, strings.ToUpper(d.l("report")))
	y += 18
	d.font(true, 22, white)
	for _, s := range lines {
		d.text(marginL, y, s)
		y += lead
	}
	y += 8
	parts := []string{d.dateRange(m.Start, m.End)}
	if c := d.f.country(m.Country); c != "" {
		parts = append(parts, c)
	}
	if len(m.Cities) > 0 {
		parts = append(parts, strings.Join(m.Cities, ", "))
	}
	d.font(false, 11, tealSoft)
	d.text(marginL, y, d.ellipsis(strings.Join(parts, "  ·  "), contentW))
	d.y = h + 4 + 14
}

// tiles draws key figures as a grid of four per row.
func (d *doc) tiles(items [][2]string) {
	const perRow, gap, h = 4, 9.0, 62.0
	w := (contentW - gap*(perRow-1)) / perRow
	for i := 0; i < len(items); i += perRow {
		d.need(h)
		for j := 0; j < perRow && i+j < len(items); j++ {
			x := marginL + float64(j)*(w+gap)
			d.rect(x, d.y, w, h, tealPale)
			d.rect(x, d.y, 3, h, teal)
			d.font(true, 19, teal)
			d.text(x+11, d.y+8, d.ellipsis(items[i+j][0], w-16))
			d.font(false, 8, grey)
			ly := d.y + 36
			for _, s := range d.wrap(items[i+j][1], w-16)[:min(2, len(d.wrap(items[i+j][1], w-16)))] {
				d.text(x+11, ly, s)
				ly += d.lead()
			}
		}
		d.y += h + gap
	}
	d.y += 4
}

// completionBar draws follow-ups by status as one stacked horizontal bar
// (vector rectangles) with a legend.
func (d *doc) completionBar(f missionFacts) {
	const barH = 20.0
	d.need(barH + 40)
	segs := []struct {
		st data.Status
		c  rgb
	}{
		{data.StatusDone, teal},
		{data.StatusInProgress, tealMid},
		{data.StatusOpen, orange},
		{data.StatusDropped, greyLight},
	}
	if f.followUps == 0 {
		d.rect(marginL, d.y, contentW, barH, rule)
	} else {
		x := marginL
		for _, s := range segs {
			w := contentW * float64(f.status[s.st]) / float64(f.followUps)
			d.rect(x, d.y, w, barH, s.c)
			if w > 22 {
				d.font(true, 8.5, white)
				if s.st == data.StatusDropped || s.st == data.StatusOpen {
					d.font(true, 8.5, ink)
				}
				d.textCenter(x+w/2, d.y+(barH-8.5*1.2)/2, d.f.int(int64(f.status[s.st])))
			}
			x += w
		}
	}
	d.y += barH + 8
	// Legend.
	x := marginL
	for _, s := range segs {
		d.rect(x, d.y+2, 8, 8, s.c)
		d.font(false, 8.5, ink)
		label := d.statusLabel(s.st) + " " + d.f.int(int64(f.status[s.st]))
		d.text(x+12, d.y, label)
		x += 12 + d.width(label) + 18
	}
	d.font(true, 8.5, teal)
	d.textRight(pageW-marginR, d.y, d.l("completion")+" "+d.f.percent(f.completion()))
	d.y += 22
}

// barChart draws meetings per company as horizontal bars with a value
// axis, all in vector graphics so it prints sharply at any size.
func (d *doc) barChart(rows []companyCount) {
	const rowH, barH, labelW = 19.0, 11.0, 176.0
	maxV := 0
	for _, r := range rows {
		maxV = max(maxV, r.count)
	}
	x0 := marginL + labelW
	plotW := contentW - labelW - 28
	scale := plotW / float64(maxV)
	// Tick every 1, 2 or 5 meetings so there are at most about 8.
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100} {
		step = s
		if maxV/s <= 8 {
			break
		}
	}
	axis := func(top, bottom float64) {
		d.font(false, 7.5, grey)
		for v := 0; v <= maxV; v += step {
			x := x0 + float64(v)*scale
			d.line(x, top, x, bottom, 0.4, rule)
			d.textCenter(x, bottom+3, d.f.int(int64(v)))
		}
	}
	// Keep the whole chart on one page when it fits on one; otherwise
	// break between bars and draw an axis per page part.
	total := float64(len(rows))*rowH + 16
	d.need(min(total, d.bottom()-marginT))
	top := d.y
	for i, r := range rows {
		if d.y+rowH+16 > d.bottom() {
			axis(top, d.y)
			d.addPage()
			top = d.y
		}
		d.font(false, 8.5, ink)
		d.text(marginL, d.y+(rowH-8.5*1.38)/2, d.ellipsis(r.name, labelW-10))
		c := teal
		if i == 0 {
			c = orange
		}
		bw := float64(r.count) * scale
		d.rect(x0, d.y+(rowH-barH)/2, bw, barH, c)
		d.font(true, 8, ink)
		d.text(x0+bw+4, d.y+(rowH-8*1.38)/2, d.f.int(int64(r.count)))
		d.y += rowH
	}
	axis(top, d.y)
	d.line(x0, top, x0, d.y, 0.8, grey)
	d.y += 18
}
