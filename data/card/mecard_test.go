package card

import (
	"testing"
)

func TestParseMECARD(t *testing.T) {
	tests := []struct {
		in   string
		want Card
	}{
		// The two examples of ZXing's MECARD test suite.
		{"MECARD:N:Sean Owen;TEL:+12125658770;EMAIL:srowen@google.com;;",
			Card{FormattedName: "Sean Owen", Phones: []Typed{typed("+12125658770")}, Emails: []Typed{typed("srowen@google.com")}}},
		{"MECARD:N:Google 411,;TEL:18665881077;;",
			Card{FormattedName: "Google 411", FamilyName: "Google 411", Phones: []Typed{typed("18665881077")}}},
		// docomo's order is family,given.
		{"MECARD:N:Owen,Sean;;", Card{FormattedName: "Sean Owen", GivenName: "Sean", FamilyName: "Owen"}},
		// No closing ";;", lower-case keys, spaces around keys, unknown keys.
		{"mecard:n:Laine,Kaisa; tel :+358 40 1;X-FOO:bar;NICKNAME:Kaisu;BDAY:19800101;SOUND:laine",
			Card{FormattedName: "Kaisa Laine", GivenName: "Kaisa", FamilyName: "Laine", Phones: []Typed{typed("+358 40 1")}}},
		// Escapes: \; \: \, \\ and an unescaped colon in a URL.
		{`MECARD:N:O\,Brien,Pat;NOTE:a\;b\:c\,d\\e;URL:https://x.example/a\;b;ORG:Acme\, Inc.;;`,
			Card{FormattedName: "Pat O,Brien", GivenName: "Pat", FamilyName: "O,Brien", Note: `a;b:c,d\e`,
				URLs: []string{"https://x.example/a;b"}, Org: "Acme, Inc."}},
		// docomo's seven-part ADR, and a one-line ADR with commas.
		{"MECARD:N:A,B;ADR:PO 1,Floor 2,Main St 3,Tampere,Pirkanmaa,33100,Finland;ADR:Keilaranta 1, Espoo, Finland;;",
			Card{FormattedName: "B A", GivenName: "B", FamilyName: "A", Addresses: []Address{
				{POBox: "PO 1", Extended: "Floor 2", Street: "Main St 3", City: "Tampere", Region: "Pirkanmaa", PostalCode: "33100", Country: "Finland"},
				{Street: "Keilaranta 1, Espoo, Finland"}}}},
		// Several notes, TEL-AV, a stray field without a colon, empty values.
		{"MECARD:N:Gʻulomov,Oʻktam;NOTE:bir;junk;NOTE:ikki;TEL-AV:+998 1;TEL:;EMAIL:;;",
			Card{FormattedName: "Oʻktam Gʻulomov", GivenName: "Oʻktam", FamilyName: "Gʻulomov", Note: "bir\nikki",
				Phones: []Typed{typed("+998 1", "video")}}},
		// Only an organization.
		{"MECARD:ORG:Тошкент Машинасозлик;TITLE:Бош муҳандис;;",
			Card{FormattedName: "Тошкент Машинасозлик", Org: "Тошкент Машинасозлик", Title: "Бош муҳандис"}},
		// A legacy code page: read as Windows-1252.
		{"MECARD:N:J\xe4rvinen,Matti;;", Card{FormattedName: "Matti Järvinen", GivenName: "Matti", FamilyName: "Järvinen"}},
		// A trailing backslash does not run off the end.
		{`MECARD:NOTE:x\`, Card{Note: `x\`}},
	}
	for _, tt := range tests {
		got, err := ParseMECARD(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		tt.want.Source = "mecard"
		if d := cardDiff(got, tt.want); d != "" {
			t.Errorf("%q:\n%s", tt.in, d)
		}
	}
}

func TestParseMECARDErrors(t *testing.T) {
	for _, tt := range []struct {
		in   string
		line int
		msg  string
	}{
		{"BEGIN:VCARD", 1, "missing MECARD: prefix"},
		{"\n\nMECARD:;;", 3, "has no name"},
		{"MECARD:N:;TEL:;;", 1, "has no name"},
	} {
		c, err := ParseMECARD(tt.in)
		var cards []Card
		if err == nil {
			cards = []Card{c}
		}
		t.Run(tt.in, func(t *testing.T) { checkParseError(t, cards, err, tt.line, "", tt.msg) })
	}
}
