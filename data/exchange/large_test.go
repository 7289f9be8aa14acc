package exchange

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/clusme/fieldbook/data"
)

// participants is a generated participant list as a B2B platform would
// export it: messy headers (case, stars, a mix of languages, columns we do
// not want), a few hundred companies, and about 1% bad rows.
type participants struct {
	header []string
	rows   [][]string
	bad    map[int]string // spreadsheet row → expected problem column
	people int            // distinct good people
	orgs   int            // distinct companies of good rows
}

var (
	genGiven  = []string{"Matti", "Päivi", "Tõnu", "Jüri", "Ülle", "Дилноза", "Ғулом", "Sipho", "Annelie", "Oʻktam", "Ольга", "Kärt"}
	genFamily = []string{"Mäkinen", "Põder", "Šmidt", "Каримова", "Қодиров", "Dlamini", "van der Merwe", "Toʻxtayev", "Соколова", "Õunapuu"}
	genStem   = []string{"Hydrauliikka", "Mõõtetehnika", "Энергосбыт", "Қурилиш", "Steelworks", "Päikeseenergia", "Ўзсаноат", "Kabiini"}
	genSuffix = []string{"Oy", "OÜ", "AS", "ООО", "MChJ", "(Pty) Ltd"}
	genCountr = []string{"Finland", "Eesti", "Узбекистан", "ZA", "fi", "Uzbekistan", "Suomi", ""}
)

func genParticipants(n int) *participants {
	p := &participants{
		header: []string{"  FIRST NAME*", "Surname", "Company / Organisation", "Country", "E-Mail Address*", "Mobile",
			"Position", "Registration date", "Lunch?", ""},
		bad: map[int]string{},
	}
	orgs := map[string]bool{}
	for i := 0; i < n; i++ {
		row := i + 2
		given := genGiven[i%len(genGiven)]
		family := genFamily[(i/len(genGiven))%len(genFamily)]
		j := i % 397 // a few hundred companies, several people each
		company := fmt.Sprintf("%s %d %s", genStem[j%len(genStem)], j, genSuffix[j%len(genSuffix)])
		email := fmt.Sprintf("p%05d@firm%d.example", i, i%397)
		r := []string{given, family, company, genCountr[i%len(genCountr)], email,
			fmt.Sprintf("+358 40 %03d %04d", i%1000, i), "Manager", "2026-04-01", "yes", ""}
		switch {
		case i%100 == 37:
			r[4] = strings.Replace(email, "@", "@@", 1)
			p.bad[row] = "E-Mail Address*"
		case i%250 == 11:
			r[0], r[1], r[2] = "", "", ""
			p.bad[row] = "FIRST NAME*" // as trimmed in the report
		default:
			p.people++
			orgs[strings.ToLower(company)] = true
		}
		p.rows = append(p.rows, r)
	}
	p.orgs = len(orgs)
	return p
}

func (p *participants) csv(sep string) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString(sep)
			}
			if strings.ContainsAny(c, sep+"\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	line(p.header)
	for _, r := range p.rows {
		line(r)
	}
	return b.Bytes()
}

func (p *participants) xlsx(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	put := func(row int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	put(1, p.header)
	for i, r := range p.rows {
		put(i+2, r)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImport5000 is the "done means": a 5,000-row participant list
// with messy headers and ~1% bad rows gives the right records and report.
func TestImport5000(t *testing.T) {
	if testing.Short() {
		t.Skip("large import")
	}
	ctx := context.Background()
	p := genParticipants(5000)
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			st := openStore(t)
			b := p.csv(";")
			if format == "xlsx" {
				b = p.xlsx(t)
			}
			rep, err := Import(ctx, st, "participants."+format, bytes.NewReader(b), ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Format != format || rep.Rows != 5000 {
				t.Errorf("format %s rows %d", rep.Format, rep.Rows)
			}
			wantCols := map[string]string{"FIRST NAME*": "given_name", "Surname": "family_name", "Company / Organisation": "company",
				"Country": "country", "E-Mail Address*": "email", "Mobile": "phone", "Position": "title",
				"Registration date": "ignore", "Lunch?": "ignore", "(blank)": "ignore"}
			if format == "xlsx" {
				delete(wantCols, "(blank)") // a sheet has no trailing empty cells
			}
			if fmt.Sprint(rep.Columns) != fmt.Sprint(wantCols) {
				t.Errorf("columns %v", rep.Columns)
			}
			if len(rep.Problems) != len(p.bad) || len(p.bad) < 50 {
				t.Errorf("%d problems, want %d", len(rep.Problems), len(p.bad))
			}
			for _, pr := range rep.Problems {
				if col, ok := p.bad[pr.Row]; !ok || col != pr.Column {
					t.Errorf("unexpected problem %s", pr)
				}
			}
			stats := st.Stats(ctx)
			if rep.Count("create", data.KindContact) != p.people || stats[data.KindContact] != p.people ||
				rep.Count("create", data.KindOrg) != p.orgs || stats[data.KindOrg] != p.orgs {
				t.Errorf("contacts %d (stored %d), orgs %d (stored %d); want %d and %d",
					rep.Count("create", data.KindContact), stats[data.KindContact], rep.Count("create", data.KindOrg), stats[data.KindOrg], p.people, p.orgs)
			}
			// A name splits right, a country name became a code.
			c := findContact(t, st, "Päivi", "Mäkinen")
			o := mustGet[*data.Organization](t, st, c.Org)
			if o.Country != "EE" || c.Title != "Manager" || len(c.Emails) != 1 || len(c.Phones) != 1 {
				t.Errorf("Päivi %+v of %+v", c, o)
			}
			rep, err = Import(ctx, st, "participants."+format, bytes.NewReader(b), ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Count("unchanged", "") != len(rep.Changes) || len(rep.Changes) != p.people+p.orgs {
				t.Errorf("again: %d changes, %d unchanged", len(rep.Changes), rep.Count("unchanged", ""))
			}
		})
	}
}
