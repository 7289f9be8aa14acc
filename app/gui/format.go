package gui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
)

// formatDate writes a day the way the UI language does (10.3.2026 in
// Finnish, 10.03.2026 in Estonian and Russian, 10 Mar 2026 in English).
func formatDate(d data.Date) string {
	t := d.Time()
	if t.IsZero() {
		return string(d)
	}
	return t.Format(i18n.T("format.date"))
}

// countryLabel names a country in the UI language.
func countryLabel(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	tag := language.Make(i18n.Language())
	if n := display.Regions(tag).Name(r); n != "" {
		return n
	}
	return code
}

// formatMoney writes an amount with the UI language's digit grouping.
func formatMoney(v float64, currency string) string {
	p := message.NewPrinter(language.Make(i18n.Language()))
	return p.Sprintf("%.0f", v) + " " + currency
}

// zoneName is the IANA name of loc. For the OS's local zone Go only knows
// "Local", so it is read from TZ or the /etc/localtime link, falling back
// to the zone's abbreviation.
func zoneName(loc *time.Location) string {
	if loc.String() != "Local" {
		return loc.String()
	}
	if tz := os.Getenv("TZ"); tz != "" && !strings.HasPrefix(tz, ":") {
		return tz
	}
	if target, err := filepath.EvalSymlinks("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			return name
		}
	}
	abbr, _ := time.Now().In(loc).Zone()
	return abbr
}
