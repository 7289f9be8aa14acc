// Package i18n holds the GUI's translations: one JSON catalog per UI
// language in resources/translations (English, Finnish, Estonian, Russian),
// made of fi.json and any AREA.fi.json files (a key may be in only one),
// looked up by key. The language is matched with golang.org/x/text (see
// data/locale), so "fi_FI.UTF-8" or "et-EE" pick the right catalog and
// anything else falls back to English key by key.
//
// It does not import Fyne: translations can be checked without a display,
// and the language can change while the app runs (Fyne's own lang package
// follows only the OS locale).
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/resources"
)

var (
	loadOnce sync.Once
	catalogs map[string]map[string]string
	loadErr  error

	mu      sync.RWMutex
	current = "en"
)

// Catalogs returns every catalog, by language code. Loading errors panic:
// the catalogs are embedded, so a broken one is a build defect that the
// tests catch.
func Catalogs() map[string]map[string]string {
	loadOnce.Do(func() { catalogs, loadErr = load(resources.FS, "translations") })
	if loadErr != nil {
		panic(loadErr)
	}
	return catalogs
}

func load(fsys fs.FS, dir string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		// "fi.json" or "screen.fi.json": the language is the last part,
		// so each screen can keep its strings in files of its own.
		base := strings.TrimSuffix(e.Name(), ".json")
		code := base[strings.LastIndex(base, ".")+1:]
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("translations %s: %w", e.Name(), err)
		}
		if out[code] == nil {
			out[code] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := out[code][k]; dup {
				return nil, fmt.Errorf("translations %s: key %q is also in another %s file", e.Name(), k, code)
			}
			out[code][k] = v
		}
	}
	return out, nil
}

// SetLanguage makes t the language of T.
func SetLanguage(t language.Tag) {
	mu.Lock()
	current = locale.Code(t)
	mu.Unlock()
}

// Language is the current language code.
func Language() string {
	mu.RLock()
	defer mu.RUnlock()
	return current
}

// Has says whether key has a translation (in English at least).
func Has(key string) bool {
	_, ok := Catalogs()["en"][key]
	return ok
}

// T translates key into the current language, formatting args with fmt
// verbs when given. A key missing in the language falls back to English,
// and a key missing everywhere shows itself (a test keeps that from
// shipping).
func T(key string, args ...any) string {
	c := Catalogs()
	lang := Language()
	s, ok := c[lang][key]
	if !ok {
		if s, ok = c["en"][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
