package locale

import (
	"slices"
	"strings"
	"unicode"
)

// A delegate from Tampere types the name on an Uzbek host's card as she
// hears it or reads it on the card's English side: "Kodirov" for
// "Қодиров", "Khasanov" or "Hasanov" for "Ҳасанов", "Shukurova" for
// "Шукурова". Latin gives the search index those spellings, so a Latin
// query finds a Cyrillic name. Three conventions cover what people type:
//
//	english  BGN/PCGN-like, as on passports and English business cards:
//	         х kh, ж zh, ц ts, ч ch, ш sh, щ shch, ю yu, я ya
//	uzbek    Uzbek Latin (after folding): х x, ж j, ч ch, ш sh, ю yu, я ya
//	nordic   Finnish and Estonian transliteration, folded (š → s, ž → z):
//	         х h, ж z, ц ts, ч ts, ш s, щ sts, ю ju, я ja
//
// Folding has already made қ ғ ҳ ў й ё ї into к г х у и е і, so the Uzbek
// "Qodirov" spelling of Қ is not among them ("kodirov" is), and neither is
// the y of "Sergey" ("Сергей" is found as "sergei").
const (
	english = iota
	uzbek
	nordic
	conventions
)

// latin maps each folded Cyrillic letter to its spelling in each
// convention. Letters not listed (Latin, digits, other scripts) pass
// through unchanged.
var latin = map[rune][conventions]string{
	'а': same("a"), 'б': same("b"), 'в': same("v"), 'г': same("g"), 'д': same("d"),
	'е': same("e"), 'з': same("z"), 'и': same("i"), 'к': same("k"), 'л': same("l"),
	'м': same("m"), 'н': same("n"), 'о': same("o"), 'п': same("p"), 'р': same("r"),
	'с': same("s"), 'т': same("t"), 'у': same("u"), 'ф': same("f"), 'ы': same("y"),
	'э': same("e"), 'ъ': same(""), 'ь': same(""),
	'ж': {"zh", "j", "z"},
	'х': {"kh", "x", "h"},
	'ц': {"ts", "ts", "ts"},
	'ч': {"ch", "ch", "ts"},
	'ш': {"sh", "sh", "s"},
	'щ': {"shch", "sh", "sts"},
	'ю': {"yu", "yu", "ju"},
	'я': {"ya", "ya", "ja"},
	// Ukrainian, Belarusian, Kazakh, Tajik and Serbian letters that folding
	// keeps (ї, ӣ, ӯ, ѓ, ќ fold to і, и, у, г, к).
	'є': {"ye", "ye", "je"}, 'і': same("i"), 'ґ': same("g"),
	'ә': same("a"), 'ө': same("o"), 'ү': same("u"), 'ұ': same("u"), 'ң': same("ng"), 'һ': same("h"),
	'ҷ': {"j", "j", "dz"},
	'ј': same("j"), 'љ': same("lj"), 'њ': same("nj"), 'ђ': same("dj"), 'ћ': {"ch", "ch", "c"}, 'џ': {"dzh", "dzh", "dz"},
}

func same(s string) [conventions]string { return [conventions]string{s, s, s} }

// Latin returns the Latin spellings of a folded word (a token from Tokens)
// that holds Cyrillic letters, each different from the word and from the
// others; nil for a word without Cyrillic.
func Latin(word string) []string {
	if isASCII(word) || !strings.ContainsFunc(word, isCyrillic) {
		return nil
	}
	var b [conventions]strings.Builder
	for _, r := range word {
		m, ok := latin[r]
		for c := range conventions {
			if ok {
				b[c].WriteString(m[c])
			} else {
				b[c].WriteRune(r)
			}
		}
	}
	var out []string
	for c := range conventions {
		s := b[c].String()
		if s != "" && s != word && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Latinized returns the Latin spellings of the Cyrillic words of folded
// text s, separated by spaces ("" when there are none), for filters that
// match a folded query as a substring of a row's folded text.
func Latinized(s string) string {
	if isASCII(s) {
		return ""
	}
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = append(out, Latin(w)...)
	}
	return strings.Join(out, " ")
}

func isCyrillic(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }
