package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/clusme/fieldbook/data/card"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
	"github.com/clusme/fieldbook/resources"
)

// The documents are generated from one store with the sample missions and
// 240 extra follow-ups (enough for a follow-up list of several pages).
var (
	fixture   *store.Store
	extraFUs  []*data.FollowUp
	created   = time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
	now       = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	rbMission = sample.RefID("@mission:richards-bay-2026")
	tkMission = sample.RefID("@mission:tashkent-2026")
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "report-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx := context.Background()
		st, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer st.Close()
		if _, err := sample.Load(ctx, st); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		extraFUs = manyFollowUps(240, sample.RefID("@org:toshkent-suv"))
		recs := make([]data.Record, len(extraFUs))
		for i, f := range extraFUs {
			recs[i] = f
		}
		if _, err := st.Import(ctx, recs, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fixture = st
		return m.Run()
	}())
}

// manyFollowUps makes n follow-ups with varied due dates, statuses and
// text lengths, in no particular order.
func manyFollowUps(n int, org data.ID) []*data.FollowUp {
	statuses := []data.Status{data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*data.FollowUp, n)
	for i := range out {
		details := strings.Repeat("Pilot for smart water metering in Chilonzor district, Қибрай and Gʻazalkent; ", 1+i%4)
		out[i] = &data.FollowUp{
			Base:     data.Base{ID: data.DeterministicID(base, fmt.Sprintf("fu-%d", i))},
			Title:    fmt.Sprintf("Follow-up %03d: send the offer to Тошкент сув", i),
			Details:  details,
			Owner:    []string{"Žanna Ivanova", "Tõnu Põder", "Päivi Ylönen"}[i%3],
			Due:      data.DateOf(base.AddDate(0, 0, (i*37)%300)),
			Status:   statuses[i%4],
			Priority: data.PriorityNormal,
			Org:      org,
		}
	}
	return out
}

func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is needed to read the PDFs back (Debian: apt-get install poppler-utils)", name)
	}
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// generate writes one document to a file and checks it with qpdf when
// that is installed.
func generate(t *testing.T, name string, fn func(w *bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		run(t, "qpdf", "--check", path)
	}
	return path
}

func pages(t *testing.T, path string) int {
	t.Helper()
	needTool(t, "pdfinfo")
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// text is the PDF's text (pdftotext -layout), of pages first..last when
// given, with runs of spaces collapsed so words can be searched.
func text(t *testing.T, path string, pageRange ...int) string {
	t.Helper()
	needTool(t, "pdftotext")
	args := []string{"-layout", "-enc", "UTF-8"}
	if len(pageRange) == 2 {
		args = append(args, "-f", strconv.Itoa(pageRange[0]), "-l", strconv.Itoa(pageRange[1]))
	}
	out := run(t, "pdftotext", append(args, path, "-")...)
	out = strings.ReplaceAll(out, "\u00a0", " ")
	return regexp.MustCompile(`[ \t]+`).ReplaceAllString(out, " ")
}

func contains(t *testing.T, what, haystack string, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if !strings.Contains(haystack, n) {
			t.Errorf("%s: %q not found in the text", what, n)
		}
	}
}

func label(t *testing.T, lang, key string) string {
	t.Helper()
	l, err := loadLabels(lang)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := l[key]
	if !ok {
		t.Fatalf("no label %q in %s", key, lang)
	}
	return s
}

func opts(lang string) Options { return Options{Lang: lang, Created: created, Now: now} }

func org(t *testing.T, ref string) *data.Organization {
	t.Helper()
	o, err := store.Load[*data.Organization](context.Background(), fixture, sample.RefID(ref))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestLabelsComplete(t *testing.T) {
	en, err := loadLabels("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		l, err := loadLabels(lang)
		if err != nil {
			t.Fatal(err)
		}
		for k := range en {
			if strings.TrimSpace(l[k]) == "" {
				t.Errorf("%s.json: label %q missing or empty", lang, k)
			}
		}
		for k := range l {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.json: label %q is not in en.json", lang, k)
			}
		}
	}
	// Every label the code asks for exists (a typo would print the key).
	src, _ := filepath.Glob("*.go")
	keyRe := regexp.MustCompile(`d\.l\("([a-z_]+)"\)`)
	for _, f := range src {
		b, _ := os.ReadFile(f)
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses label %q, which en.json lacks", f, m[1])
			}
		}
	}
}

// TestFontsCoverText: gopdf prints a blank for a character the font lacks,
// so every character the documents can print must be in both faces.
func TestFontsCoverText(t *testing.T) {
	runes := map[rune]string{}
	addText := func(where, s string) {
		for _, r := range s {
			if unicode.IsControl(r) || r == ' ' {
				continue
			}
			if _, ok := runes[r]; !ok {
				runes[r] = where
			}
		}
	}
	recs, err := sample.Records()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		walkStrings(reflect.ValueOf(r), func(s string) { addText(string(r.Kind())+" "+r.Label(), s) })
	}
	for _, dir := range []string{"report", "translations"} {
		files, err := fs.Glob(resources.FS, dir+"/*.json")
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s/*.json: %v", dir, err)
		}
		for _, f := range files {
			b, _ := resources.FS.ReadFile(f)
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			walkStrings(reflect.ValueOf(v), func(s string) { addText(f, s) })
		}
	}
	// Letters the issue names, and what the code itself prints: dashes,
	// the ellipsis, the middle dot and the no-break space of grouped numbers.
	addText("required", "ҚқҒғҲҳЎўʻäöõšžÄÖÕŠŽüÜåÅ–—…·\u00a0%/0123456789")
	if len(runes) < 100 {
		t.Fatalf("only %d distinct characters collected; the walk is broken", len(runes))
	}
	for name, ttf := range map[string][]byte{"regular": resources.FontRegular(), "bold": resources.FontBold()} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		var missing []string
		for r, where := range runes {
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil || gi == 0 {
				missing = append(missing, fmt.Sprintf("%q U+%04X (in %s)", r, r, where))
			}
		}
		sort.Strings(missing)
		for _, m := range missing {
			t.Errorf("%s font lacks %s", name, m)
		}
	}
}

// walkStrings calls fn for every string reachable from v.
func walkStrings(v reflect.Value, fn func(string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), fn)
		}
	case reflect.String:
		fn(v.String())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), fn)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			walkStrings(iter.Key(), fn)
			walkStrings(iter.Value(), fn)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	hydroset := sample.RefID("@org:hydroset")
	unknown := data.DeterministicID(created, "nobody")
	cases := []struct {
		name string
		err  error
		want error
		msg  string
	}{
		{"bad language", Brochure(ctx, fixture, hydroset, Options{Lang: "de"}, &buf), data.ErrInvalid, `"de"`},
		{"unknown org", Brochure(ctx, fixture, unknown, Options{}, &buf), data.ErrNotFound, "no organization"},
		{"mission as org", Brochure(ctx, fixture, rbMission, Options{}, &buf), data.ErrInvalid, "is a mission, not an organization"},
		{"org as mission", Catalogue(ctx, fixture, hydroset, Options{}, &buf), data.ErrInvalid, "is an organization, not a mission"},
		{"org as mission report", Report(ctx, fixture, hydroset, Options{}, &buf), data.ErrInvalid, "not a mission"},
		{"unknown mission", Report(ctx, fixture, unknown, Options{}, &buf), data.ErrNotFound, "no mission"},
		{"malformed id", Catalogue(ctx, fixture, "x", Options{}, &buf), data.ErrInvalid, "not a valid id"},
		{"bad language list", FollowUpList(ctx, fixture, nil, "x", Options{Lang: "sv"}, &buf), data.ErrInvalid, "not supported"},
	}
	for _, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: got %v, want an error wrapping %v", c.name, c.err, c.want)
			continue
		}
		if !strings.Contains(c.err.Error(), c.msg) {
			t.Errorf("%s: message %q lacks %q", c.name, c.err, c.msg)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written by failed calls", buf.Len())
	}
}

func TestBrochure(t *testing.T) {
	ctx := context.Background()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			for _, ref := range []string{"@org:hydroset", "@org:smidt-poder", "@org:toshkent-suv", "@org:veemoot"} {
				o := org(t, ref)
				path := generate(t, "brochure.pdf", func(w *bytes.Buffer) error { return Brochure(ctx, fixture, o.ID, opts(lang), w) })
				if n := pages(t, path); n < 1 || n > 2 {
					t.Errorf("%s: %d pages, want 1 or 2", o.Name, n)
				}
				txt := text(t, path)
				contains(t, o.Name, txt, o.Name, label(t, lang, "contact"))
				if !pageNumberRe(1, 0).MatchString(txt) {
					t.Errorf("%s: no page number 1 / N in the footer", o.Name)
				}
				for key, items := range map[string][]string{"products": o.Products, "capabilities": o.Capabilities, "certifications": o.Certifications, "references": o.References} {
					if len(items) > 0 {
						contains(t, o.Name, txt, label(t, lang, key))
					}
				}
				// The tagline in the language, or English with the note.
				note := label(t, lang, "english_only")
				if tag := o.Tagline[lang]; tag != "" {
					contains(t, o.Name, txt, firstWords(tag, 3))
				} else if o.Tagline["en"] != "" && lang != "en" {
					contains(t, o.Name, txt, firstWords(o.Tagline["en"], 3), note)
				}
				if lang == "en" && strings.Contains(txt, note) {
					t.Errorf("%s: English brochure says %q", o.Name, note)
				}
				// The QR code is an embedded image.
				if imgs := run(t, "pdfimages", "-list", path); strings.Count(imgs, "\n") < 3 {
					t.Errorf("%s: no image in the brochure:\n%s", o.Name, imgs)
				}
			}
		})
	}
	t.Run("diacritics and Cyrillic", func(t *testing.T) {
		path := generate(t, "b.pdf", func(w *bytes.Buffer) error {
			return Brochure(ctx, fixture, sample.RefID("@org:toshkent-suv"), opts("ru"), w)
		})
		contains(t, "toshkent-suv", text(t, path), "ТОШКЕНТ СУВ ХИЗМАТИ")
		path = generate(t, "b.pdf", func(w *bytes.Buffer) error {
			return Brochure(ctx, fixture, sample.RefID("@org:smidt-poder"), opts("et"), w)
		})
		contains(t, "smidt-poder", text(t, path), "Šmidt & Põder", "Tooted")
	})
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// TestBrochureQR decodes the printed QR code and compares it with the
// contact's vCard.
func TestBrochureQR(t *testing.T) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg (Debian zbar-tools) is not installed")
	}
	needTool(t, "pdftoppm")
	ctx := context.Background()
	for _, ref := range []string{"@org:veemoot", "@org:hydroset", "@org:toshkent-suv"} {
		o := org(t, ref)
		person, err := firstContact(ctx, fixture, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := qrPayload(o, person)
		if person != nil && !strings.HasPrefix(want, "BEGIN:VCARD\r\nVERSION:3.0\r\n") {
			t.Fatalf("payload is not a vCard 3.0: %q", want)
		}
		path := generate(t, "qr.pdf", func(w *bytes.Buffer) error { return Brochure(ctx, fixture, o.ID, opts("ru"), w) })
		prefix := filepath.Join(t.TempDir(), "page")
		run(t, "pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", path, prefix)
		pngs, _ := filepath.Glob(prefix + "*.png")
		if len(pngs) != 1 {
			t.Fatalf("pdftoppm made %v", pngs)
		}
		// Only stdout: zbarimg may complain about D-Bus on stderr.
		out, err := exec.Command("zbarimg", "-q", "--raw", "-Sbinary", pngs[0]).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		got := string(out)
		if got != want && strings.TrimSuffix(got, "\n") != want {
			t.Errorf("%s: QR code holds\n%q\nwant\n%q", o.Name, got, want)
		}
		if person != nil {
			contains(t, o.Name, got, "FN:"+person.Label(), "ORG:")
		}
	}
}

func TestCatalogue(t *testing.T) {
	ctx := context.Background()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			for _, id := range []data.ID{rbMission, tkMission} {
				m, err := store.Load[*data.Mission](ctx, fixture, id)
				if err != nil {
					t.Fatal(err)
				}
				path := generate(t, "catalogue.pdf", func(w *bytes.Buffer) error { return Catalogue(ctx, fixture, id, opts(lang), w) })
				n := pages(t, path)
				if n < 2+len(m.Members)+1 || n > 2+2*len(m.Members)+2 {
					t.Errorf("%s: %d pages for %d members", m.Name, n, len(m.Members))
				}
				cover := text(t, path, 1, 1)
				contains(t, "cover", cover, strings.ToUpper(label(t, lang, "catalogue")), strings.ToUpper(label(t, lang, "host_country")), newFormat(lang).country(m.Country), newFormat(lang).day(m.Start))
				toc := text(t, path, 2, 2)
				contains(t, "contents", toc, label(t, lang, "contents"))
				// Every member is listed with the page its brochure starts on.
				prev := 2
				for _, mid := range m.Members {
					o, err := store.Load[*data.Organization](ctx, fixture, mid)
					if err != nil {
						t.Fatal(err)
					}
					p := tocPage(t, toc, o.Name)
					if p <= prev || p > n {
						t.Errorf("%s: contents say page %d (previous entry %d, %d pages)", o.Name, p, prev, n)
						continue
					}
					prev = p
					if pg := text(t, path, p, p); !strings.Contains(pg, o.Name) {
						t.Errorf("%s: contents say page %d, which does not show the name", o.Name, p)
					}
					if before := text(t, path, p-1, p-1); p-1 > 2 && strings.Contains(before, o.Name) {
						t.Errorf("%s: the name already appears on page %d, before the page the contents give", o.Name, p-1)
					}
				}
				back := text(t, path, n, n)
				contains(t, "back page", back, label(t, lang, "delegation_contacts"))
				if p := tocPage(t, toc, label(t, lang, "delegation_contacts")); p != n {
					t.Errorf("contents give page %d for the delegation, want %d", p, n)
				}
				for _, did := range m.Delegates[:3] {
					c, err := store.Load[*data.Contact](ctx, fixture, did)
					if err != nil {
						t.Fatal(err)
					}
					contains(t, "back page", back, c.Label())
				}
			}
		})
	}
	t.Run("Cyrillic and diacritics", func(t *testing.T) {
		path := generate(t, "c.pdf", func(w *bytes.Buffer) error { return Catalogue(ctx, fixture, tkMission, opts("ru"), w) })
		contains(t, "catalogue", text(t, path), "Šmidt & Põder", strings.ToUpper("Каталог делегации"), "Узбекистан", "Продукция", "Jäätmeenergia OÜ")
	})
}

// tocPage is the page number the contents give for name: the number at
// the end of the line that holds it.
func tocPage(t *testing.T, toc, name string) int {
	t.Helper()
	for _, ln := range strings.Split(toc, "\n") {
		if !strings.Contains(ln, name) {
			continue
		}
		f := strings.Fields(ln)
		if n, err := strconv.Atoi(f[len(f)-1]); err == nil {
			return n
		}
	}
	t.Errorf("contents: no line with %q and a page number in\n%s", name, toc)
	return 0
}

func TestFollowUpList(t *testing.T) {
	ctx := context.Background()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			title := "Tashkent — " + label(t, lang, "followups")
			path := generate(t, "followups.pdf", func(w *bytes.Buffer) error {
				return FollowUpList(ctx, fixture, extraFUs, title, opts(lang), w)
			})
			n := pages(t, path)
			if n < 5 {
				t.Fatalf("%d follow-ups on %d pages; expected several", len(extraFUs), n)
			}
			heads := []string{label(t, lang, "due"), label(t, lang, "owner"), label(t, lang, "company"), label(t, lang, "action"), label(t, lang, "status")}
			f := newFormat(lang)
			var order []time.Time
			dateRe := map[string]*regexp.Regexp{
				"en": regexp.MustCompile(`(?m)^ ?(\d{1,2} [A-Z][a-z]{2} \d{4})`),
				"fi": regexp.MustCompile(`(?m)^ ?(\d{1,2}\.\d{1,2}\.\d{4})`),
				"et": regexp.MustCompile(`(?m)^ ?(\d{2}\.\d{2}\.\d{4})`),
				"ru": regexp.MustCompile(`(?m)^ ?(\d{2}\.\d{2}\.\d{4})`),
			}[lang]
			layout := map[string]string{"en": "2 Jan 2006", "fi": "2.1.2006", "et": "02.01.2006", "ru": "02.01.2006"}[lang]
			for p := 1; p <= n; p++ {
				pg := text(t, path, p, p)
				// The header row is repeated on every page.
				contains(t, fmt.Sprintf("page %d", p), pg, heads...)
				if !pageNumberRe(p, n).MatchString(pg) {
					t.Errorf("page %d: no page number %d / %d", p, p, n)
				}
				// The footer line also starts with a date; it has a "·".
				var rows []string
				for _, ln := range strings.Split(pg, "\n") {
					if !strings.Contains(ln, "·") {
						rows = append(rows, ln)
					}
				}
				for _, m := range dateRe.FindAllStringSubmatch(strings.Join(rows, "\n"), -1) {
					d, err := time.Parse(layout, m[1])
					if err != nil {
						t.Fatalf("date %q: %v", m[1], err)
					}
					order = append(order, d)
				}
			}
			contains(t, "first page", text(t, path, 1, 1), title)
			if len(order) < len(extraFUs) {
				t.Errorf("found %d due dates for %d follow-ups", len(order), len(extraFUs))
			}
			if !sort.SliceIsSorted(order, func(i, j int) bool { return order[i].Before(order[j]) }) {
				t.Errorf("due dates are not in order")
			}
			all := text(t, path)
			contains(t, "list", all, label(t, lang, "status_done"), label(t, lang, "status_in_progress"), label(t, lang, "overdue"), "Тошкент сув", "Žanna Ivanova", f.day("2026-03-01"))
			// A long detail text is wrapped, not cut: its last words print.
			contains(t, "list", all, "Gʻazalkent;")
		})
	}
	t.Run("empty", func(t *testing.T) {
		path := generate(t, "empty.pdf", func(w *bytes.Buffer) error { return FollowUpList(ctx, fixture, nil, "", opts("fi"), w) })
		contains(t, "empty list", text(t, path), label(t, "fi", "no_followups"), label(t, "fi", "followups"))
	})
}

func TestReport(t *testing.T) {
	ctx := context.Background()
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			path := generate(t, "report.pdf", func(w *bytes.Buffer) error { return Report(ctx, fixture, tkMission, opts(lang), w) })
			if n := pages(t, path); n < 1 || n > 4 {
				t.Errorf("%d pages", n)
			}
			facts, err := gatherFacts(ctx, fixture, mustMission(t, tkMission), lang)
			if err != nil {
				t.Fatal(err)
			}
			f := newFormat(lang)
			txt := text(t, path)
			contains(t, "report", txt,
				strings.ToUpper(label(t, lang, "report")), label(t, lang, "key_figures"), label(t, lang, "meetings_by_company"),
				label(t, lang, "meetings_by_kind"), label(t, lang, "followup_completion"), label(t, lang, "kind_b2b"),
				"ТОШКЕНТ СУВ ХИЗМАТИ", "Тошкент Вилоят Энергия Тақсимот АЖ",
				strings.ReplaceAll(f.money(4200000000, "UZS"), "\u00a0", " "),
				strings.ReplaceAll(f.percent(facts.completion()), "\u00a0", " "),
			)
			if facts.meetings == 0 || facts.followUps == 0 || len(facts.opps) == 0 || facts.orgsMet == 0 {
				t.Errorf("facts look empty: %+v", facts)
			}
			// The charts are vector graphics: the report has no images.
			if imgs := run(t, "pdfimages", "-list", path); strings.Count(imgs, "\n") > 2 {
				t.Errorf("report has images:\n%s", imgs)
			}
		})
	}
	t.Run("figures", func(t *testing.T) {
		facts, err := gatherFacts(ctx, fixture, mustMission(t, rbMission), "en")
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range facts.byKind {
			total += n
		}
		if total != facts.meetings {
			t.Errorf("meetings by kind add up to %d, not %d", total, facts.meetings)
		}
		done, open := facts.status[data.StatusDone], facts.followUps-facts.status[data.StatusDropped]
		if want := float64(done) / float64(open); facts.completion() != want {
			t.Errorf("completion %v, want %v", facts.completion(), want)
		}
		for i := 1; i < len(facts.opps); i++ {
			a, b := facts.opps[i-1], facts.opps[i]
			if a.currency == b.currency && a.value < b.value {
				t.Errorf("opportunities not by value: %v before %v", a, b)
			}
		}
		if facts.byCompany[0].name != "Nyathi Heavy Equipment (Pty) Ltd" {
			t.Errorf("most met company is %q", facts.byCompany[0].name)
		}
	})
}

func mustMission(t *testing.T, id data.ID) *data.Mission {
	t.Helper()
	m, err := store.Load[*data.Mission](context.Background(), fixture, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDeterministic: the same input and Options.Created give the same
// bytes, so documents can be compared and cached.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	docs := map[string]func(w *bytes.Buffer) error{
		"brochure": func(w *bytes.Buffer) error {
			return Brochure(ctx, fixture, sample.RefID("@org:veemoot"), opts("ru"), w)
		},
		"catalogue": func(w *bytes.Buffer) error { return Catalogue(ctx, fixture, tkMission, opts("et"), w) },
		"report":    func(w *bytes.Buffer) error { return Report(ctx, fixture, rbMission, opts("fi"), w) },
		"followups": func(w *bytes.Buffer) error { return FollowUpList(ctx, fixture, extraFUs, "All", opts("en"), w) },
	}
	for name, fn := range docs {
		var a, b bytes.Buffer
		if err := fn(&a); err != nil {
			t.Fatal(err)
		}
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two runs differ (%d and %d bytes)", name, a.Len(), b.Len())
		}
		if !bytes.Contains(a.Bytes(), []byte("/CreationDate(D:20260601093000")) {
			t.Errorf("%s: creation date is not Options.Created", name)
		}
	}
}

func TestFormat(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for lang, want := range map[string][3]string{
		"en": {"2 Jan 2026", "1,234,567", "64%"},
		"fi": {"2.1.2026", "1\u00a0234\u00a0567", "64\u00a0%"},
		"et": {"02.01.2026", "1\u00a0234\u00a0567", "64\u00a0%"},
		"ru": {"02.01.2026", "1\u00a0234\u00a0567", "64\u00a0%"},
	} {
		f := newFormat(lang)
		got := [3]string{f.date(day), f.int(1234567), f.percent(0.64)}
		if got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// pageNumberRe matches the footer's "p / n" (n = 0: any); pdftotext may
// drop the thin spaces around the slash.
func pageNumberRe(p, n int) *regexp.Regexp {
	ns := `\d+`
	if n > 0 {
		ns = strconv.Itoa(n)
	}
	return regexp.MustCompile(`(?m)\b` + strconv.Itoa(p) + ` ?/ ?` + ns + `\s*$`)
}

// longOrg is a member with enough text for a second brochure page.
func longOrg(t *testing.T) *data.Organization {
	t.Helper()
	ctx := context.Background()
	id := data.DeterministicID(created, "long-org")
	if o, err := store.Load[*data.Organization](ctx, fixture, id); err == nil {
		return o
	}
	o := &data.Organization{
		Base: data.Base{ID: id}, Name: "Jyväskylän Hydrauliikka- ja Ohjaamotekniikka Oy", OrgKind: data.OrgMember,
		Country: "FI", City: "Jyväskylä", Sector: "Hydraulics and cabins", Website: "https://jyvaskylan-hydrauliikka.example",
		Tagline:     data.Texts{"en": "Cylinders, cabins and welded assemblies for heavy machines", "ru": "Цилиндры, кабины и сварные узлы для тяжёлой техники"},
		Description: data.Texts{"en": strings.Repeat("We design and build hydraulic cylinders, ROPS/FOPS cabins and welded steel assemblies for forestry, mining and earth-moving machines, from prototypes to series of several thousand a year. ", 6)},
	}
	for i := 1; i <= 14; i++ {
		o.Products = append(o.Products, fmt.Sprintf("Product line %d: double-acting welded cylinders, bore 40–250 mm, stroke up to 6 m, with position sensors and end-of-stroke damping", i))
		o.Capabilities = append(o.Capabilities, fmt.Sprintf("Capability %d: deep-hole honing, hard-chrome plating and robotic welding", i))
	}
	o.Certifications = []string{"ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018", "EN 1090-2 EXC3", "EN ISO 3834-2"}
	o.References = []string{"Nordic forestry machine OEMs", "Underground loader OEMs in Sweden and Poland", "Articulated dump truck makers in South Africa"}
	if err := fixture.Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestBrochureLong: a long brochure runs onto a second page that names
// the company, and no section heading is left alone at a page bottom.
func TestBrochureLong(t *testing.T) {
	ctx := context.Background()
	o := longOrg(t)
	for _, lang := range Languages {
		path := generate(t, "long.pdf", func(w *bytes.Buffer) error { return Brochure(ctx, fixture, o.ID, opts(lang), w) })
		n := pages(t, path)
		if n < 2 {
			t.Fatalf("%s: %d page(s); the test org should need two", lang, n)
		}
		headings := map[string]bool{}
		for _, k := range []string{"products", "capabilities", "certifications", "references"} {
			headings[label(t, lang, k)] = true
		}
		for p := 1; p <= n; p++ {
			pg := text(t, path, p, p)
			contains(t, fmt.Sprintf("%s page %d", lang, p), pg, o.Name)
			var body []string
			for _, ln := range strings.Split(pg, "\n") {
				// Only the main column: the sidebar shares lines on page 1.
				ln = strings.TrimSpace(ln)
				if ln != "" && !strings.Contains(ln, "·") {
					body = append(body, ln)
				}
			}
			if p < n && len(body) > 0 {
				last := body[len(body)-1]
				if headings[last] {
					t.Errorf("%s page %d ends with the heading %q", lang, p, last)
				}
			}
		}
		// The last product is printed in full: nothing was cut off.
		contains(t, lang, strings.Join(strings.Fields(text(t, path)), " "), "Product line 14: double-acting", "end-of-stroke damping")
	}
}

// TestRenderForReview writes every document in English and Russian to
// $REPORT_REVIEW_DIR for looking at (pdftoppm -r 60 -png); without the
// variable it does nothing.
func TestRenderForReview(t *testing.T) {
	dir := os.Getenv("REPORT_REVIEW_DIR")
	if dir == "" {
		t.Skip("set REPORT_REVIEW_DIR to write the documents for review")
	}
	ctx := context.Background()
	long := longOrg(t)
	for _, lang := range []string{"en", "ru"} {
		docs := map[string]func(w *bytes.Buffer) error{
			"brochure-veemoot": func(w *bytes.Buffer) error {
				return Brochure(ctx, fixture, sample.RefID("@org:veemoot"), opts(lang), w)
			},
			"brochure-hydroset": func(w *bytes.Buffer) error {
				return Brochure(ctx, fixture, sample.RefID("@org:hydroset"), opts(lang), w)
			},
			"brochure-toshkent": func(w *bytes.Buffer) error {
				return Brochure(ctx, fixture, sample.RefID("@org:toshkent-suv"), opts(lang), w)
			},
			"brochure-long":      func(w *bytes.Buffer) error { return Brochure(ctx, fixture, long.ID, opts(lang), w) },
			"catalogue-tashkent": func(w *bytes.Buffer) error { return Catalogue(ctx, fixture, tkMission, opts(lang), w) },
			"catalogue-rbay":     func(w *bytes.Buffer) error { return Catalogue(ctx, fixture, rbMission, opts(lang), w) },
			"report-rbay":        func(w *bytes.Buffer) error { return Report(ctx, fixture, rbMission, opts(lang), w) },
			"report-tashkent":    func(w *bytes.Buffer) error { return Report(ctx, fixture, tkMission, opts(lang), w) },
			"followups": func(w *bytes.Buffer) error {
				return FollowUpList(ctx, fixture, extraFUs[:60], "Follow-ups", opts(lang), w)
			},
		}
		for name, fn := range docs {
			var buf bytes.Buffer
			if err := fn(&buf); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+"-"+lang+".pdf"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCardSheet(t *testing.T) {
	c := card.Card{GivenName: "Gʻayrat", FamilyName: "Қодиров", Org: "Тошкент Сув Таъминоти", Title: "Бош муҳандис",
		Emails: []card.Typed{{Value: "g.qodirov@suv.example"}}, Phones: []card.Typed{{Value: "+998 71 123 45 67"}},
		URLs: []string{"https://suv.example"}}
	path := generate(t, "sheet.pdf", func(w *bytes.Buffer) error { return CardSheet(c, opts("ru"), w) })
	if n := pages(t, path); n != 1 {
		t.Fatalf("%d pages", n)
	}
	txt := text(t, path)
	contains(t, "card sheet", txt, "Gʻayrat Қодиров", "Бош муҳандис", "g.qodirov@suv.example", "suv.example")
	if strings.Count(txt, "+998 71 123 45 67") != 10 {
		t.Errorf("want ten cards, the phone number appears %d times", strings.Count(txt, "+998 71 123 45 67"))
	}
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg (Debian zbar-tools) is not installed")
	}
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-r", "300", "-png", path, prefix)
	pngs, _ := filepath.Glob(prefix + "*.png")
	out, err := exec.Command("zbarimg", "-q", "--raw", "-Sbinary", pngs[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.Count(string(out), card.QRPayload(c)); got != 10 {
		t.Errorf("zbar read %d of the ten cards' codes:\n%s", got, out)
	}
	if err := CardSheet(card.Card{}, opts("en"), &bytes.Buffer{}); err == nil {
		t.Error("an empty card was printed")
	}
}
