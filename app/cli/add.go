package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// cmdAdd creates one record from flags and prints its ID as the last line.
func cmdAdd(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("add: say what to add: mission, org, contact, meeting or followup")
	}
	kind, err := data.ParseKind(args[0])
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("add "+string(kind), flag.ContinueOnError)
	var build func() (data.Record, error)
	switch kind {
	case data.KindMission:
		build = addMission(fs)
	case data.KindOrg:
		build = addOrg(fs)
	case data.KindContact:
		build = addContact(fs)
	case data.KindMeeting:
		build = addMeeting(e, fs)
	case data.KindFollowUp:
		build = addFollowUp(e, fs)
	default:
		return usagef("add: cannot add %s records from the command line", kind)
	}
	conf := fs.String("confidentiality", "", "shared (default), office or private")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("add %s: unexpected argument %q (values go after flags, e.g. --name \"…\")", kind, pos[0])
	}
	rec, err := build()
	if err != nil {
		return err
	}
	if *conf != "" {
		rec.Meta().Confidentiality = data.Confidentiality(*conf)
	}
	if err := e.st.Create(e.ctx, rec); err != nil {
		return err
	}
	fmt.Fprintln(e.out, rec.Meta().ID)
	return nil
}

func optID(flagName, s string) (data.ID, error) {
	if s == "" {
		return "", nil
	}
	id, err := data.ParseID(strings.TrimSpace(s))
	if err != nil {
		return "", usagef("--%s: %v", flagName, err)
	}
	return id, nil
}

func addMission(fs *flag.FlagSet) func() (data.Record, error) {
	m := &data.Mission{}
	fs.StringVar(&m.Name, "name", "", "mission name (required)")
	fs.StringVar(&m.Country, "country", "", "target country, ISO code such as ZA or UZ (required)")
	start := fs.String("start", "", "first day, YYYY-MM-DD (required)")
	end := fs.String("end", "", "last day, YYYY-MM-DD (required)")
	fs.StringVar(&m.TimeZone, "tz", "", "IANA time zone of the target market, e.g. Africa/Johannesburg (required)")
	var cities strList
	fs.Var(&cities, "city", "a city visited (repeatable)")
	fs.StringVar(&m.Sector, "sector", "", "sector")
	fs.StringVar(&m.Cluster, "cluster", "", "cluster")
	fs.StringVar(&m.Objectives, "objectives", "", "objectives")
	return func() (data.Record, error) {
		m.Start, m.End, m.Cities = data.Date(*start), data.Date(*end), cities
		return m, nil
	}
}

func addOrg(fs *flag.FlagSet) func() (data.Record, error) {
	o := &data.Organization{}
	fs.StringVar(&o.Name, "name", "", "organization name (required)")
	kind := fs.String("kind", "", "member, host, partner or provider (required)")
	fs.StringVar(&o.Country, "country", "", "ISO country code")
	fs.StringVar(&o.City, "city", "", "city")
	fs.StringVar(&o.Website, "website", "", "web address, https://…")
	fs.StringVar(&o.Sector, "sector", "", "sector")
	fs.StringVar(&o.Email, "email", "", "e-mail address")
	fs.StringVar(&o.Phone, "phone", "", "phone number")
	return func() (data.Record, error) {
		o.OrgKind = data.OrgKind(*kind)
		return o, nil
	}
}

func addContact(fs *flag.FlagSet) func() (data.Record, error) {
	c := &data.Contact{Source: "manual"}
	fs.StringVar(&c.GivenName, "given", "", "given name")
	fs.StringVar(&c.FamilyName, "family", "", "family name")
	org := fs.String("org", "", "organization ID")
	var emails, phones, langs strList
	fs.Var(&emails, "email", "e-mail address (repeatable)")
	fs.Var(&phones, "phone", "phone number (repeatable)")
	fs.Var(&langs, "language", "language spoken, e.g. ru (repeatable)")
	fs.StringVar(&c.Title, "title", "", "job title")
	fs.StringVar(&c.Notes, "notes", "", "notes")
	return func() (data.Record, error) {
		var err error
		if c.Org, err = optID("org", *org); err != nil {
			return nil, err
		}
		c.Emails, c.Phones, c.Languages = emails, phones, langs
		return c, nil
	}
}

func addMeeting(e *env, fs *flag.FlagSet) func() (data.Record, error) {
	m := &data.Meeting{}
	mission := fs.String("mission", "", "mission ID (required)")
	fs.StringVar(&m.Title, "title", "", "title (required)")
	start := fs.String("start", "", `start, "YYYY-MM-DD HH:MM" in the meeting's zone (required)`)
	fs.StringVar(&m.TimeZone, "tz", "", "IANA zone where the meeting happens (default: the mission's)")
	kind := fs.String("kind", "", "plant_visit, b2b, fair, seminar or other")
	var orgs, contacts, delegates, tags strList
	fs.Var(&orgs, "org", "organization ID (repeatable)")
	fs.Var(&contacts, "contact", "attendee contact ID (repeatable)")
	fs.Var(&delegates, "delegate", "delegate contact ID (repeatable)")
	fs.Var(&tags, "tag", "tag (repeatable)")
	fs.StringVar(&m.Notes, "notes", "", "notes")
	fs.StringVar(&m.Location, "location", "", "location")
	fs.IntVar(&m.DurationMin, "duration", 0, "duration in minutes")
	interest := fs.String("interest", "", "cold, warm or hot")
	private := fs.Bool("private", false, "private: never synced or exported")
	return func() (data.Record, error) {
		var err error
		if *mission == "" {
			return nil, usagef("add meeting: --mission is required")
		}
		if m.Mission, err = optID("mission", *mission); err != nil {
			return nil, err
		}
		ms, err := store.Load[*data.Mission](e.ctx, e.st, m.Mission)
		if err != nil {
			return nil, badRef("add meeting", "mission", err)
		}
		if m.TimeZone == "" {
			m.TimeZone = ms.TimeZone
		}
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			return nil, usagef("add meeting: --tz %q is not an IANA time zone", m.TimeZone)
		}
		if *start == "" {
			return nil, usagef("add meeting: --start is required (\"YYYY-MM-DD HH:MM\")")
		}
		if m.Start, err = data.ParseLocal(*start, loc); err != nil {
			t, rerr := time.Parse(time.RFC3339, *start)
			if rerr != nil {
				return nil, usagef("add meeting: --start %q: not \"YYYY-MM-DD HH:MM\" (in the meeting's zone) or RFC 3339", *start)
			}
			m.Start = t
		}
		m.MeetingKind, m.Interest = data.MeetingKind(*kind), data.Interest(*interest)
		m.Orgs, m.Attendees, m.Delegates, m.Tags = ids(orgs), ids(contacts), ids(delegates), tags
		if *private {
			m.Confidentiality = data.Private
		}
		return m, nil
	}
}

func addFollowUp(e *env, fs *flag.FlagSet) func() (data.Record, error) {
	f := &data.FollowUp{}
	fs.StringVar(&f.Title, "title", "", "what to do (required)")
	due := fs.String("due", "", "due date, YYYY-MM-DD (required)")
	fs.StringVar(&f.Owner, "owner", "", "who does it")
	fs.StringVar(&f.Details, "details", "", "details")
	meeting := fs.String("meeting", "", "meeting ID it came from")
	mission := fs.String("mission", "", "mission ID (default: the meeting's)")
	org := fs.String("org", "", "organization ID")
	contact := fs.String("contact", "", "contact ID")
	priority := fs.String("priority", "", "low, normal or high")
	status := fs.String("status", "", "open (default), in_progress, done or dropped")
	return func() (data.Record, error) {
		var err error
		f.Due, f.Priority, f.Status = data.Date(*due), data.Priority(*priority), data.Status(*status)
		for _, p := range []struct {
			name string
			val  string
			dst  *data.ID
		}{{"meeting", *meeting, &f.Meeting}, {"mission", *mission, &f.Mission}, {"org", *org, &f.Org}, {"contact", *contact, &f.Contact}} {
			if *p.dst, err = optID(p.name, p.val); err != nil {
				return nil, err
			}
		}
		if f.Meeting != "" {
			// A follow-up agreed in a meeting belongs to its mission and,
			// when the meeting had one organization, to that organization.
			m, err := store.Load[*data.Meeting](e.ctx, e.st, f.Meeting)
			if err != nil {
				return nil, badRef("add followup", "meeting", err)
			}
			if f.Mission == "" {
				f.Mission = m.Mission
			}
			if f.Org == "" && len(m.Orgs) == 1 {
				f.Org = m.Orgs[0]
			}
		}
		return f, nil
	}
}

// badRef turns a failed look-up of a record named by a flag into bad input
// (exit 2), like every other reference to a missing record.
func badRef(cmd, flagName string, err error) error {
	if errors.Is(err, data.ErrNotFound) {
		return data.Errorf(data.ErrInvalid, "%s: --%s: %v", cmd, flagName, err)
	}
	return err
}
