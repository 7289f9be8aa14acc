package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/resources"
)

// labels are the texts printed on the documents in one language, from
// resources/report/<lang>.json.
type labels map[string]string

var (
	labelsOnce sync.Once
	labelSets  map[string]labels
	labelsErr  error
)

// loadLabels reads every language's labels once; they are part of the
// build, so a failure here is a broken build (and the tests catch it).
func loadLabels(lang string) (labels, error) {
	labelsOnce.Do(func() {
		labelSets = map[string]labels{}
		for _, l := range Languages {
			b, err := resources.ReportLabels(l)
			if err != nil {
				labelsErr = fmt.Errorf("report labels %s: %w", l, err)
				return
			}
			var m labels
			if err := json.Unmarshal(b, &m); err != nil {
				labelsErr = fmt.Errorf("report labels %s: %w", l, err)
				return
			}
			labelSets[l] = m
		}
	})
	if labelsErr != nil {
		return nil, labelsErr
	}
	return labelSets[lang], nil
}

// get returns the label for key, falling back to English and then to the
// key itself, so a missing translation shows up as text rather than a
// blank (the tests make sure none is missing).
func (l labels) get(key string) string {
	if s, ok := l[key]; ok {
		return s
	}
	if en, ok := labelSets["en"][key]; ok {
		return en
	}
	return key
}

// format holds the language-dependent formatting of dates and numbers.
type format struct {
	lang    string
	tag     language.Tag
	printer *message.Printer
}

func newFormat(lang string) format {
	tag := language.Make(lang)
	return format{lang: lang, tag: tag, printer: message.NewPrinter(tag)}
}

var enMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// date formats a calendar day the way each language writes it:
// en "2 Jan 2006", fi "2.1.2006", et and ru "02.01.2006".
func (f format) date(t time.Time) string {
	switch f.lang {
	case "fi":
		return t.Format("2.1.2006")
	case "et", "ru":
		return t.Format("02.01.2006")
	}
	return strconv.Itoa(t.Day()) + " " + enMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// day formats a data.Date; an empty or malformed one prints as a dash.
func (f format) day(d data.Date) string {
	if d == "" {
		return "—"
	}
	t, err := time.Parse(data.DateLayout, string(d))
	if err != nil {
		return string(d)
	}
	return f.date(t)
}

// int formats n with the language's digit grouping (en 1,234; fi, et and
// ru 1 234 with a no-break space).
func (f format) int(n int64) string { return f.printer.Sprintf("%d", n) }

// money formats an estimated value: whole units, grouped, then the ISO
// currency code.
func (f format) money(v float64, currency string) string {
	s := f.int(int64(math.Round(v)))
	if currency != "" {
		s += "\u00a0" + currency
	}
	return s
}

// percent formats a share 0..1 as a whole percentage; Finnish, Estonian
// and Russian put a (no-break) space before the sign.
func (f format) percent(share float64) string {
	n := f.int(int64(math.Round(share * 100)))
	if f.lang == "en" {
		return n + "%"
	}
	return n + "\u00a0%"
}

// country names an ISO 3166 country in the document language, falling
// back to Fieldbook's English name or the code itself.
func (f format) country(code string) string {
	if code == "" {
		return ""
	}
	if r, err := language.ParseRegion(code); err == nil {
		if n := display.Regions(f.tag).Name(r); n != "" {
			return n
		}
	}
	if n := data.CountryName(code); n != "" {
		return n
	}
	return code
}

// fill replaces "{name}" placeholders in a label.
func fill(s string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}
