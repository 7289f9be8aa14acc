package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// strList is a repeatable flag (--email a --email b), also accepting
// comma-separated values.
type strList []string

func (s *strList) String() string { return strings.Join(*s, ",") }
func (s *strList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

func ids(ss []string) []data.ID {
	out := make([]data.ID, len(ss))
	for i, s := range ss {
		out[i] = data.ID(strings.ToUpper(s))
	}
	return out
}

func parseID(s string) (data.ID, error) {
	id, err := data.ParseID(strings.TrimSpace(s))
	if err != nil {
		return "", usageError{err.Error()}
	}
	return id, nil
}

func cmdDemo(e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	scale := fs.Int("scale", 0, "also generate N synthetic records")
	seed := fs.Uint64("seed", 1, "seed for the synthetic records")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("demo takes no arguments, got %q", pos[0])
	}
	if *scale < 0 || *scale > 10_000_000 {
		return usagef("demo: --scale %d: must be between 0 and 10000000", *scale)
	}
	res, err := sample.Load(e.ctx, e.st)
	if err != nil {
		return fmt.Errorf("load sample missions: %w", err)
	}
	fmt.Fprintf(e.out, "sample missions: %d records created, %d already present\n", res.Created, res.Skipped)
	if *scale > 0 {
		start := time.Now()
		last := time.Now()
		gen, err := sample.LoadGenerated(e.ctx, e.st, *seed, *scale, func(done int) {
			if time.Since(last) > 2*time.Second {
				last = time.Now()
				fmt.Fprintf(e.errOut, "generating: %d of %d\n", done, *scale)
			}
		})
		if err != nil {
			return fmt.Errorf("generate records: %w", err)
		}
		if gen.Created > 0 {
			if err := e.st.Settle(e.ctx); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.out, "synthetic records (seed %d): %d created, %d already present in %.1fs\n", *seed, gen.Created, gen.Skipped, time.Since(start).Seconds())
	}
	return nil
}

func cmdList(e *env, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	mission := fs.String("mission", "", "only this mission's meetings, seminars or follow-ups")
	org := fs.String("org", "", "only this organization's contacts, meetings or follow-ups")
	status := fs.String("status", "", "follow-ups with this status (open, in_progress, done, dropped)")
	owner := fs.String("owner", "", "follow-ups of this owner")
	orgKind := fs.String("kind", "", "organizations of this kind (member, host, partner, provider)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) != 1 {
		return usagef("list: say what to list: missions, orgs, contacts, meetings, seminars or followups")
	}
	kind, err := data.ParseKind(pos[0])
	if err != nil {
		return err
	}
	// A filter that does not apply to the kind is a mistake, not a no-op.
	applies := map[string][]data.Kind{
		"mission": {data.KindMeeting, data.KindSeminar, data.KindFollowUp},
		"org":     {data.KindContact, data.KindMeeting, data.KindFollowUp},
		"status":  {data.KindFollowUp},
		"owner":   {data.KindFollowUp},
		"kind":    {data.KindOrg},
	}
	var bad error
	fs.Visit(func(f *flag.Flag) {
		if ks, ok := applies[f.Name]; ok && !slices.Contains(ks, kind) && bad == nil {
			bad = usagef("list %s: --%s does not apply to %s", pos[0], f.Name, pos[0])
		}
	})
	if bad != nil {
		return bad
	}
	q := store.Query{Kind: kind, Status: data.Status(*status), Owner: *owner, OrgKind: data.OrgKind(*orgKind)}
	if q.Mission, err = optID("mission", *mission); err != nil {
		return err
	}
	if q.Org, err = optID("org", *org); err != nil {
		return err
	}
	switch q.Status {
	case "", data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped:
	default:
		return usagef("list: --status %q: want open, in_progress, done or dropped", *status)
	}
	switch q.OrgKind {
	case "", data.OrgMember, data.OrgHost, data.OrgPartner, data.OrgProvider:
	default:
		return usagef("list: --kind %q: want member, host, partner or provider", *orgKind)
	}
	recs, err := e.st.List(e.ctx, q)
	if err != nil {
		return err
	}
	switch kind {
	case data.KindOrg, data.KindContact, data.KindAttachment:
		locale.SortFunc(locale.NewCollator(e.lang), recs, sortName)
	case data.KindMission:
		locale.SortFunc(locale.NewCollator(e.lang), recs, func(r data.Record) string { return string(r.(*data.Mission).Start) + " " + r.Label() })
	case data.KindSeminar:
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].(*data.Seminar).Date < recs[j].(*data.Seminar).Date })
	case data.KindMeeting:
		// Listed by mission they come in time order from the index; across
		// missions, sort them the same way.
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].(*data.Meeting).Start.Before(recs[j].(*data.Meeting).Start) })
	}
	if *asJSON {
		return e.writeRecords(recs)
	}
	for _, r := range recs {
		fmt.Fprintf(e.out, "%s  %s\n", r.Meta().ID, summary(r))
	}
	return nil
}

// recordJSON is a record as --json prints it: its fields, preceded by
// "type" (mission, org, contact, meeting, seminar, followup, attachment) so a script
// can tell what it got.
func recordJSON(r data.Record) (json.RawMessage, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return append([]byte(`{"type":"`+string(r.Kind())+`",`), b[1:]...), nil
}

// sortName is what a name list sorts by: family name first for people.
func sortName(r data.Record) string {
	if c, ok := r.(*data.Contact); ok {
		return c.FamilyName + " " + c.GivenName
	}
	return r.Label()
}

// summary is a record's one-line description in lists.
func summary(r data.Record) string {
	switch x := r.(type) {
	case *data.Mission:
		return fmt.Sprintf("%s – %s  %s  %s (%s)", x.Start, x.End, x.Country, x.Name, x.TimeZone)
	case *data.Organization:
		return fmt.Sprintf("%-8s  %s  %s", x.OrgKind, x.Name, strings.TrimSpace(x.City+" "+x.Country))
	case *data.Contact:
		return strings.TrimSpace(fmt.Sprintf("%s  %s", x.Label(), x.Title))
	case *data.Meeting:
		return fmt.Sprintf("%s %s  %-11s  %s", x.Local().Format("2006-01-02 15:04"), x.Local().Format("MST"), x.MeetingKind, x.Title)
	case *data.Seminar:
		return fmt.Sprintf("%s %s  %d slots × %d min, %d tables  %s (%s)", x.Date, x.FirstSlot, x.Slots, x.SlotMinutes, x.Tables, x.Name, x.TimeZone)
	case *data.FollowUp:
		return fmt.Sprintf("%s  %-11s  %s  %s", x.Due, x.Status, x.Title, x.Owner)
	case *data.Attachment:
		return fmt.Sprintf("%s  %s  %d bytes", x.Name, x.MediaType, x.Size)
	}
	return r.Label()
}

// oneID parses a command's flags and its single record-ID argument.
func (e *env) oneID(fs *flag.FlagSet, args []string) (data.ID, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return "", e.help(err)
	}
	if len(pos) != 1 {
		return "", usagef("%s: give one record ID", fs.Name())
	}
	return parseID(pos[0])
}

func cmdShow(e *env, args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print a JSON object")
	id, err := e.oneID(fs, args)
	if err != nil {
		return err
	}
	rec, err := e.st.Get(e.ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := recordJSON(rec)
		if err != nil {
			return err
		}
		return writeJSON(e.out, b)
	}
	return e.showText(rec)
}

// showText prints "field: value" lines in the record's field order, with
// the names of linked records and meeting times in local and UTC time.
func (e *env) showText(rec data.Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	fmt.Fprintf(e.out, "%-16s %s\n", "type:", rec.Kind())
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		fmt.Fprintf(e.out, "%-16s %s\n", name+":", e.showValue(rec, name, raw))
	}
	return nil
}

func (e *env) showValue(rec data.Record, name string, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if m, ok := rec.(*data.Meeting); ok && name == "start" {
			return m.Local().Format("2006-01-02 15:04 MST") + " (" + m.Start.Format("2006-01-02 15:04 UTC") + ")"
		}
		if id, err := data.ParseID(s); err == nil && name != "id" {
			return s + e.refName(id)
		}
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		for i, x := range list {
			if id, err := data.ParseID(x); err == nil {
				list[i] = x + e.refName(id)
			}
		}
		return strings.Join(list, "; ")
	}
	return string(raw)
}

func (e *env) refName(id data.ID) string {
	r, err := e.st.Get(e.ctx, id)
	if err != nil {
		return " (missing)"
	}
	return " (" + r.Label() + ")"
}

func cmdSearch(e *env, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "at most N hits")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) == 0 {
		return usagef("search: give the words to look for")
	}
	if *limit <= 0 {
		return usagef("search: --limit must be positive")
	}
	query := strings.Join(pos, " ")
	if len(locale.Tokens(query)) == 0 {
		return usagef("search: %q has no words to look for", query)
	}
	hits, err := e.st.Search(e.ctx, query, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		type jsonHit struct {
			Type  data.Kind `json:"type"`
			ID    data.ID   `json:"id"`
			Label string    `json:"label"`
			Score int       `json:"score"`
		}
		out := make([]jsonHit, 0, len(hits))
		for _, h := range hits {
			out = append(out, jsonHit{h.Kind, h.ID, h.Label, h.Score})
		}
		return writeJSON(e.out, out)
	}
	for _, h := range hits {
		fmt.Fprintf(e.out, "%-10s %s  %s\n", h.Kind, h.ID, h.Label)
	}
	return nil
}

func cmdSet(e *env, args []string) error {
	pos, err := parse(flag.NewFlagSet("set", flag.ContinueOnError), args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) < 2 {
		return usagef("set: give a record ID and at least one FIELD=VALUE")
	}
	id, err := parseID(pos[0])
	if err != nil {
		return err
	}
	rec, err := e.st.Get(e.ctx, id)
	if err != nil {
		return err
	}
	// A meeting's zone is applied before its start, so "start=… tz=…"
	// reads the start in the new zone whatever the order of the arguments.
	// Changing only the zone keeps the instant the meeting happened.
	edits := pos[1:]
	sort.SliceStable(edits, func(i, j int) bool {
		return strings.HasPrefix(edits[i], "tz=") && !strings.HasPrefix(edits[j], "tz=")
	})
	for _, kv := range edits {
		field, value, ok := strings.Cut(kv, "=")
		if !ok || field == "" {
			return usagef("set: %q is not FIELD=VALUE", kv)
		}
		if err := data.SetField(rec, field, value); err != nil {
			return err
		}
	}
	if err := e.st.Update(e.ctx, rec); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "updated %s %s\n", rec.Kind(), id)
	return nil
}

func cmdDelete(e *env, args []string) error {
	id, err := e.oneID(flag.NewFlagSet("delete", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if err := e.st.Delete(e.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "deleted %s\n", id)
	return nil
}
