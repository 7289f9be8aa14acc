package card

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// python is Debian's interpreter, which has python3-vobject; the python3
// on PATH may be another one without it.
const python = "/usr/bin/python3"

// vobjectScript prints, as JSON, what Python's vobject reads from a .vcf.
const vobjectScript = `
import base64, json, sys, vobject

def text(v):
    if isinstance(v, list):
        return " ".join(text(x) for x in v)
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v

def types(p):
    t = [x.lower() for x in p.params.get("TYPE", [])]
    if p.params.get("PREF", [""])[0] == "1":
        t.append("pref")
    return t

out = []
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for c in vobject.readComponents(f.read()):
        d = {"fn": c.fn.value, "n": None, "org": [], "title": "", "note": "",
             "emails": [], "tels": [], "adr": [], "url": [], "photo": ""}
        if "n" in c.contents:
            n = c.n.value
            d["n"] = [text(n.family), text(n.given), text(n.additional), text(n.prefix), text(n.suffix)]
        if "org" in c.contents:
            d["org"] = list(c.org.value)
        if "title" in c.contents:
            d["title"] = c.title.value
        if "note" in c.contents:
            d["note"] = c.note.value
        for p in c.contents.get("email", []):
            d["emails"].append({"value": p.value, "types": types(p)})
        for p in c.contents.get("tel", []):
            d["tels"].append({"value": p.value, "types": types(p)})
        for p in c.contents.get("adr", []):
            a = p.value
            d["adr"].append([text(a.box), text(a.extended), text(a.street), text(a.city),
                             text(a.region), text(a.code), text(a.country)])
        for p in c.contents.get("url", []):
            d["url"].append(p.value)
        if "photo" in c.contents:
            d["photo"] = text(c.photo.value)
        out.append(d)
json.dump(out, sys.stdout, ensure_ascii=False)
`

type vobjectTyped struct {
	Value string   `json:"value"`
	Types []string `json:"types"`
}

type vobjectCard struct {
	FN     string         `json:"fn"`
	N      []string       `json:"n"`
	Org    []string       `json:"org"`
	Title  string         `json:"title"`
	Note   string         `json:"note"`
	Emails []vobjectTyped `json:"emails"`
	Tels   []vobjectTyped `json:"tels"`
	Adr    [][]string     `json:"adr"`
	URL    []string       `json:"url"`
	Photo  string         `json:"photo"`
}

// TestVobjectReadsFormat has an independent parser read what Format
// writes: Python's vobject, as packaged by Debian.
func TestVobjectReadsFormat(t *testing.T) {
	if out, err := exec.Command(python, "-c", "import vobject").CombinedOutput(); err != nil {
		msg := "vobject check needs " + python + " with python3-vobject (apt-get install python3-vobject): " +
			strings.TrimSpace(string(out)) + " " + err.Error()
		if os.Getenv("CI") == "" {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	cards := fullCards(t)
	for _, name := range []string{"android21.vcf", "iphone30.vcf", "outlook21.vcf", "cyrillic1251.vcf", "rfc6350.vcf"} {
		parsed, err := Parse(readTestdata(t, name))
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, parsed...)
	}
	for _, v := range []string{"3.0", "4.0"} {
		t.Run(v, func(t *testing.T) {
			b, err := FormatAll(cards, v)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "cards.vcf")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, "-c", vobjectScript, file)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("vobject: %v\n%s", err, stderr.String())
			}
			var got []vobjectCard
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(got) != len(cards) {
				t.Fatalf("vobject read %d cards, want %d", len(got), len(cards))
			}
			for i, c := range cards {
				want := vobjectView(c, v)
				if !reflect.DeepEqual(got[i], want) {
					gj, _ := json.MarshalIndent(got[i], "", " ")
					wj, _ := json.MarshalIndent(want, "", " ")
					t.Errorf("card %d (%s): vobject read\n%s\nwant\n%s", i+1, c.FormattedName, gj, wj)
				}
			}
		})
	}
}

// vobjectView is what vobject should read from Format(c, version).
func vobjectView(c Card, version string) vobjectCard {
	typedView := func(ts []Typed) []vobjectTyped {
		out := []vobjectTyped{}
		for _, t := range ts {
			types := append([]string{}, t.Types...)
			out = append(out, vobjectTyped{Value: t.Value, Types: types})
		}
		return out
	}
	v := vobjectCard{FN: c.FormattedName, Title: c.Title, Note: c.Note, Org: []string{},
		Emails: typedView(c.Emails), Tels: typedView(c.Phones), Adr: [][]string{}, URL: []string{}}
	if c.FamilyName+c.GivenName+c.MiddleName+c.Prefix+c.Suffix != "" || version == "3.0" {
		v.N = []string{c.FamilyName, c.GivenName, c.MiddleName, c.Prefix, c.Suffix}
	}
	if c.Org != "" || len(c.OrgUnits) > 0 {
		v.Org = append([]string{c.Org}, c.OrgUnits...)
	}
	for _, a := range c.Addresses {
		v.Adr = append(v.Adr, []string{a.POBox, a.Extended, a.Street, a.City, a.Region, a.PostalCode, a.Country})
	}
	v.URL = append(v.URL, c.URLs...)
	if p := c.Photo; p != nil {
		switch {
		case len(p.Data) > 0 && version == "3.0":
			v.Photo = base64.StdEncoding.EncodeToString(p.Data) // vobject decodes ENCODING=b
		case len(p.Data) > 0:
			v.Photo = "data:" + p.MediaType + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
		default:
			v.Photo = p.URI
		}
	}
	return v
}
