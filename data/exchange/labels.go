package exchange

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/clusme/fieldbook/data"
)

// Languages are the languages of column headers, sheet names and status
// words, in the order a UI offers them.
var Languages = []string{"en", "fi", "et", "ru"}

// labels are the exported texts per language. They live here rather than
// in resources/ because they are part of the file formats: the contact
// headers are also what Import recognises, and a test round-trips them.
var labels = map[string]map[string]string{
	"en": {
		"due": "Due", "status": "Status", "priority": "Priority", "owner": "Owner",
		"company": "Company", "contact": "Contact", "mission": "Mission", "meeting": "Meeting",
		"title": "Title", "details": "Details", "id": "ID",
		"given_name": "Given name", "family_name": "Family name", "job_title": "Job title",
		"country": "Country", "email": "Email", "phone": "Phone", "notes": "Notes",
		"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped",
		"low": "Low", "normal": "Normal", "high": "High",
		"followups": "Follow-ups", "contacts": "Contacts", "no_mission": "No mission",
		"calendar": "Fieldbook follow-ups",
	},
	"fi": {
		"due": "Määräpäivä", "status": "Tila", "priority": "Prioriteetti", "owner": "Vastuuhenkilö",
		"company": "Yritys", "contact": "Yhteyshenkilö", "mission": "Matka", "meeting": "Tapaaminen",
		"title": "Otsikko", "details": "Lisätiedot", "id": "ID",
		"given_name": "Etunimi", "family_name": "Sukunimi", "job_title": "Titteli",
		"country": "Maa", "email": "Sähköposti", "phone": "Puhelin", "notes": "Muistiinpanot",
		"open": "Avoin", "in_progress": "Työn alla", "done": "Valmis", "dropped": "Peruttu",
		"low": "Matala", "normal": "Normaali", "high": "Korkea",
		"followups": "Jatkotoimet", "contacts": "Yhteystiedot", "no_mission": "Ei matkaa",
		"calendar": "Fieldbook-jatkotoimet",
	},
	"et": {
		"due": "Tähtaeg", "status": "Olek", "priority": "Prioriteet", "owner": "Vastutaja",
		"company": "Ettevõte", "contact": "Kontaktisik", "mission": "Visiit", "meeting": "Kohtumine",
		"title": "Pealkiri", "details": "Üksikasjad", "id": "ID",
		"given_name": "Eesnimi", "family_name": "Perekonnanimi", "job_title": "Ametikoht",
		"country": "Riik", "email": "E-post", "phone": "Telefon", "notes": "Märkmed",
		"open": "Avatud", "in_progress": "Töös", "done": "Tehtud", "dropped": "Loobutud",
		"low": "Madal", "normal": "Tavaline", "high": "Kõrge",
		"followups": "Järeltegevused", "contacts": "Kontaktid", "no_mission": "Visiidita",
		"calendar": "Fieldbooki järeltegevused",
	},
	"ru": {
		"due": "Срок", "status": "Статус", "priority": "Приоритет", "owner": "Ответственный",
		"company": "Компания", "contact": "Контактное лицо", "mission": "Миссия", "meeting": "Встреча",
		"title": "Задача", "details": "Подробности", "id": "ID",
		"given_name": "Имя", "family_name": "Фамилия", "job_title": "Должность",
		"country": "Страна", "email": "Эл. почта", "phone": "Телефон", "notes": "Примечания",
		"open": "Открыто", "in_progress": "В работе", "done": "Выполнено", "dropped": "Отменено",
		"low": "Низкий", "normal": "Обычный", "high": "Высокий",
		"followups": "Задачи", "contacts": "Контакты", "no_mission": "Без миссии",
		"calendar": "Задачи Fieldbook",
	},
}

// tr is the label for key in lang (Options.Lang is checked before use).
func tr(lang, key string) string {
	if s, ok := labels[lang][key]; ok {
		return s
	}
	return labels["en"][key]
}

func checkLang(lang string) (string, error) {
	if lang == "" {
		return "en", nil
	}
	if _, ok := labels[lang]; !ok {
		return "", data.Errorf(data.ErrInvalid, "export language %q is not supported (want en, fi, et or ru)", lang)
	}
	return lang, nil
}

// countryName is the name of an ISO code in lang ("" → ""; unknown → the code).
func countryName(code, lang string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return code
	}
	if n := display.Regions(language.Make(lang)).Name(r); n != "" {
		return n
	}
	return code
}
