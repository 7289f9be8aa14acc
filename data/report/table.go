package report

// col is a table column: its heading, width and alignment.
type col struct {
	title string
	w     float64
	right bool
}

// span is a piece of a table cell in one style; a cell stacks its spans
// (a follow-up's title in bold above its details).
type span struct {
	text  string
	bold  bool
	size  float64
	color rgb
}

type cell []span

// Table spacing.
const (
	cellPadX = 5.0
	cellPadY = 4.5
)

// laidCell is a cell wrapped to its column: lines per span.
type laidCell struct {
	spans [][]string
	sizes []float64 // font size per span: a one-word span may be shrunk to fit
	h     float64
}

// table draws rows under a header that is repeated at the top of every
// page the table runs onto. A row is never split across pages; its height
// is that of its tallest cell. shade says which rows get a tinted
// background (zebra stripes).
func (d *doc) table(x float64, cols []col, rows [][]cell, shade func(i int) bool) {
	headerH := d.tableHeaderHeight(cols)
	drawHeader := func() {
		d.tableHeader(x, cols, headerH)
	}
	maxRow := d.bottom() - marginT - headerH - 8
	laid := make([][]laidCell, len(rows))
	heights := make([]float64, len(rows))
	for i, r := range rows {
		laid[i], heights[i] = d.layRow(cols, r, maxRow)
	}
	d.need(keepHeight(headerH, heights))
	drawHeader()
	prev := d.onPage
	d.onPage = func() {
		if prev != nil {
			prev()
		}
		drawHeader()
	}
	defer func() { d.onPage = prev }()

	totalW := 0.0
	for _, c := range cols {
		totalW += c.w
	}
	for i, r := range rows {
		h := heights[i]
		d.need(h)
		if shade != nil && shade(i) {
			d.rect(x, d.y, totalW, h, zebra)
		}
		cx := x
		for j, c := range cols {
			y := d.y + cellPadY
			for k, lines := range laid[i][j].spans {
				sp := r[j][k]
				d.font(sp.bold, laid[i][j].sizes[k], sp.color)
				y = d.cellLines(cx, y, c, lines)
			}
			cx += c.w
		}
		d.y += h
		d.line(x, d.y, x+totalW, d.y, 0.4, rule)
	}
}

func (d *doc) tableHeaderHeight(cols []col) float64 {
	h := 0.0
	for _, c := range cols {
		d.headerFont(c)
		h = max(h, float64(len(d.wrap(c.title, c.w-2*cellPadX)))*d.lead())
	}
	return h + 2*cellPadY
}

func (d *doc) tableHeader(x float64, cols []col, h float64) {
	totalW := 0.0
	for _, c := range cols {
		totalW += c.w
	}
	d.rect(x, d.y, totalW, h, teal)
	cx := x
	for _, c := range cols {
		d.headerFont(c)
		y := d.y + cellPadY
		d.cellLines(cx, y, c, d.wrap(c.title, c.w-2*cellPadX))
		cx += c.w
	}
	d.y += h
}

// layRow wraps every cell of a row. A row taller than a page (a very long
// text) is cut to what fits and ends in "…": tables keep whole rows
// together, and the full text stays in the application.
func (d *doc) layRow(cols []col, r []cell, maxH float64) ([]laidCell, float64) {
	out := make([]laidCell, len(cols))
	rowH := 0.0
	for j, c := range cols {
		if j >= len(r) {
			continue
		}
		h := 0.0
		for _, sp := range r[j] {
			d.font(sp.bold, sp.size, sp.color)
			size := d.fitSize(sp.text, c.w-2*cellPadX, sp.size, sp.size-2)
			d.font(sp.bold, size, sp.color)
			lines := d.wrap(sp.text, c.w-2*cellPadX)
			if sp.text == "" {
				lines = nil
			}
			for h+float64(len(lines))*d.lead() > maxH-2*cellPadY && len(lines) > 1 {
				lines = lines[:len(lines)-1]
				lines[len(lines)-1] = d.ellipsis(lines[len(lines)-1]+" …", c.w-2*cellPadX)
			}
			out[j].spans = append(out[j].spans, lines)
			out[j].sizes = append(out[j].sizes, size)
			h += float64(len(lines)) * d.lead()
		}
		out[j].h = h
		rowH = max(rowH, h)
	}
	return out, rowH + 2*cellPadY
}

// headerFont sets the font of a column heading: a one-word heading
// ("Ответственный") is shrunk rather than broken inside the word.
func (d *doc) headerFont(c col) {
	d.font(true, 8.5, white)
	d.font(true, d.fitSize(c.title, c.w-2*cellPadX, 8.5, 6.5), white)
}

// keepHeight is how much of a table must fit below a point for the table
// to start there: all of a short table (a few rows are kept on one page),
// else the header and the first row.
func keepHeight(headerH float64, heights []float64) float64 {
	total := headerH
	for _, h := range heights {
		total += h
	}
	if total <= (pageH-marginB-marginT)/3 || len(heights) == 0 {
		return total
	}
	return headerH + heights[0]
}

// tableKeep is keepHeight for a table not yet drawn, so that the heading
// above it can keep it company.
func (d *doc) tableKeep(cols []col, rows [][]cell) float64 {
	maxRow := d.bottom() - marginT - d.tableHeaderHeight(cols) - 8
	heights := make([]float64, len(rows))
	for i, r := range rows {
		_, heights[i] = d.layRow(cols, r, maxRow)
	}
	return keepHeight(d.tableHeaderHeight(cols), heights)
}

// cellLines writes lines into column c starting at y, aligned as the
// column is, and returns the y below them.
func (d *doc) cellLines(cx, y float64, c col, lines []string) float64 {
	for _, s := range lines {
		if c.right {
			d.textRight(cx+c.w-cellPadX, y, s)
		} else {
			d.text(cx+cellPadX, y, s)
		}
		y += d.lead()
	}
	return y
}
