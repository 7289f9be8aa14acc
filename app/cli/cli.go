// Package cli holds Fieldbook's headless commands: the command-line
// contract in DESIGN.md that scripts, tests and the cluster office rely on.
// It parses the global flags, opens the store and runs one command; with no
// command it hands over to the GUI through a function main passes in, so
// this package never imports Fyne.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/store"
)

// Version of Fieldbook.
const Version = "0.1.0"

// GUIOptions is what the GUI needs from the command line.
type GUIOptions struct {
	DataDir string
	Lang    language.Tag
	// LangSet is true when --lang was given (else the GUI's own setting wins).
	LangSet bool
	Verbose bool
}

// GUIFunc starts the GUI; main passes it in.
type GUIFunc func(GUIOptions) error

// env is what every command gets.
type env struct {
	ctx     context.Context
	out     io.Writer
	errOut  io.Writer
	dataDir string
	lang    language.Tag
	verbose bool
	// passFile is --passphrase-file: the store passphrase (and, for
	// backup and restore, the backup's).
	passFile string
	st       *store.Store
}

// usageError is bad usage or bad input: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

type command struct {
	name    string
	args    string
	help    string
	noStore bool
	// storeless says, for commands where it depends on the arguments,
	// that this run needs no store (so it works while the GUI has it open).
	storeless func(args []string) bool
	run       func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{name: "version", help: "print the version", noStore: true, run: cmdVersion},
		{name: "demo", args: "[--scale N] [--seed S]", help: "load the sample missions (idempotent); --scale adds N synthetic records", run: cmdDemo},
		{name: "stats", args: "[--json]", help: "number of records of each type", run: cmdStats},
		{name: "list", args: "missions|orgs|contacts|meetings|seminars|followups [--mission ID] [--org ID] [--status S] [--owner NAME] [--json]", help: "list records", run: cmdList},
		{name: "show", args: "ID [--json]", help: "show one record", run: cmdShow},
		{name: "search", args: "QUERY [--limit N] [--json]", help: "search all records (case and accents ignored; Cyrillic names found in Latin spelling too)", run: cmdSearch},
		{name: "add", args: "mission|org|contact|meeting|followup [flags]", help: "create a record; prints its ID last", run: cmdAdd},
		{name: "set", args: "ID FIELD=VALUE...", help: "edit fields (FIELD as in show --json)", run: cmdSet},
		{name: "delete", args: "ID", help: "delete a record (kept as a tombstone for sync)", run: cmdDelete},
		{name: "me", args: "set --name N [--org NAME] [--title T] [--email E] [--phone P] [--mobile M] [--website U] [--address A] | show [--json]", help: "my own business card (kept on this device)", run: cmdMe},
		{name: "card", args: "decode IMAGE... | import FILE... [--mission ID] [--dry-run] | qr (--me|--contact ID) --out FILE.png | export (--all|--mission ID|--contact ID) [--version 3.0|4.0] --out FILE.vcf | sheet (--me|--contact ID) --out FILE.pdf", help: "business cards: read QR codes, import vCard/MECARD, draw my card as a QR code, export vCards", run: cmdCard,
			storeless: func(args []string) bool { return len(args) > 0 && args[0] == "decode" }},
		{name: "passphrase", args: "set|change|remove [--passphrase-file F] [--new-passphrase-file F]", help: "encrypt the data at rest with a passphrase, change it, or decrypt", noStore: true, run: cmdPassphrase},
		{name: "backup", args: "--out FILE --passphrase-file F", help: "write an encrypted backup of everything", noStore: true, run: cmdBackup},
		{name: "restore", args: "FILE --passphrase-file F [--plaintext]", help: "restore a backup into an empty data directory", noStore: true, run: cmdRestore},
		{name: "erase", args: "ID", help: "remove a person's data for good (GDPR); the erasure syncs as a tombstone", noStore: true, run: cmdErase},
		{name: "brochure", args: "--org ID [--lang en|fi|et|ru] --out FILE.pdf", help: "a company's one-page brochure with a QR code of its contact", run: docCommand("brochure", "org", report.Brochure)},
		{name: "catalogue", args: "--mission ID [--lang L] --out FILE.pdf", help: "the delegation catalogue: cover, contents, one page per member company, contacts", run: docCommand("catalogue", "mission", report.Catalogue)},
		{name: "report", args: "--mission ID [--lang L] --out FILE.pdf", help: "what the mission achieved: meetings, opportunities, follow-ups, with charts", run: docCommand("report", "mission", report.Report)},
		{name: "export", args: "followups|contacts|all --format csv|xlsx|ics|vcf|json|pdf --out FILE [--mission ID] [--status S] [--owner NAME] [--due-from D] [--due-to D] [--include-private] [--sep ,|;]", help: "export follow-ups (CSV, Excel, iCalendar, PDF), contacts (CSV, Excel, vCard) or everything (JSON)", run: cmdExport},
		{name: "import", args: "FILE [--mission ID] [--map COLUMN=FIELD]... [--dry-run] [--json]", help: "import a participant or agenda list (CSV, Excel) or a Fieldbook JSON export", run: cmdImport},
		{name: "seminar", args: "add --mission ID --name N --date DATE --start HH:MM --slots N --slot-minutes M --tables T [--venue V] [--tz ZONE] [--break AFTER:MINUTES[:LABEL]]... | " +
			"schedule --seminar ID --slot N|HH:MM --table T --delegate ID --with ID... [--title T] | move --meeting ID --slot N --table T | " +
			"outcome --meeting ID [--status held|no_show|cancelled|moved] [--outcome O] [--notes N] [--followup TITLE|-] [--due DATE] [--owner NAME] | " +
			"agenda --seminar ID [--delegate ID] [--out FILE.pdf] [--json] | import --seminar ID FILE [--dry-run] [--json]",
			help: "B2B seminars: slots and tables, agenda meetings without double-booking, outcomes and follow-ups, agenda PDFs, agenda import", run: cmdSeminar},
		{name: "sync", args: "[--folder DIR | --webdav URL [--user U] [--password-file F]] [--key-file F] [--confirm-deletes] [--accept-clock] [--new-device] [--json] | status [--json] | key new | key set CODE|--file F | key show [--qr FILE.png]",
			help: "sync everyone's notes through a shared folder or WebDAV, encrypted with the delegation key; the location is remembered", run: cmdSync},
		{name: "conflicts", args: "list [--json] | resolve ID --keep mine|theirs | --other | --value V", help: "values that lost a sync merge to a concurrent edit: review and resolve", run: cmdConflicts},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer, gui GUIFunc) int {
	err := run(args, stdout, stderr, gui)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "fieldbook: "+oneLine(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, data.ErrInvalid) {
		return 2
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func run(args []string, stdout, stderr io.Writer, gui GUIFunc) error {
	fs := flag.NewFlagSet("fieldbook", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dataDir := fs.String("data", "", "data directory (default: the user config dir)")
	lang := fs.String("lang", "", "language: en, fi, et or ru (default: from the OS)")
	verbose := fs.Bool("verbose", false, "log storage details to stderr")
	passFile := fs.String("passphrase-file", "", "file holding the passphrase of an encrypted store")
	if err := fs.Parse(hoistGlobals(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return err
		}
		return usagef("%v (see fieldbook --help)", err)
	}
	e := &env{ctx: context.Background(), out: stdout, errOut: stderr, verbose: *verbose, passFile: *passFile}
	e.lang = locale.Match(*lang, os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG"))
	if *lang != "" {
		t := locale.Match(*lang)
		if locale.Code(t) != strings.ToLower(strings.SplitN(strings.ReplaceAll(*lang, "_", "-"), "-", 2)[0]) {
			return usagef("--lang %q: not a supported language (en, fi, et, ru)", *lang)
		}
		e.lang = t
	}
	e.dataDir = *dataDir
	if e.dataDir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			return err
		}
		e.dataDir = d
	}
	if fs.NArg() == 0 {
		if gui == nil {
			return usagef("no command given (see fieldbook --help)")
		}
		return gui(GUIOptions{DataDir: e.dataDir, Lang: e.lang, LangSet: *lang != "", Verbose: *verbose})
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	if name == "help" {
		printUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if !c.noStore && (c.storeless == nil || !c.storeless(rest)) {
			st, err := e.openStore()
			if err != nil {
				return err
			}
			e.st = st
			defer st.Close()
		}
		return c.run(e, rest)
	}
	return usagef("unknown command %q (see fieldbook --help)", name)
}

// hoistGlobals moves the global flags to the front wherever they were
// typed, so "fieldbook stats --data DIR" works like "fieldbook --data DIR
// stats". Everything after a literal "--" is left alone.
func hoistGlobals(args []string) []string {
	var globals, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		isFlag := strings.HasPrefix(a, "-")
		switch {
		case isFlag && (name == "data" || name == "lang" || name == "passphrase-file"):
			globals = append(globals, a)
			if !hasValue && i+1 < len(args) {
				i++
				globals = append(globals, args[i])
			}
		case isFlag && name == "verbose":
			globals = append(globals, a)
		default:
			rest = append(rest, a)
		}
	}
	return append(globals, rest...)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, `Fieldbook — meetings, contacts and follow-ups for trade-mission delegations.

Usage:
  fieldbook [--data DIR] [--lang TAG]              open the GUI
  fieldbook [--data DIR] COMMAND [flags]           run one command and exit

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, `
Global flags:
  --data DIR    data directory (default: the OS user config dir + /fieldbook)
  --lang TAG    en, fi, et or ru (sorting of names; GUI language)
  --verbose     log storage details to stderr
  --passphrase-file F
                unlock an encrypted store (or FIELDBOOK_PASSPHRASE_FILE=F)

Add flags (see "fieldbook add TYPE --help"). Dates are YYYY-MM-DD, times
"YYYY-MM-DD HH:MM" in the meeting's zone, zones IANA names, IDs the ULIDs
that --json prints. Exit codes: 0 success, 1 failure, 2 bad usage or input.`)
}

// parse parses flags that may come before, between or after positional
// arguments ("show ID --json"), and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				var b strings.Builder
				fs.SetOutput(&b)
				fmt.Fprintf(&b, "Usage of %s:\n", fs.Name())
				fs.PrintDefaults()
				return nil, helpError{b.String()}
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// helpError carries a subcommand's --help text: printed to stdout, exit 0.
type helpError struct{ text string }

func (h helpError) Error() string { return "help" }
func (h helpError) Unwrap() error { return flag.ErrHelp }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func cmdVersion(e *env, args []string) error {
	if _, err := parse(flag.NewFlagSet("version", flag.ContinueOnError), args); err != nil {
		return e.help(err)
	}
	fmt.Fprintf(e.out, "fieldbook %s (schema %d, %s %s/%s)\n", Version, store.SchemaVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// help prints a helpError's text and turns it into success.
func (e *env) help(err error) error {
	var h helpError
	if errors.As(err, &h) {
		fmt.Fprint(e.out, h.text)
		return flag.ErrHelp
	}
	return err
}

func cmdStats(e *env, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("stats takes no arguments, got %q", pos[0])
	}
	st := e.st.Stats(e.ctx)
	if *asJSON {
		m := map[string]int{}
		for k, n := range st {
			m[string(k)] = n
		}
		return writeJSON(e.out, m)
	}
	for _, k := range data.Kinds {
		fmt.Fprintf(e.out, "%-11s %d\n", k, st[k])
	}
	return nil
}
