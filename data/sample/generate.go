package sample

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Word pools for synthetic data: the scripts and letters the delegations
// and their hosts really use.
var (
	givenNames = []string{
		"Matti", "Päivi", "Jyrki", "Sanna", "Tõnu", "Jüri", "Ülle", "Žanna", "Märt", "Kärt",
		"Sipho", "Thandi", "Pieter", "Annelie", "Ғулом", "Дилноза", "Ҳусан", "Ўткир", "Алексей", "Ольга",
		"Gʻulom", "Oʻktam", "Nodira", "Sherzod", "Eero", "Liisa", "Öle", "Šarlote",
	}
	familyNames = []string{
		"Mäkinen", "Hämäläinen", "Virtanen", "Kärkkäinen", "Põder", "Šmidt", "Tamm", "Õunapuu", "Sääsk", "Žukov",
		"Dlamini", "Nkosi", "van der Merwe", "Botha", "Қодиров", "Ҳамроев", "Ғаниев", "Ўринбоев", "Иванова", "Соколов",
		"Toʻxtayev", "Gʻofurov", "Rahimova", "Lepistö", "Jõgi", "Öpik",
	}
	orgStems = []string{
		"Hydrauliikka", "Kabiini", "Teräsrakenne", "Mõõtetehnika", "Rehvid", "Keevitus", "Automaatika", "Kalibrointi",
		"Suvtaʼminot", "Энергосбыт", "Қурилиш", "Ғалла", "Steelworks", "Haulage", "Engineering", "Cleantech",
		"Päikeseenergia", "Vesimittari", "Jäätmeenergia", "Роботика", "Ўзсаноат", "Mechatronics",
	}
	orgSuffix  = []string{"Oy", "OÜ", "AS", "Ltd", "(Pty) Ltd", "ООО", "АЖ", "MChJ"}
	cities     = []string{"Jyväskylä", "Tampere", "Seinäjoki", "Hämeenlinna", "Tallinn", "Tartu", "Pärnu", "Tõrva", "Richards Bay", "Durban", "Тошкент", "Самарқанд", "Fargʻona", "Nukus"}
	countries  = []string{"FI", "FI", "EE", "EE", "ZA", "UZ", "UZ"}
	noteWords  = strings.Fields("hydraulic cylinders bore stroke delivery lead time weeks cabin ROPS FOPS wheels rims welded steel frames calibration ISO 17025 audit pilot offer quotation samples drawings tolerances volumes per year price EUR discount local content partner distributor service training water meters solar inverters waste energy building automation tariff tender ministry plant visit assembly line quality certificate toimitus hinta näyte tarjous mõõtmine hind pakkumine tarne поставка цена образец предложение сув энергия қурилиш ғалла")
	titles     = []string{"CEO", "Sales Director", "Procurement Manager", "Chief Engineer", "Quality Manager", "Toimitusjohtaja", "Juhataja", "Директор", "Бош муҳандис", "Export Manager"}
	meetingFor = []string{"Plant visit", "B2B meeting", "Fair stand talk", "Dinner", "Technical review", "Supplier audit", "Pilot planning"}
	zones      = []string{"Africa/Johannesburg", "Asia/Tashkent", "Europe/Helsinki", "Europe/Tallinn"}
)

// Generate returns n synthetic records (missions, organizations, contacts,
// meetings and follow-ups in realistic proportions, linked to each other),
// the same for the same seed. Records are ordered so references point
// backwards, as Import requires.
func Generate(seed uint64, n int) []data.Record {
	out := make([]data.Record, 0, max(n, 0))
	generate(seed, n, func(r data.Record) { out = append(out, r) })
	return out
}

// meetingRef is what follow-ups need of a generated meeting.
type meetingRef struct {
	id, mission, org data.ID
	start            time.Time
}

// generate emits the records of Generate one by one, keeping only IDs in
// memory, so a million records can be generated in constant memory.
func generate(seed uint64, n int, emit func(data.Record)) {
	if n <= 0 {
		return
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	nextID := func() data.ID {
		i++
		return data.DeterministicID(base.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("gen:%d:%d", seed, i))
	}
	nMissions := max(1, n/2000)
	if n < 2 {
		nMissions = 0 // a single record is an organization
	}
	nOrgs := max(1, n/10)
	nContacts := max(0, n*4/10)
	nMeetings := max(0, n*35/100)
	nFollow := max(0, n-nMissions-nOrgs-nContacts-nMeetings)
	if over := nMissions + nOrgs + nContacts + nMeetings + nFollow - n; over > 0 {
		nContacts = max(0, nContacts-over)
	}
	orgs := make([]data.ID, 0, nOrgs)
	for range nOrgs {
		kinds := []data.OrgKind{data.OrgMember, data.OrgHost, data.OrgHost, data.OrgPartner, data.OrgProvider}
		o := &data.Organization{Base: data.Base{ID: nextID()},
			Name:    pick(orgStems) + " " + pick(familyNames) + " " + pick(orgSuffix),
			OrgKind: kinds[r.IntN(len(kinds))], Country: pick(countries), City: pick(cities),
			Sector:      pick([]string{"Mechatronics", "Cleantech", "Quality services", "Mining equipment", "Water"}),
			Description: data.Texts{"en": words(r, 20)}, Employees: 5 + r.IntN(900)}
		orgs = append(orgs, o.ID)
		emit(o)
	}
	contacts := make([]data.ID, 0, nContacts)
	for range nContacts {
		c := &data.Contact{Base: data.Base{ID: nextID()}, GivenName: pick(givenNames), FamilyName: pick(familyNames),
			Title: pick(titles), Org: orgs[r.IntN(len(orgs))], Source: "generated",
			Emails: []string{fmt.Sprintf("person%d@example.com", i)}, Phones: []string{fmt.Sprintf("+358 40 %07d", r.IntN(9999999))}}
		if r.IntN(3) == 0 {
			c.Notes = words(r, 12)
		}
		contacts = append(contacts, c.ID)
		emit(c)
	}
	missions := make([]*data.Mission, 0, nMissions)
	for m := range nMissions {
		start := base.AddDate(0, 0, 14*m+r.IntN(10))
		tz := zones[r.IntN(2)]
		country := map[string]string{"Africa/Johannesburg": "ZA", "Asia/Tashkent": "UZ"}[tz]
		ms := &data.Mission{Base: data.Base{ID: nextID()}, Name: fmt.Sprintf("%s mission %d", pick([]string{"Mechatronics", "Cleantech", "Мехатроника", "Puhas tehnoloogia"}), m+1),
			Country: country, Start: data.DateOf(start), End: data.DateOf(start.AddDate(0, 0, 4)), TimeZone: tz,
			Cities: []string{pick(cities)}, Objectives: words(r, 25)}
		missions = append(missions, ms)
		emit(ms)
	}
	meetings := make([]meetingRef, 0, nMeetings)
	interests := []data.Interest{data.InterestNone, data.InterestCold, data.InterestWarm, data.InterestHot}
	mkinds := []data.MeetingKind{data.MeetingB2B, data.MeetingB2B, data.MeetingPlantVisit, data.MeetingFair, data.MeetingSeminar, data.MeetingOther}
	for range nMeetings {
		ms := missions[r.IntN(len(missions))]
		day := ms.Start.Time().AddDate(0, 0, r.IntN(5))
		loc, _ := time.LoadLocation(ms.TimeZone)
		start := time.Date(day.Year(), day.Month(), day.Day(), 8+r.IntN(10), 5*r.IntN(12), 0, 0, loc)
		mt := &data.Meeting{Base: data.Base{ID: nextID()}, Mission: ms.ID, MeetingKind: mkinds[r.IntN(len(mkinds))],
			Title: pick(meetingFor) + ": " + pick(orgStems), Start: start, TimeZone: ms.TimeZone, DurationMin: 20 + 5*r.IntN(20),
			Orgs: []data.ID{orgs[r.IntN(len(orgs))]}, Notes: words(r, 10+r.IntN(40)), Interest: interests[r.IntN(len(interests))],
			Tags: []string{pick([]string{"hydraulics", "cabins", "water", "solar", "welding", "calibration"})}}
		if len(contacts) > 0 {
			mt.Attendees = []data.ID{contacts[r.IntN(len(contacts))]}
		}
		if r.IntN(3) == 0 {
			mt.Opportunities = []data.Opportunity{{Title: words(r, 3), Value: float64(1000 * (1 + r.IntN(500))), Currency: pick([]string{"EUR", "ZAR", "USD", "UZS"})}}
		}
		if r.IntN(20) == 0 {
			mt.Confidentiality = data.Private
		}
		meetings = append(meetings, meetingRef{mt.ID, mt.Mission, mt.Orgs[0], mt.Start})
		emit(mt)
	}
	statuses := []data.Status{data.StatusOpen, data.StatusOpen, data.StatusInProgress, data.StatusDone, data.StatusDropped}
	for range nFollow {
		fu := &data.FollowUp{Base: data.Base{ID: nextID()}, Title: pick([]string{"Send offer", "Send drawings", "Lähetä tarjous", "Saada pakkumine", "Отправить образцы", "Book plant visit"}) + " " + pick(orgStems),
			Owner: pick(givenNames) + " " + pick(familyNames), Status: statuses[r.IntN(len(statuses))],
			Priority: []data.Priority{data.PriorityLow, data.PriorityNormal, data.PriorityHigh}[r.IntN(3)]}
		if len(meetings) > 0 {
			mt := meetings[r.IntN(len(meetings))]
			fu.Meeting, fu.Mission, fu.Org = mt.id, mt.mission, mt.org
			fu.Due = data.DateOf(mt.start.AddDate(0, 0, 7+r.IntN(60)))
		} else {
			fu.Due = data.DateOf(base.AddDate(0, 0, r.IntN(365)))
		}
		emit(fu)
	}
}

func words(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = noteWords[r.IntN(len(noteWords))]
	}
	return strings.Join(w, " ")
}

// LoadGenerated saves Generate(seed, n) into s (idempotent for a seed),
// generating and saving in slices so memory stays flat at any n.
func LoadGenerated(ctx context.Context, s *store.Store, seed uint64, n int, progress func(done int)) (store.ImportResult, error) {
	var total store.ImportResult
	var err error
	done := 0
	batch := make([]data.Record, 0, 2000)
	flush := func() {
		if err != nil || len(batch) == 0 {
			return
		}
		var res store.ImportResult
		res, err = s.Import(ctx, batch, nil)
		total.Created += res.Created
		total.Skipped += res.Skipped
		done += len(batch)
		batch = batch[:0]
		if progress != nil {
			progress(done)
		}
	}
	generate(seed, n, func(r data.Record) {
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			flush()
		}
	})
	flush()
	return total, err
}
