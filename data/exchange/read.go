package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/clusme/fieldbook/data"
)

// maxImportSize bounds what Import reads: far above any participant list
// (5,000 rows are ~1 MB), low enough that a wrong file cannot exhaust memory.
const maxImportSize = 256 << 20

// trow is one row of an imported table, numbered as a spreadsheet shows it.
type trow struct {
	num   int
	cells []string
}

// sniff tells the format from the content.
func sniff(name string, b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "xlsx", nil
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", data.Errorf(data.ErrInvalid, "%s is an old-style .xls or a password-protected workbook: save it as .xlsx or CSV", name)
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "", data.Errorf(data.ErrInvalid, "%s is a PDF, not a CSV, XLSX or Fieldbook JSON file", name)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "csv", nil
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\uFEFF")), " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		return "json", nil
	}
	return "csv", nil
}

// decodeText turns a CSV's bytes into UTF-8 text (see the package doc for
// the encodings accepted) and rejects binary content.
func decodeText(name string, b []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", data.Errorf(data.ErrInvalid, "%s is not valid UTF-16 text: %v", name, err)
		}
		s = string(out)
	case utf8.Valid(b):
		s = string(b)
	default:
		enc := charmap.Windows1252
		if looksCyrillic1251(b) {
			enc = charmap.Windows1251
		}
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return "", data.Errorf(data.ErrInvalid, "%s is not text in a known encoding: %v", name, err)
		}
		s = string(out)
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	ctl := 0
	for _, r := range s {
		if r == 0 {
			return "", notTable(name)
		}
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == utf8.RuneError {
			ctl++
		}
	}
	if ctl > len(s)/100+2 {
		return "", notTable(name)
	}
	return s, nil
}

func notTable(name string) error {
	return data.Errorf(data.ErrInvalid, "%s is not a CSV, XLSX or Fieldbook JSON file", name)
}

// looksCyrillic1251 guesses Windows-1251 over Windows-1252: in Russian
// text nearly every letter is a high byte, so runs of three or more are
// the norm, while Finnish or Estonian text has an ä or õ between ASCII
// letters.
func looksCyrillic1251(b []byte) bool {
	high, inRuns, run := 0, 0, 0
	flush := func() {
		if run >= 3 {
			inRuns += run
		}
		run = 0
	}
	for _, c := range b {
		if c >= 0xC0 {
			high++
			run++
			continue
		}
		flush()
	}
	flush()
	return high > 0 && inRuns*2 > high
}

// readCSV splits text into rows. Row numbers count records the way a
// spreadsheet shows them: a quoted cell spanning lines is still one row,
// and a blank line is an (empty) row.
func readCSV(name, text string) ([]trow, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = detectSep(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows []trow
	prevLine, prevSpan, num := 0, 0, 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, data.Errorf(data.ErrInvalid, "%s: line %d: %v", name, pe.StartLine, pe.Err)
			}
			return nil, data.Errorf(data.ErrInvalid, "%s: %v", name, err)
		}
		line, _ := r.FieldPos(0)
		blank := 0
		if prevLine > 0 {
			blank = line - (prevLine + prevSpan + 1)
		} else {
			blank = line - 1
		}
		num += 1 + max(blank, 0)
		span := 0
		for _, c := range rec {
			span += strings.Count(c, "\n")
		}
		prevLine, prevSpan = line, span
		rows = append(rows, trow{num: num, cells: rec})
	}
	return rows, nil
}

// detectSep picks the separator the first lines use most: , ; or tab.
func detectSep(text string) rune {
	counts := map[rune]int{}
	lines := 0
	inQuote := false
	for _, r := range text {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '\n':
			lines++
		case r == ',' || r == ';' || r == '\t':
			counts[r]++
		}
		if lines >= 10 {
			break
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// readXLSX reads the first sheet that has cells. Values are read raw (a
// date is its serial number, a phone number its digits), and the value of
// a merged range counts for every row of its first column, so a company
// merged over its three participants belongs to all three.
func readXLSX(name string, b []byte) ([]trow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxImportSize, UnzipXMLSizeLimit: maxImportSize / 4})
	if err != nil {
		return nil, data.Errorf(data.ErrInvalid, "%s is not a readable XLSX workbook: %v", name, err)
	}
	defer f.Close()
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, data.Errorf(data.ErrInvalid, "%s: sheet %q cannot be read: %v", name, sh, err)
		}
		if !hasCells(rows) {
			continue
		}
		if merges, err := f.GetMergeCells(sh); err == nil {
			for _, mc := range merges {
				c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
				_, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
				if err1 != nil || err2 != nil || r1 < 1 || r2 > len(rows) || r2-r1 > len(rows) {
					continue
				}
				v := mc.GetCellValue()
				for r := r1 + 1; r <= r2; r++ {
					for len(rows[r-1]) < c1 {
						rows[r-1] = append(rows[r-1], "")
					}
					if rows[r-1][c1-1] == "" {
						rows[r-1][c1-1] = v
					}
				}
			}
		}
		out := make([]trow, len(rows))
		for i, r := range rows {
			out[i] = trow{num: i + 1, cells: r}
		}
		return out, nil
	}
	return nil, data.Errorf(data.ErrInvalid, "%s has no filled cells on any sheet", name)
}

func hasCells(rows [][]string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				return true
			}
		}
	}
	return false
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// quoteList shows header names for an error message.
func quoteList(cells []string) string {
	var q []string
	for _, c := range cells {
		q = append(q, fmt.Sprintf("%q", strings.TrimSpace(c)))
	}
	if len(q) == 0 {
		return "(none)"
	}
	return strings.Join(q, ", ")
}

// Row is one row of a table read by ReadTable: its cells, numbered as a
// spreadsheet shows the row.
type Row struct {
	Num   int
	Cells []string
}

// readImport reads a file to import (at most maxImportSize) and tells its
// format; an empty file is refused by name.
func readImport(name string, r io.Reader) ([]byte, string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxImportSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxImportSize {
		return nil, "", data.Errorf(data.ErrInvalid, "%s is larger than %d MB", name, maxImportSize>>20)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\uFEFF")))) == 0 {
		return nil, "", data.Errorf(data.ErrInvalid, "%s is empty", name)
	}
	format, err := sniff(name, b)
	if err != nil {
		return nil, "", err
	}
	return b, format, nil
}

// ReadTable reads a CSV (separator, encoding and BOM as Import accepts
// them) or an XLSX workbook's first filled sheet, for importers of other
// tables than participant lists (a seminar's agenda). name is for messages.
func ReadTable(name string, r io.Reader) ([]Row, error) {
	b, format, err := readImport(name, r)
	if err != nil {
		return nil, err
	}
	var rows []trow
	switch format {
	case "xlsx":
		rows, err = readXLSX(name, b)
	case "csv":
		var text string
		if text, err = decodeText(name, b); err == nil {
			rows, err = readCSV(name, text)
		}
	default:
		return nil, data.Errorf(data.ErrInvalid, "%s is not a CSV or XLSX table", name)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{Num: r.num, Cells: r.cells}
	}
	return out, nil
}

// NormHeader folds a column header the way Import matches headers: lower
// case, no diacritics, punctuation as spaces, single spaces, no BOM.
func NormHeader(s string) string { return normHeader(strings.TrimPrefix(s, "\uFEFF")) }

// ExcelClock reads a spreadsheet time cell read raw: a fraction of a day
// (0.375 is 09:00), or a serial date with a time part; it returns minutes
// after midnight.
func ExcelClock(v string) (int, bool) {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || x < 0 || x > 2958465 {
		return 0, false
	}
	frac := x - math.Floor(x)
	return int(math.Round(frac*24*60)) % (24 * 60), true
}
