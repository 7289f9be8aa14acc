package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/store"
)

// mapFlags is the repeatable --map COLUMN=FIELD.
type mapFlags map[string]string

func (m mapFlags) String() string { return fmt.Sprint(map[string]string(m)) }
func (m mapFlags) Set(v string) error {
	col, field, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(col) == "" || strings.TrimSpace(field) == "" {
		return fmt.Errorf("%q is not COLUMN=FIELD", v)
	}
	m[strings.TrimSpace(col)] = strings.TrimSpace(field)
	return nil
}

// exportFormats says which formats each kind of export takes.
var exportFormats = map[string][]string{
	"followups": {"csv", "xlsx", "ics", "pdf"},
	"contacts":  {"csv", "xlsx", "vcf"},
	"all":       {"json"},
}

// cmdExport writes follow-ups, contacts or everything to a file.
func cmdExport(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("export: say what to export: followups, contacts or all")
	}
	what := args[0]
	formats, ok := exportFormats[what]
	if !ok {
		return usagef("export: %q: want followups, contacts or all", what)
	}
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	format := fs.String("format", "", strings.Join(formats, ", "))
	mission := fs.String("mission", "", "only this mission's records")
	status := fs.String("status", "", "follow-ups with this status (open, in_progress, done, dropped)")
	owner := fs.String("owner", "", "follow-ups of this owner")
	dueFrom := fs.String("due-from", "", "follow-ups due on or after this date")
	dueTo := fs.String("due-to", "", "follow-ups due on or before this date")
	includePrivate := fs.Bool("include-private", false, "include records marked private (never included otherwise)")
	sep := fs.String("sep", ",", `CSV separator: "," or ";" (";" suits Excel in Finnish, Estonian and Russian)`)
	out := fs.String("out", "", "file to write (required)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("export: unexpected argument %q", pos[0])
	}
	// A filter that does not apply to what is exported is a mistake.
	applies := map[string][]string{
		"status": {"followups"}, "owner": {"followups"}, "due-from": {"followups"}, "due-to": {"followups"},
		"sep": {"followups", "contacts"},
	}
	var bad error
	fs.Visit(func(fl *flag.Flag) {
		if ws, ok := applies[fl.Name]; ok && !slices.Contains(ws, what) && bad == nil {
			bad = usagef("export %s: --%s does not apply to %s", what, fl.Name, what)
		}
	})
	if bad != nil {
		return bad
	}
	if !slices.Contains(formats, *format) {
		return usagef("export %s: --format %q: want %s", what, *format, strings.Join(formats, ", "))
	}
	if *out == "" {
		return usagef("export: --out FILE is required")
	}
	if *sep != "," && *sep != ";" {
		return usagef(`export: --sep %q: want "," or ";"`, *sep)
	}
	f := exchange.Filter{Owner: *owner, Status: data.Status(*status), IncludePrivate: *includePrivate}
	if f.Mission, err = optID("mission", *mission); err != nil {
		return err
	}
	switch f.Status {
	case "", data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped:
	default:
		return usagef("export: --status %q: want open, in_progress, done or dropped", *status)
	}
	for _, d := range []struct {
		flag string
		val  string
		dst  *data.Date
	}{{"due-from", *dueFrom, &f.DueFrom}, {"due-to", *dueTo, &f.DueTo}} {
		if d.val == "" {
			continue
		}
		if *d.dst, err = data.ParseDate(d.val); err != nil {
			return usagef("export: --%s: %v", d.flag, err)
		}
	}
	if f.Mission != "" {
		if _, err := store.Load[*data.Mission](e.ctx, e.st, f.Mission); err != nil {
			return badRef("export", "mission", err)
		}
	}
	if f.DueFrom != "" && f.DueTo != "" && f.DueTo < f.DueFrom {
		return usagef("export: --due-to %s is before --due-from %s", f.DueTo, f.DueFrom)
	}
	opt := exchange.Options{Sep: rune((*sep)[0]), Lang: locale.Code(e.lang)}
	var n int
	err = writeFile(*out, func(w io.Writer) error {
		var err error
		switch {
		case *format == "pdf":
			n, err = e.followUpPDF(f, w)
		case what == "followups":
			n, err = exchange.ExportFollowUps(e.ctx, e.st, f, exchange.Format(*format), opt, w)
		case *format == "vcf":
			n, err = exchange.ExportVCards(e.ctx, e.st, f, nil, "3.0", w)
		case what == "contacts":
			n, err = exchange.ExportContacts(e.ctx, e.st, f, exchange.Format(*format), opt, w)
		default:
			n, err = exchange.ExportAll(e.ctx, e.st, f, opt, w)
		}
		return err
	})
	if err != nil {
		return err
	}
	noun := map[string]string{"followups": "follow-ups", "contacts": "contacts", "all": "records"}[what]
	fmt.Fprintf(e.out, "%d %s\n%s\n", n, noun, *out)
	return nil
}

// followUpPDF prints the follow-up list as a PDF document, selected
// exactly as the other export formats select it.
func (e *env) followUpPDF(f exchange.Filter, w io.Writer) (int, error) {
	items, m, err := exchange.SelectFollowUps(e.ctx, e.st, f)
	if err != nil {
		return 0, err
	}
	title := ""
	if m != nil {
		title = m.Name
	}
	return len(items), report.FollowUpList(e.ctx, e.st, items, title, report.Options{Lang: locale.Code(e.lang)}, w)
}

// cmdImport reads a participant or agenda list (CSV, XLSX) or a Fieldbook
// JSON export and prints what it changed (or, with --dry-run, would change).
func cmdImport(e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	mission := fs.String("mission", "", "mission that agenda rows (meeting time, table) belong to")
	m := mapFlags{}
	fs.Var(m, "map", "COLUMN=FIELD: read COLUMN as FIELD (given_name, family_name, name, company, country, email, phone, title, meeting_time, meeting_date, table, notes, ignore); repeatable")
	dryRun := fs.Bool("dry-run", false, "show what would change, change nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) != 1 {
		return usagef("import: give one file to import")
	}
	opt := exchange.ImportOptions{Map: m, DryRun: *dryRun}
	if opt.Mission, err = optID("mission", *mission); err != nil {
		return err
	}
	if opt.Mission != "" {
		if _, err := store.Load[*data.Mission](e.ctx, e.st, opt.Mission); err != nil {
			return badRef("import", "mission", err)
		}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	rep, err := exchange.Import(e.ctx, e.st, filepath.Base(pos[0]), f, opt)
	if err != nil {
		if rep != nil && rep.Applied {
			// Part of it was written before the failure: say what.
			printImportReport(e.errOut, rep)
		}
		return err
	}
	if *asJSON {
		err = writeJSON(e.out, rep)
	} else {
		printImportReport(e.out, rep)
	}
	if err == nil && len(rep.Changes) == 0 && len(rep.Problems) > 0 {
		// Not one row could be read: bad input, not a partial import.
		return data.Errorf(data.ErrInvalid, "import: none of the %d rows could be imported (see the problems above)", rep.Rows)
	}
	return err
}

// printImportReport prints counts, then every problem by row, then the
// changes by action.
func printImportReport(w io.Writer, rep *exchange.ImportReport) {
	counts := map[string]int{}
	for _, c := range rep.Changes {
		counts[c.Action]++
	}
	verb := "imported"
	if !rep.Applied {
		verb = "dry run, nothing changed"
	}
	fmt.Fprintf(w, "%s: %d rows (%s); create %d, update %d, unchanged %d; %d problems\n",
		rep.Format, rep.Rows, verb, counts["create"], counts["update"], counts["unchanged"], len(rep.Problems))
	cols := make([]string, 0, len(rep.Columns))
	for c := range rep.Columns {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		fmt.Fprintf(w, "column %q → %s\n", c, rep.Columns[c])
	}
	for _, p := range rep.Problems {
		if p.Column != "" {
			fmt.Fprintf(w, "row %d, %s %q: %s\n", p.Row, p.Column, p.Value, p.Msg)
		} else {
			fmt.Fprintf(w, "row %d: %s\n", p.Row, p.Msg)
		}
	}
	for _, c := range rep.Changes {
		if c.Action == "unchanged" {
			continue
		}
		extra := ""
		if len(c.Fields) > 0 {
			extra = " (" + strings.Join(c.Fields, ", ") + ")"
		}
		fmt.Fprintf(w, "%-6s %-8s %s  %s%s\n", c.Action, c.Kind, c.ID, c.Label, extra)
	}
}
