// Package locale holds Fieldbook's language handling on top of
// golang.org/x/text: the UI languages and matching a user's preference to
// them, folding text for case- and diacritic-insensitive search, splitting
// text into search tokens, and sorting names the way each language does.
package locale

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Supported are the UI languages, the first being the fallback.
var Supported = []language.Tag{language.English, language.Finnish, language.Estonian, language.Russian}

var matcher = language.NewMatcher(Supported)

// Match picks the best supported UI language for the user's preferences,
// e.g. from --lang, the LANG environment variable or the OS ("fi_FI.UTF-8",
// "et-EE", "ru"). Unknown or empty input gives English.
func Match(prefs ...string) language.Tag {
	var tags []language.Tag
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" || p == "C" || p == "POSIX" {
			continue
		}
		// POSIX locales look like fi_FI.UTF-8@euro.
		if i := strings.IndexAny(p, ".@"); i >= 0 {
			p = p[:i]
		}
		p = strings.ReplaceAll(p, "_", "-")
		if t, err := language.Parse(p); err == nil {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return language.English
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return language.English
	}
	return Supported[idx]
}

// Code is the short code of a supported tag ("en", "fi", "et", "ru").
func Code(t language.Tag) string {
	b, _ := t.Base()
	return b.String()
}

// folders removes combining marks after canonical decomposition, so "ä"
// and "a", "Й" and "И", "Ў" and "У" compare equal; search indexes and
// queries are folded alike. A chain allocates sizeable buffers, so they are
// pooled: folding runs for every word of every record saved.
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Fold lower-cases s and strips diacritics: "Jyväskylä" → "jyvaskyla",
// "Šokolaad" → "sokolaad", "ТОШКЕНТ" → "тошкент", "Ўзбекистон" → "узбекистон".
func Fold(s string) string {
	// Apostrophe-like marks go first: removed after normalising, they
	// would leave the letters either side uncomposed.
	s = apostrophes.Replace(s)
	if isASCII(s) {
		return foldExtra.Replace(strings.ToLower(s))
	}
	t := folders.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	folders.Put(t)
	if err != nil {
		out = s
	}
	out = strings.ToLower(out)
	// Letters without a decomposition that users type without the mark.
	return foldExtra.Replace(out)
}

var foldExtra = strings.NewReplacer(
	"ß", "ss", "ø", "o", "đ", "d", "ł", "l", "æ", "ae", "œ", "oe",
	"қ", "к", "ғ", "г", "ҳ", "х", "ё", "е",
)

// apostrophes are dropped inside words: Uzbek Latin writes Oʻ Gʻ with U+02BB,
// and people type it as ' or ’ or not at all.
var apostrophes = strings.NewReplacer("ʻ", "", "ʼ", "", "'", "", "’", "", "‘", "")

// Tokens splits s into folded search tokens: runs of letters and digits.
// Apostrophe-like marks inside words are dropped first, so the Uzbek Latin
// "Oʻzbekiston" is one token "ozbekiston", and e-mail addresses yield their
// parts ("ana", "example", "com") as well as the whole address.
func Tokens(s string) []string {
	f := Fold(s)
	var toks []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			toks = append(toks, t)
		}
	}
	for _, field := range strings.Fields(f) {
		if strings.Contains(field, "@") {
			add(strings.Trim(field, "<>(),;"))
		}
		for _, w := range strings.FieldsFunc(field, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			add(w)
		}
	}
	return toks
}

// Collator sorts strings the way speakers of one language expect: Estonian
// puts Š after S, Z and Ž after Š, and Õ Ä Ö Ü at the end of the alphabet;
// Finnish sorts Å Ä Ö after Z. A Collator is not safe for concurrent use.
type Collator struct{ c *collate.Collator }

// NewCollator returns a case-insensitive collator for t.
func NewCollator(t language.Tag) *Collator {
	return &Collator{c: collate.New(t, collate.IgnoreCase)}
}

// Compare returns -1, 0 or 1.
func (c *Collator) Compare(a, b string) int { return c.c.CompareString(a, b) }

// Key returns a byte key whose order is the collation order, for indexes.
func (c *Collator) Key(s string) []byte {
	var buf collate.Buffer
	k := c.c.KeyFromString(&buf, s)
	return append([]byte(nil), k...)
}

// SortFunc sorts items by the collated text key(item).
func SortFunc[T any](c *Collator, items []T, key func(T) string) {
	keys := make([][]byte, len(items))
	idx := make([]int, len(items))
	// One buffer for all the keys: a collate.Buffer holds a 4 KB array,
	// which per item would be 400 MB of garbage for 100k names.
	var buf collate.Buffer
	for i, it := range items {
		keys[i] = append([]byte(nil), c.c.KeyFromString(&buf, key(it))...)
		buf.Reset()
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return string(keys[idx[a]]) < string(keys[idx[b]]) })
	sorted := make([]T, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
}
