package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/seminar"
	"github.com/clusme/fieldbook/data/store"
)

// cmdSeminar runs the B2B seminar subcommands.
func cmdSeminar(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("seminar: say what to do: add, schedule, move, outcome, agenda or import")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return seminarAdd(e, rest)
	case "schedule":
		return seminarSchedule(e, rest)
	case "move":
		return seminarMove(e, rest)
	case "outcome":
		return seminarOutcome(e, rest)
	case "agenda":
		return seminarAgenda(e, rest)
	case "import":
		return seminarImport(e, rest)
	}
	return usagef("seminar: unknown subcommand %q (add, schedule, move, outcome, agenda or import)", sub)
}

// noArgs parses flags and refuses positional arguments.
func (e *env) noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), pos[0])
	}
	return nil
}

// requiredID reads an ID flag that must be given.
func requiredID(cmd, flagName, v string) (data.ID, error) {
	if v == "" {
		return "", usagef("%s: --%s ID is required", cmd, flagName)
	}
	return optID(flagName, v)
}

// breakList is the repeatable --break AFTER:MINUTES[:LABEL].
type breakList []data.Break

func (b *breakList) String() string { return fmt.Sprint(*b) }
func (b *breakList) Set(v string) error {
	br, err := seminar.ParseBreak(v)
	if err != nil {
		return err
	}
	*b = append(*b, br)
	return nil
}

func seminarAdd(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar add", flag.ContinueOnError)
	s := &data.Seminar{}
	mission := fs.String("mission", "", "mission ID (required)")
	fs.StringVar(&s.Name, "name", "", "seminar name (required)")
	date := fs.String("date", "", "day of the seminar, YYYY-MM-DD (required)")
	fs.StringVar(&s.FirstSlot, "start", "", "local start of the first slot, HH:MM (required)")
	fs.IntVar(&s.Slots, "slots", 0, "number of slots (required)")
	fs.IntVar(&s.SlotMinutes, "slot-minutes", 0, "length of a slot in minutes, 5 to 240 (required)")
	fs.IntVar(&s.Tables, "tables", 0, "number of tables (required)")
	fs.StringVar(&s.Venue, "venue", "", "venue")
	fs.StringVar(&s.TimeZone, "tz", "", "IANA zone of the venue (default: the mission's)")
	fs.StringVar(&s.Notes, "notes", "", "notes")
	var breaks breakList
	fs.Var(&breaks, "break", "a break AFTER:MINUTES[:LABEL] after slot AFTER (repeatable), e.g. 4:20:Coffee")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	var err error
	if s.Mission, err = requiredID("seminar add", "mission", *mission); err != nil {
		return err
	}
	for _, req := range []struct{ name, v string }{{"name", s.Name}, {"date", *date}, {"start", s.FirstSlot}} {
		if strings.TrimSpace(req.v) == "" {
			return usagef("seminar add: --%s is required", req.name)
		}
	}
	for _, req := range []struct {
		name string
		v    int
	}{{"slots", s.Slots}, {"slot-minutes", s.SlotMinutes}, {"tables", s.Tables}} {
		if req.v == 0 {
			return usagef("seminar add: --%s is required", req.name)
		}
	}
	s.Date, s.Breaks = data.Date(*date), breaks
	if err := seminar.Create(e.ctx, e.st, s); err != nil {
		return err
	}
	slots, _ := seminar.Slots(s)
	last := slots[len(slots)-1]
	fmt.Fprintf(e.out, "%s  %s %s–%s %s, %d slots of %d min, %d tables\n", s.Name, s.Date, slots[0].Clock(),
		last.End.Format("15:04"), s.TimeZone, s.Slots, s.SlotMinutes, s.Tables)
	fmt.Fprintln(e.out, s.ID)
	return nil
}

// slotArg reads --slot as a number or as the slot's local start "HH:MM".
func slotArg(e *env, semID data.ID, v string) (int, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return n, nil
	}
	clock, err := data.ParseClock(v)
	if err != nil {
		return 0, usagef("--slot %q: not a slot number or HH:MM", v)
	}
	sem, err := store.Load[*data.Seminar](e.ctx, e.st, semID)
	if err != nil {
		return 0, badRef("seminar", "seminar", err)
	}
	return seminar.SlotAt(sem, clock)
}

func seminarSchedule(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar schedule", flag.ContinueOnError)
	semFlag := fs.String("seminar", "", "seminar ID (required)")
	slot := fs.String("slot", "", "slot number, or its start HH:MM (required)")
	table := fs.Int("table", 0, "table number (required)")
	delegate := fs.String("delegate", "", "the delegate's contact ID (required)")
	var with strList
	fs.Var(&with, "with", "host organization or contact ID (repeatable; required)")
	title := fs.String("title", "", `title (default "B2B: <delegate's company> – <host company>")`)
	notes := fs.String("notes", "", "notes")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	semID, err := requiredID("seminar schedule", "seminar", *semFlag)
	if err != nil {
		return err
	}
	delID, err := requiredID("seminar schedule", "delegate", *delegate)
	if err != nil {
		return err
	}
	if *slot == "" || *table == 0 || len(with) == 0 {
		return usagef("seminar schedule: --slot, --table and --with are required")
	}
	req := seminar.Request{Table: *table, Delegate: delID, Title: *title, Notes: *notes}
	for _, w := range with {
		id, err := optID("with", w)
		if err != nil {
			return err
		}
		req.With = append(req.With, id)
	}
	if req.Slot, err = slotArg(e, semID, *slot); err != nil {
		return err
	}
	m, err := seminar.Schedule(e.ctx, e.st, semID, req)
	if err != nil {
		return badRef("seminar schedule", "seminar", err)
	}
	fmt.Fprintf(e.out, "slot %d (%s), table %d: %s\n", m.Slot, m.Local().Format("15:04"), m.Table, m.Title)
	fmt.Fprintln(e.out, m.ID)
	return nil
}

func seminarMove(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar move", flag.ContinueOnError)
	meeting := fs.String("meeting", "", "agenda meeting ID (required)")
	slot := fs.String("slot", "", "new slot number, or its start HH:MM (required)")
	table := fs.Int("table", 0, "new table number (required)")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	id, err := requiredID("seminar move", "meeting", *meeting)
	if err != nil {
		return err
	}
	if *slot == "" || *table == 0 {
		return usagef("seminar move: --slot and --table are required")
	}
	m, err := store.Load[*data.Meeting](e.ctx, e.st, id)
	if err != nil {
		return badRef("seminar move", "meeting", err)
	}
	n, err := slotArg(e, m.Seminar, *slot)
	if err != nil {
		return err
	}
	moved, err := seminar.Move(e.ctx, e.st, id, n, *table)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "slot %d (%s), table %d: %s\n", moved.Slot, moved.Local().Format("15:04"), moved.Table, moved.Title)
	return nil
}

func seminarOutcome(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar outcome", flag.ContinueOnError)
	meeting := fs.String("meeting", "", "meeting ID (required)")
	status := fs.String("status", "", "held, no_show, cancelled, moved or scheduled")
	outcome := fs.String("outcome", "", "cooperation_possible, follow_up_meeting, offer_requested, no_interest or other")
	notes := fs.String("notes", "", "notes, added below the meeting's notes")
	followup := fs.String("followup", "", "create a follow-up with this title (\"-\": the default title from the outcome)")
	due := fs.String("due", "", "the follow-up's due date, YYYY-MM-DD (default: a week after the meeting)")
	owner := fs.String("owner", "", "the follow-up's owner (default: the meeting's delegate)")
	asJSON := fs.Bool("json", false, "print the saved meeting (and follow-up) as JSON")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	id, err := requiredID("seminar outcome", "meeting", *meeting)
	if err != nil {
		return err
	}
	if *status == "" && *outcome == "" && *notes == "" && *followup == "" {
		return usagef("seminar outcome: give --status, --outcome, --notes or --followup")
	}
	if (*due != "" || *owner != "") && *followup == "" {
		return usagef("seminar outcome: --due and --owner go with --followup")
	}
	var spec *seminar.FollowUpSpec
	if *followup != "" {
		spec = &seminar.FollowUpSpec{Due: data.Date(*due), Owner: *owner}
		if *followup != "-" {
			spec.Title = *followup
		}
	}
	res, err := seminar.RecordOutcome(e.ctx, e.st, id, data.MeetingStatus(*status), data.Outcome(*outcome), *notes, spec)
	if err != nil {
		return badRef("seminar outcome", "meeting", err)
	}
	if *asJSON {
		out := []data.Record{res.Meeting}
		if res.FollowUp != nil {
			out = append(out, res.FollowUp)
		}
		return e.writeRecords(out)
	}
	m := res.Meeting
	fmt.Fprintf(e.out, "%s: %s", m.Title, m.EffectiveStatus())
	if m.Outcome != "" {
		fmt.Fprintf(e.out, ", %s", m.Outcome)
	}
	fmt.Fprintln(e.out)
	if f := res.FollowUp; f != nil {
		fmt.Fprintf(e.out, "follow-up due %s (%s): %s\n", f.Due, f.Owner, f.Title)
		fmt.Fprintln(e.out, f.ID)
	}
	return nil
}

// writeRecords prints records as a JSON array, as list --json does.
func (e *env) writeRecords(recs []data.Record) error {
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		b, err := recordJSON(r)
		if err != nil {
			return err
		}
		out = append(out, b)
	}
	return writeJSON(e.out, out)
}

func seminarAgenda(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar agenda", flag.ContinueOnError)
	semFlag := fs.String("seminar", "", "seminar ID (required)")
	delegate := fs.String("delegate", "", "one delegate's agenda (default: the room grid)")
	out := fs.String("out", "", "PDF file to write (default: print the agenda as text)")
	asJSON := fs.Bool("json", false, "print the agenda as JSON instead of a PDF")
	if err := e.noArgs(fs, args); err != nil {
		return err
	}
	semID, err := requiredID("seminar agenda", "seminar", *semFlag)
	if err != nil {
		return err
	}
	delID, err := optID("delegate", *delegate)
	if err != nil {
		return err
	}
	if *out != "" {
		if *asJSON {
			return usagef("seminar agenda: --json and --out exclude each other")
		}
		opt := report.Options{Lang: locale.Code(e.lang)}
		err = writeFile(*out, func(w io.Writer) error {
			if delID != "" {
				return report.SeminarAgenda(e.ctx, e.st, semID, delID, opt, w)
			}
			return report.SeminarGrid(e.ctx, e.st, semID, opt, w)
		})
		if err != nil {
			return badRef("seminar agenda", "seminar", err)
		}
		fmt.Fprintln(e.out, *out)
		return nil
	}
	a, err := seminar.Load(e.ctx, e.st, semID)
	if err != nil {
		return badRef("seminar agenda", "seminar", err)
	}
	meetings := a.Meetings
	if delID != "" {
		meetings = a.ForDelegate(delID)
	}
	if *asJSON {
		return writeJSON(e.out, agendaJSON(a, meetings))
	}
	sem := a.Seminar
	fmt.Fprintf(e.out, "%s  %s  %s  %s\n", sem.Name, sem.Date, sem.Venue, sem.TimeZone)
	for _, s := range a.Slots {
		for _, m := range meetings {
			if m.Slot == s.N {
				fmt.Fprintf(e.out, "%s  slot %-2d table %-2d %-9s %s\n", s.Clock(), s.N, m.Table, m.EffectiveStatus(), m.Title)
			}
		}
		if s.Break != nil {
			fmt.Fprintf(e.out, "%s  %s (%d min)\n", s.End.Format("15:04"), strings.TrimSpace("break "+s.Break.Label), s.Break.Minutes)
		}
	}
	return nil
}

// agendaJSON is the agenda as seminar agenda --json prints it.
func agendaJSON(a *seminar.Agenda, meetings []*data.Meeting) any {
	type slotJSON struct {
		Slot  int    `json:"slot"`
		Start string `json:"start"` // local HH:MM
		End   string `json:"end"`
		UTC   string `json:"utc"`
	}
	type meetingJSON struct {
		ID      data.ID            `json:"id"`
		Slot    int                `json:"slot"`
		Table   int                `json:"table"`
		Title   string             `json:"title"`
		Status  data.MeetingStatus `json:"status"`
		Outcome data.Outcome       `json:"outcome,omitempty"`
	}
	var slots []slotJSON
	for _, s := range a.Slots {
		slots = append(slots, slotJSON{s.N, s.Clock(), s.End.Format("15:04"), s.Start.UTC().Format("2006-01-02T15:04:05Z")})
	}
	ms := []meetingJSON{}
	for _, m := range meetings {
		ms = append(ms, meetingJSON{m.ID, m.Slot, m.Table, m.Title, m.EffectiveStatus(), m.Outcome})
	}
	return struct {
		ID       data.ID         `json:"id"`
		Name     string          `json:"name"`
		Date     data.Date       `json:"date"`
		TimeZone string          `json:"tz"`
		Slots    []slotJSON      `json:"slots"`
		Meetings []meetingJSON   `json:"meetings"`
		Summary  seminar.Summary `json:"summary"`
	}{a.Seminar.ID, a.Seminar.Name, a.Seminar.Date, a.Seminar.TimeZone, slots, ms, seminar.Summarize(meetings)}
}

func seminarImport(e *env, args []string) error {
	fs := flag.NewFlagSet("seminar import", flag.ContinueOnError)
	semFlag := fs.String("seminar", "", "seminar ID (required)")
	dry := fs.Bool("dry-run", false, "check and report, save nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) != 1 {
		return usagef("seminar import: give one agenda file (CSV or XLSX)")
	}
	semID, err := requiredID("seminar import", "seminar", *semFlag)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return data.Errorf(data.ErrInvalid, "seminar import: %v", err)
	}
	defer f.Close()
	rep, err := seminar.ImportAgenda(e.ctx, e.st, semID, f, filepath.Base(pos[0]), seminar.ImportOptions{DryRun: *dry})
	if err != nil {
		return badRef("seminar import", "seminar", err)
	}
	if *asJSON {
		if rep.Scheduled == nil {
			rep.Scheduled = []seminar.Scheduled{}
		}
		return writeJSON(e.out, rep)
	}
	verb := "scheduled"
	if *dry {
		verb = "would schedule"
	}
	for _, s := range rep.Scheduled {
		fmt.Fprintf(e.out, "row %d: %s slot %d, table %d: %s\n", s.Row, verb, s.Slot, s.Table, s.Title)
	}
	for _, o := range rep.NewOrgs {
		fmt.Fprintf(e.out, "new host organization: %s\n", o)
	}
	for _, p := range rep.Problems {
		kind := "skipped"
		if p.Warning {
			kind = "warning"
		}
		fmt.Fprintf(e.out, "row %d: %s: %s\n", p.Row, kind, p.Message)
	}
	fmt.Fprintf(e.out, "%d rows: %d %s, %d already on the agenda, %d skipped\n", rep.Rows, len(rep.Scheduled), verb, rep.Unchanged, skipped(rep))
	return nil
}

func skipped(rep *seminar.ImportReport) int {
	n := 0
	for _, p := range rep.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}
