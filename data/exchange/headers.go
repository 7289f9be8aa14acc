package exchange

import (
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
)

// Import fields a column can map to.
const (
	fGiven   = "given_name"
	fFamily  = "family_name"
	fName    = "name"
	fCompany = "company"
	fCountry = "country"
	fEmail   = "email"
	fPhone   = "phone"
	fTitle   = "title"
	fTime    = "meeting_time"
	fDate    = "meeting_date" // the day of meeting_time, when the list keeps it in a column of its own
	fTable   = "table"
	fNotes   = "notes"
	fIgnore  = "ignore"
)

// ImportFields are the fields ImportOptions.Map may name.
var ImportFields = []string{fGiven, fFamily, fName, fCompany, fCountry, fEmail, fPhone, fTitle, fTime, fDate, fTable, fNotes, fIgnore}

// multi are the fields several columns may feed (all values are kept).
var multi = map[string]bool{fEmail: true, fPhone: true, fNotes: true}

// knownHeaders are whole headers as people and B2B platforms write them,
// in English, Finnish, Estonian and Russian. They are compared after
// normHeader, which is applied to this table once.
var knownHeaders = map[string][]string{
	fGiven: {"first name", "firstname", "first", "given name", "given names", "forename", "etunimi", "etunimet",
		"eesnimi", "eesnimed", "имя"},
	fFamily: {"last name", "lastname", "last", "surname", "family name", "sukunimi", "perekonnanimi", "perenimi",
		"фамилия"},
	fName: {"name", "full name", "fullname", "nimi", "koko nimi", "nimi ja sukunimi", "ees- ja perekonnanimi",
		"ees- ja perenimi", "имя и фамилия", "фамилия и имя", "фамилия, имя", "фио", "ф.и.о.", "фамилия имя отчество",
		"contact", "contact name", "contact person", "person", "participant", "participant name", "attendee",
		"attendee name", "delegate", "delegate name", "representative", "osallistuja", "osallistujan nimi",
		"yhteyshenkilö", "edustaja", "osaleja", "osaleja nimi", "kontaktisik", "esindaja", "участник",
		"контактное лицо", "представитель", "first and last name", "name and surname"},
	fCompany: {"company", "company name", "organization", "organisation", "organization name", "organisation name",
		"company/organization", "company/organisation", "institution", "employer", "account", "account name",
		"yritys", "yrityksen nimi", "yhtiö", "organisaatio", "ettevõte", "ettevõtte nimi", "organisatsioon",
		"asutus", "firma", "компания", "название компании", "организация", "предприятие"},
	fCountry: {"country", "country/region", "country code", "maa", "valtio", "riik", "страна"},
	fEmail: {"e-mail", "email", "email address", "e-mail address", "mail", "sähköposti", "sähköpostiosoite", "e-post",
		"e-posti aadress", "эл. почта", "электронная почта", "e-mail адрес", "почта"},
	fPhone: {"phone", "phone number", "telephone", "tel", "tel.", "mobile", "mobile phone", "mobile number", "cell",
		"cell phone", "gsm", "puhelin", "puhelinnumero", "matkapuhelin", "telefon", "telefoninumber", "mobiil",
		"телефон", "мобильный", "мобильный телефон", "номер телефона"},
	fTitle: {"job title", "title", "position", "job", "role", "titteli", "tehtävä", "tehtävänimike", "asema",
		"nimike", "ametikoht", "amet", "ametinimetus", "должность"},
	fTime: {"meeting time", "time", "time slot", "timeslot", "slot", "start", "start time", "date and time",
		"aika", "tapaamisaika", "kellonaika", "aeg", "kohtumise aeg", "время", "время встречи", "дата и время"},
	fDate: {"date", "day", "meeting date", "päivä", "päivämäärä", "pvm", "pvm.", "kuupäev", "päev", "дата", "день",
		"дата встречи"},
	fTable: {"table", "table no", "table no.", "table number", "table nr", "pöytä", "pöydän numero", "pöytä nro",
		"laud", "laua nr", "laua number", "стол", "номер стола", "стол №"},
	fNotes: {"notes", "note", "comments", "comment", "remarks", "additional information", "muistiinpanot",
		"huomiot", "lisätiedot", "kommentit", "märkmed", "märkused", "kommentaar", "lisainfo", "примечания",
		"примечание", "комментарий", "комментарии"},
}

// keyWords recognise headers not in knownHeaders by a part of them, tried
// in this order: specific fields first, so that "Company e-mail" is an
// e-mail and "Company name" (in knownHeaders anyway) a company.
var keyWords = []struct {
	field  string
	words  []string // whole words of the normalised header
	substr []string // parts of it
}{
	{fEmail, []string{"epost", "e post"}, []string{"mail", "sahkoposti", "почта"}},
	{fPhone, []string{"tel", "gsm"}, []string{"phone", "puhelin", "telefon", "телефон", "mobil", "мобил"}},
	{fCountry, []string{"country", "maa", "riik", "страна", "valtio"}, nil},
	{fGiven, []string{"имя", "first"}, []string{"given", "etunimi", "eesnimi", "forename"}},
	{fFamily, []string{"last"}, []string{"surname", "sukunimi", "perekonnanimi", "perenimi", "фамилия"}},
	{fTime, []string{"time", "slot", "aika", "aeg", "время"}, []string{"timeslot", "kellonaika", "tapaamisaika"}},
	{fTable, []string{"table", "poyta", "laud", "стол"}, nil},
	{fTitle, []string{"title", "position", "titteli", "ametikoht", "должность", "role", "nimike", "amet"}, nil},
	{fCompany, nil, []string{"company", "organi", "yritys", "ettevot", "компани", "организац", "firma", "yhtio", "employer"}},
	{fName, []string{"name", "nimi", "фио", "participant", "contact", "person", "osallistuja", "osaleja"}, nil},
	{fNotes, nil, []string{"note", "comment", "remark", "huom", "markm", "markus", "примеч", "коммент", "lisatied"}},
}

var (
	headerOnce  sync.Once
	headerIndex map[string]string
)

// normHeader folds a header for matching: lower case, no diacritics,
// punctuation as spaces, single spaces.
func normHeader(s string) string {
	f := locale.Fold(s)
	f = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, f)
	return strings.Join(strings.Fields(f), " ")
}

// column is what one column of an imported file maps to.
type colMap struct {
	header      string
	field       string
	familyFirst bool // a full name written family name first (ФИО, "Surname First name")
}

// mapColumns maps a header row, with overrides (normalised header → field).
// The second result says whether a name or company column was found.
func mapColumns(header []string, over map[string]string) ([]colMap, bool) {
	headerOnce.Do(func() {
		headerIndex = map[string]string{}
		for field, hs := range knownHeaders {
			for _, h := range hs {
				headerIndex[normHeader(h)] = field
			}
		}
	})
	// Exact header names (and --map) claim their field before partial
	// matches do, so "Company website" before "Company" cannot take the
	// company column.
	type guess struct {
		header, norm, field string
		exact               bool
	}
	gs := make([]guess, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		n := normHeader(h)
		g := guess{header: h, norm: n}
		if f, ok := over[n]; ok {
			g.field, g.exact = f, true
		} else if f, ok := headerIndex[n]; ok {
			g.field, g.exact = f, true
		} else {
			g.field = guessField(n)
		}
		gs[i] = g
	}
	cols := make([]colMap, len(header))
	taken := map[string]bool{}
	found := false
	for _, exactPass := range []bool{true, false} {
		for i, g := range gs {
			if g.exact != exactPass {
				continue
			}
			field := g.field
			if field != fIgnore && !multi[field] && taken[field] {
				field = fIgnore // the first column for a field wins
			}
			taken[field] = true
			cols[i] = colMap{header: g.header, field: field}
			if field == fName {
				cols[i].familyFirst = strings.Contains(g.norm, "фио") ||
					hasPrefixAny(g.norm, "фамилия", "surname", "last name", "family name", "sukunimi", "perekonnanimi")
			}
			switch field {
			case fGiven, fFamily, fName, fCompany:
				found = true
			}
		}
	}
	return cols, found
}

func guessField(n string) string {
	if n == "" {
		return fIgnore
	}
	if f, ok := headerIndex[n]; ok {
		return f
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(n) {
		words[w] = true
	}
	for _, kw := range keyWords {
		for _, w := range kw.words {
			if words[w] || (strings.Contains(w, " ") && strings.Contains(" "+n+" ", " "+w+" ")) {
				return kw.field
			}
		}
		for _, s := range kw.substr {
			if strings.Contains(n, s) {
				return kw.field
			}
		}
	}
	return fIgnore
}

func hasPrefixAny(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// checkMap validates ImportOptions.Map and normalises its keys.
func checkMap(m map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for col, field := range m {
		f := strings.ToLower(strings.TrimSpace(field))
		ok := false
		for _, k := range ImportFields {
			ok = ok || k == f
		}
		if !ok {
			return nil, data.Errorf(data.ErrInvalid, "column %q cannot map to %q (fields: %s)", col, field, strings.Join(ImportFields, ", "))
		}
		n := normHeader(col)
		if n == "" {
			return nil, data.Errorf(data.ErrInvalid, "column map has an empty column name (for %s)", f)
		}
		out[n] = f
	}
	return out, nil
}

// Countries by name: the names of every ISO 3166 country in the languages
// of the delegations and their hosts, plus the codes themselves.
var (
	countryOnce  sync.Once
	countryIndex map[string]string
)

var countryNameLangs = []language.Tag{language.English, language.Finnish, language.Estonian, language.Russian,
	language.Swedish, language.German, language.Uzbek, language.MustParse("uz-Cyrl"), language.Afrikaans}

// countryAliases are names people write that the CLDR names miss.
var countryAliases = map[string]string{
	"usa": "US", "u s a": "US", "united states of america": "US", "uk": "GB", "great britain": "GB",
	"england": "GB", "russian federation": "RU", "south africa rsa": "ZA", "rsa": "ZA",
	"republic of uzbekistan": "UZ", "ozbekiston": "UZ", "uzbekiston": "UZ", "узбекистон": "UZ",
	"republic of south africa": "ZA", "czech republic": "CZ", "holland": "NL", "the netherlands": "NL",
}

func lookupCountry(s string) (string, bool) {
	countryOnce.Do(func() {
		countryIndex = map[string]string{}
		namers := make([]display.Namer, len(countryNameLangs))
		for i, t := range countryNameLangs {
			namers[i] = display.Regions(t)
		}
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				code := string([]rune{a, b})
				r, err := language.ParseRegion(code)
				if err != nil || !r.IsCountry() || r.String() != code {
					continue
				}
				countryIndex[strings.ToLower(code)] = code
				countryIndex[strings.ToLower(r.ISO3())] = code
				for _, nm := range namers {
					if name := nm.Name(r); name != "" {
						countryIndex[normHeader(name)] = code
					}
				}
			}
		}
		for name, code := range countryAliases {
			countryIndex[normHeader(name)] = code
		}
	})
	code, ok := countryIndex[normHeader(s)]
	return code, ok
}

// sortedFields lists a set's names in order (for Change.Fields).
func sortedFields(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
