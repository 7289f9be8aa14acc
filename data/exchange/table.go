package exchange

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/clusme/fieldbook/data"
)

// column is one column of an exported table: its label key, whether it
// holds YYYY-MM-DD dates (real dates in XLSX), and whether it holds long
// text (a wider width cap).
type column struct {
	key  string
	date bool
	wide bool
}

// sheet is a named block of rows; CSV writes only the first.
type sheet struct {
	name string
	rows [][]string
}

func writeTable(w io.Writer, format Format, cols []column, sheets []sheet, opt Options) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = tr(opt.Lang, c.key)
	}
	if format == CSV {
		var rows [][]string
		for _, s := range sheets {
			rows = append(rows, s.rows...)
		}
		return writeCSV(w, opt.Sep, header, rows)
	}
	return writeXLSX(w, cols, header, sheets)
}

// writeCSV writes UTF-8 with a BOM and CRLF line ends, so Excel opens it
// right in any locale (see the package doc).
func writeCSV(w io.Writer, sep rune, header []string, rows [][]string) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = sep
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, r := range rows {
		for i, v := range r {
			rec[i] = csvSafe(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvSafe defuses formula injection: a cell a spreadsheet would evaluate
// as a formula is prefixed with ' and so shown as text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Excel's limits that matter here.
const (
	maxCellChars  = 32767 // characters in one cell
	maxSheetName  = 31    // UTF-16 units in a sheet name
	minColWidth   = 8
	maxColWidth   = 40
	maxWideColumn = 80
)

func writeXLSX(w io.Writer, cols []column, header []string, sheets []sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	fmtDate := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate, Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return fmt.Errorf("xlsx style: %w", err)
	}
	used := map[string]bool{}
	for si, s := range sheets {
		name := sheetName(s.name, used)
		if si == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("xlsx sheet %q: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
		if err := writeSheet(f, name, cols, header, s.rows, headStyle, dateStyle); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// writeSheet fills one sheet. The in-memory API is used rather than the
// StreamWriter: a streamed sheet loses the autofilter set after Flush.
func writeSheet(f *excelize.File, name string, cols []column, header []string, rows [][]string, headStyle, dateStyle int) error {
	// Widths from the content: the longest cell (in characters) plus a
	// margin, capped so one long note does not make a column a page wide.
	for i, c := range cols {
		width := utf8.RuneCountInString(header[i]) + 2
		for _, r := range rows {
			width = max(width, utf8.RuneCountInString(firstLine(r[i]))+2)
		}
		if c.date {
			width = max(width, 12)
		}
		limit := maxColWidth
		if c.wide {
			limit = maxWideColumn
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, float64(min(max(width, minColWidth), limit))); err != nil {
			return err
		}
	}
	cells := make([]any, len(cols))
	for i, h := range header {
		cells[i] = h
	}
	if err := f.SetSheetRow(name, "A1", &cells); err != nil {
		return err
	}
	for ri, r := range rows {
		for i, v := range r {
			cells[i] = xlsxText(v)
			if cols[i].date && v != "" {
				if t, err := time.Parse(data.DateLayout, v); err == nil {
					cells[i] = t
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, ri+2)
		if err := f.SetSheetRow(name, cell, &cells); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), len(rows)+1)
	lastHead, _ := excelize.CoordinatesToCellName(len(cols), 1)
	if err := f.SetCellStyle(name, "A1", lastHead, headStyle); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, 1, 20); err != nil {
		return err
	}
	for i, c := range cols {
		if c.date && len(rows) > 0 {
			top, _ := excelize.CoordinatesToCellName(i+1, 2)
			bottom, _ := excelize.CoordinatesToCellName(i+1, len(rows)+1)
			if err := f.SetCellStyle(name, top, bottom, dateStyle); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	return f.AutoFilter(name, "A1:"+last, nil)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// xlsxText drops the control characters XML 1.0 cannot hold and clips to
// Excel's cell limit, so odd text never makes an unreadable file.
func xlsxText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxCellChars {
		s = string([]rune(s)[:maxCellChars-1]) + "…"
	}
	return s
}

// sheetName makes a valid, unique sheet name: none of []:*?/\, no
// apostrophe at either end, at most 31 UTF-16 units.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), "' ")
	if name == "" || strings.EqualFold(name, "History") { // reserved by Excel
		name = "Sheet"
	}
	base := clipUTF16(name, maxSheetName)
	name = base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = strings.TrimRight(clipUTF16(base, maxSheetName-len(suffix)), " '") + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func clipUTF16(s string, limit int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > limit {
			return s[:i]
		}
		n += w
	}
	return s
}
