package seminar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
)

// FuzzImportAgenda feeds arbitrary CSV or XLSX bytes to the agenda parser:
// it must never panic, fail only with ErrInvalid, and every row it returns
// must lie inside the seminar's slots and tables.
func FuzzImportAgenda(f *testing.F) {
	f.Add([]byte(messyCSV))
	if b, err := os.ReadFile(filepath.Join("testdata", "agenda.xlsx")); err == nil {
		f.Add(b)
	}
	sem := &data.Seminar{Name: "Fuzz B2B", Date: "2026-03-11", TimeZone: "Africa/Johannesburg", FirstSlot: "09:00",
		SlotMinutes: 20, Slots: 8, Tables: 6, Breaks: []data.Break{{After: 3, Minutes: 20, Label: "Coffee"}}}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := exchange.ReadTable("fuzz", bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("read error not ErrInvalid: %v", err)
			}
			return
		}
		parsed, probs, err := parseAgenda(sem, rows)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("parse error not ErrInvalid: %v", err)
			}
			return
		}
		for _, r := range parsed {
			if r.Slot < 1 || r.Slot > sem.Slots || r.Table < 1 || r.Table > sem.Tables || r.Num < 1 {
				t.Fatalf("row out of range: %+v", r)
			}
		}
		for _, p := range probs {
			if p.Row < 1 || strings.TrimSpace(p.Message) == "" {
				t.Fatalf("bad problem: %+v", p)
			}
		}
	})
}
