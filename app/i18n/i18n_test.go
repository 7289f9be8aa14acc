package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/data"
)

var langs = []string{"en", "fi", "et", "ru"}

func TestEveryLanguageHasEveryKey(t *testing.T) {
	c := Catalogs()
	for _, l := range langs {
		if c[l] == nil {
			t.Fatalf("no catalog for %s", l)
		}
	}
	verbs := regexp.MustCompile(`%[-+# 0-9.\[\]]*[a-zA-Z]`)
	for _, l := range langs {
		for k, v := range c[l] {
			en, ok := c["en"][k]
			if !ok {
				t.Errorf("%s has key %q that English lacks", l, k)
				continue
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
			if got, want := verbs.FindAllString(v, -1), verbs.FindAllString(en, -1); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: %q has placeholders %v, English %v", l, k, got, want)
			}
		}
		for k := range c["en"] {
			if _, ok := c[l][k]; !ok {
				t.Errorf("%s lacks key %q", l, k)
			}
		}
	}
}

// TestEveryKeyIsUsedAndEveryUseHasAKey reads the GUI's source: every
// i18n.T("key") must exist, and every key must be used, literally or
// through a prefix built from a domain value ("meeting.kind." + kind).
func TestEveryKeyIsUsedAndEveryUseHasAKey(t *testing.T) {
	literal := regexp.MustCompile(`i18n\.T\("([^"]+)"`)
	keyLiteral := regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
	prefix := regexp.MustCompile(`i18n\.T\("([^"]+\.)" ?\+`)
	used := map[string]bool{}
	var prefixes []string
	files, _ := filepath.Glob("../gui/*.go")
	if len(files) == 0 {
		t.Fatal("no GUI sources found")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		for _, m := range prefix.FindAllStringSubmatch(string(b), -1) {
			prefixes = append(prefixes, m[1])
		}
		// Keys kept in tables (message → key) are used too.
		for _, m := range keyLiteral.FindAllStringSubmatch(string(b), -1) {
			if _, ok := Catalogs()["en"][m[1]]; ok {
				used[m[1]] = true
			}
		}
	}
	en := Catalogs()["en"]
	for k := range used {
		if _, ok := en[k]; !ok && !strings.HasSuffix(k, ".") {
			t.Errorf("code uses %q, which no catalog has", k)
		}
	}
	var unused []string
	for k := range en {
		ok := used[k]
		for _, p := range prefixes {
			ok = ok || strings.HasPrefix(k, p)
		}
		if !ok {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("keys no code uses: %v", unused)
	}
	// Keys built from domain values exist for every value.
	for _, k := range []data.MeetingKind{data.MeetingPlantVisit, data.MeetingB2B, data.MeetingFair, data.MeetingSeminar, data.MeetingOther} {
		if _, ok := en["meeting.kind."+string(k)]; !ok {
			t.Errorf("no label for meeting kind %s", k)
		}
	}
	for _, k := range []data.Interest{data.InterestCold, data.InterestWarm, data.InterestHot} {
		if _, ok := en["interest."+string(k)]; !ok {
			t.Errorf("no label for interest %s", k)
		}
	}
	for _, k := range []data.Confidentiality{data.Shared, data.Office, data.Private} {
		if _, ok := en["confidentiality."+string(k)]; !ok {
			t.Errorf("no label for confidentiality %s", k)
		}
	}
}

func TestTFallsBackAndFormats(t *testing.T) {
	defer SetLanguage(language.English)
	SetLanguage(language.Estonian)
	if got := T("mission.counts", 3, 1); got != "3 kohtumist · 1 avatud järeltegevust" {
		t.Fatalf("et: %q", got)
	}
	SetLanguage(language.Russian)
	if got := T("empty.load"); got != "Загрузить примеры миссий" {
		t.Fatalf("ru: %q", got)
	}
	if got := T("no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key: %q", got)
	}
}
