package data

import "strings"

// Ref is one link from a record to another: the field holding it, the ID
// and the kind the target must be ("" for any kind, as for the record an
// attachment belongs to).
type Ref struct {
	Field string
	ID    ID
	Kind  Kind
}

// Refs lists the non-empty links of rec. The store checks them on save and
// documents follow them.
func Refs(rec Record) []Ref {
	var out []Ref
	add := func(field string, k Kind, ids ...ID) {
		for _, id := range ids {
			if id != "" {
				out = append(out, Ref{field, id, k})
			}
		}
	}
	switch r := rec.(type) {
	case *Mission:
		add("members", KindOrg, r.Members...)
		add("hosts", KindOrg, r.Hosts...)
		add("delegates", KindContact, r.Delegates...)
	case *Organization:
		add("logo", KindAttachment, r.Logo)
	case *Contact:
		add("org", KindOrg, r.Org)
	case *Meeting:
		add("mission", KindMission, r.Mission)
		add("orgs", KindOrg, r.Orgs...)
		add("attendees", KindContact, r.Attendees...)
		add("delegates", KindContact, r.Delegates...)
		add("seminar", KindSeminar, r.Seminar)
	case *Seminar:
		add("mission", KindMission, r.Mission)
	case *FollowUp:
		add("mission", KindMission, r.Mission)
		add("meeting", KindMeeting, r.Meeting)
		add("org", KindOrg, r.Org)
		add("contact", KindContact, r.Contact)
	case *Attachment:
		add("record", "", r.Record)
	}
	return out
}

// Noun is how English messages name a kind: "organization", "follow-up".
func (k Kind) Noun() string {
	switch k {
	case KindOrg:
		return "organization"
	case KindFollowUp:
		return "follow-up"
	case "":
		return "record"
	}
	return string(k)
}

// WithArticle is Noun with "a" or "an" before it.
func (k Kind) WithArticle() string {
	n := k.Noun()
	if strings.ContainsRune("aeiou", rune(n[0])) {
		return "an " + n
	}
	return "a " + n
}
