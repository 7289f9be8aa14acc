package card

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cardDiff lists the fields in which two cards differ, for messages that
// show what broke rather than two walls of %#v.
func cardDiff(got, want Card) string {
	var out []string
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if name == "Photo" {
			if d := photoDiff(got.Photo, want.Photo); d != "" {
				out = append(out, "Photo: "+d)
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			out = append(out, fmt.Sprintf("%s:\n\t got %#v\n\twant %#v", name, g, w))
		}
	}
	return strings.Join(out, "\n")
}

func photoDiff(got, want *Photo) string {
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil:
		return fmt.Sprintf("got none, want %s (%d bytes, URI %q)", want.MediaType, len(want.Data), want.URI)
	case want == nil:
		return fmt.Sprintf("got %s (%d bytes, URI %q), want none", got.MediaType, len(got.Data), got.URI)
	}
	var d []string
	if got.MediaType != want.MediaType {
		d = append(d, fmt.Sprintf("media type %q, want %q", got.MediaType, want.MediaType))
	}
	if string(got.Data) != string(want.Data) {
		d = append(d, fmt.Sprintf("data differs (%d bytes, want %d)", len(got.Data), len(want.Data)))
	}
	if got.URI != want.URI {
		d = append(d, fmt.Sprintf("URI %q, want %q", got.URI, want.URI))
	}
	return strings.Join(d, "; ")
}

func checkCards(t *testing.T, got, want []Card) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d cards, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if d := cardDiff(got[i], want[i]); d != "" {
			t.Errorf("card %d (%s):\n%s", i+1, want[i].FormattedName, d)
		}
	}
}

// samples are the testdata files that hold cards or QR payloads.
func samples(t testing.TB) []string {
	t.Helper()
	var names []string
	for _, pat := range []string{"*.vcf", "*.txt"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			names = append(names, filepath.Base(f))
		}
	}
	if len(names) < 10 {
		t.Fatalf("only %d samples in testdata", len(names))
	}
	return names
}
