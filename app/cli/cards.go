package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/exchange"
	"github.com/clusme/fieldbook/data/report"
	"github.com/clusme/fieldbook/data/store"
)

// cmdMe shows or sets my own card.
func cmdMe(e *env, args []string) error {
	if len(args) == 0 || args[0] == "show" || strings.HasPrefix(args[0], "-") && args[0] == "--json" {
		return meShow(e, args)
	}
	if args[0] != "set" {
		return usagef("me: %q: want set or show", args[0])
	}
	fs := flag.NewFlagSet("me set", flag.ContinueOnError)
	name := fs.String("name", "", "full name as printed on the card")
	given := fs.String("given", "", "given name (instead of --name)")
	family := fs.String("family", "", "family name (instead of --name)")
	org := fs.String("org", "", "organization name")
	title := fs.String("title", "", "job title")
	email := fs.String("email", "", "e-mail address")
	phone := fs.String("phone", "", "phone number")
	mobile := fs.String("mobile", "", "mobile number")
	website := fs.String("website", "", "web address")
	address := fs.String("address", "", "postal address on one line")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("me set: unexpected argument %q", pos[0])
	}
	p, err := e.st.Profile(e.ctx)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if len(set) == 0 {
		return usagef("me set: nothing to set (--name N [--org NAME] [--title T] [--email E] [--phone P] …)")
	}
	if set["name"] && (set["given"] || set["family"]) {
		return usagef("me set: give --name or --given/--family, not both")
	}
	if set["name"] {
		p.GivenName, p.FamilyName = data.SplitName(*name, false)
	}
	for _, f := range []struct {
		name     string
		dst, val *string
	}{{"given", &p.GivenName, given}, {"family", &p.FamilyName, family}, {"org", &p.Org, org}, {"title", &p.Title, title},
		{"email", &p.Email, email}, {"phone", &p.Phone, phone}, {"mobile", &p.Mobile, mobile},
		{"website", &p.Website, website}, {"address", &p.Address, address}} {
		if set[f.name] {
			*f.dst = *f.val
		}
	}
	if err := e.st.SetProfile(e.ctx, p); err != nil {
		return fmt.Errorf("me set: %w", err)
	}
	fmt.Fprintf(e.out, "my card: %s\n", profileLine(p))
	return nil
}

func profileLine(p data.Profile) string {
	return strings.Join(nonEmpty(p.Name(), p.Title, p.Org, p.Email, p.Phone, p.Mobile, p.Website), ", ")
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func meShow(e *env, args []string) error {
	if len(args) > 0 && args[0] == "show" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("me show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("me: unexpected argument %q", pos[0])
	}
	p, err := e.st.Profile(e.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, p)
	}
	if p.Empty() {
		return data.Errorf(data.ErrNotFound, "my card is not set up yet: fieldbook me set --name \"Given Family\" --org NAME --email E --phone P")
	}
	b, err := card.Format(exchange.ProfileCard(p), "3.0")
	if err != nil {
		return err
	}
	_, err = e.out.Write(b)
	return err
}

// cmdCard is the business-card command group.
func cmdCard(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("card: say what to do: decode, import, qr or export")
	}
	switch args[0] {
	case "decode":
		return cardDecode(e, args[1:])
	case "import":
		return cardImport(e, args[1:])
	case "qr":
		return cardQR(e, args[1:])
	case "export":
		return cardExport(e, args[1:])
	case "sheet":
		return cardSheet(e, args[1:])
	}
	return usagef("card: %q: want decode, import, qr, export or sheet", args[0])
}

// cardDecode prints each image's QR payload exactly as encoded (like
// zbarimg --raw), one per image; images without a code are reported on
// stderr and make the exit code 1 after the others are printed.
func cardDecode(e *env, args []string) error {
	fs := flag.NewFlagSet("card decode", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print [{file, text, error}] as JSON")
	files, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(files) == 0 {
		return usagef("card decode: give one or more image files")
	}
	type decoded struct {
		File  string `json:"file"`
		Text  string `json:"text,omitempty"`
		Error string `json:"error,omitempty"`
	}
	var out []decoded
	failed := 0
	for _, f := range files {
		r, err := qr.DecodeFile(e.ctx, f)
		if err != nil {
			failed++
			out = append(out, decoded{File: f, Error: decodeError(f, err)})
			if !*asJSON {
				fmt.Fprintln(e.errOut, "fieldbook: "+decodeError(f, err))
			}
			continue
		}
		out = append(out, decoded{File: f, Text: r.Text})
		if !*asJSON {
			fmt.Fprint(e.out, r.Text)
			if !strings.HasSuffix(r.Text, "\n") {
				fmt.Fprintln(e.out)
			}
		}
	}
	if *asJSON {
		if err := writeJSON(e.out, out); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("card decode: %d of %d images had no readable QR code", failed, len(files))
	}
	return nil
}

func decodeError(file string, err error) string {
	if errors.Is(err, qr.ErrNoCode) {
		return file + ": no QR code found in the image"
	}
	msg := err.Error()
	if !strings.Contains(msg, file) {
		msg = file + ": " + msg
	}
	return msg
}

// readCards reads the cards in a file: a QR image (decoded), a .vcf, a
// MECARD or plain text. source is "qr" for images, "" otherwise.
func readCards(e *env, path string) (cards []card.Card, source string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	if qr.IsImage(b) {
		r, err := qr.DecodeReader(e.ctx, bytes.NewReader(b))
		if err != nil {
			return nil, "", errors.New(decodeError(path, err))
		}
		b, source = []byte(r.Text), "qr"
	}
	cards, err = card.Parse(b)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return cards, source, nil
}

// cardImport makes or merges contacts from card files and prints one line
// per card: action, contact ID, name.
func cardImport(e *env, args []string) error {
	fs := flag.NewFlagSet("card import", flag.ContinueOnError)
	mission := fs.String("mission", "", "mission the cards were collected on (new companies in its country become hosts)")
	dryRun := fs.Bool("dry-run", false, "show what would happen, change nothing")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	files, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(files) == 0 {
		return usagef("card import: give one or more .vcf, image or text files")
	}
	opt := exchange.CardOptions{}
	if opt.Mission, err = optID("mission", *mission); err != nil {
		return err
	}
	if opt.Mission != "" {
		if _, err := store.Load[*data.Mission](e.ctx, e.st, opt.Mission); err != nil {
			return badRef("card import", "mission", err)
		}
	}
	type result struct {
		File    string   `json:"file"`
		Action  string   `json:"action"`
		Contact data.ID  `json:"contact"`
		Name    string   `json:"name"`
		Reason  string   `json:"match_reason,omitempty"`
		Problem string   `json:"problem,omitempty"`
		Filled  []string `json:"filled,omitempty"`
		Org     data.ID  `json:"org,omitempty"`
		NewOrg  bool     `json:"new_org,omitempty"`
	}
	var results []result
	for _, f := range files {
		cards, source, err := readCards(e, f)
		if err != nil {
			return err
		}
		opt.Source = source
		var plans []*exchange.CardPlan
		if *dryRun {
			plans, err = exchange.PlanCards(e.ctx, e.st, cards, opt)
		} else {
			plans, err = exchange.ImportCards(e.ctx, e.st, cards, opt)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, p := range plans {
			c := p.Contact()
			id := p.Saved
			if id == "" {
				id = c.ID
			}
			r := result{File: f, Action: p.Action, Contact: id, Name: c.Label(), Reason: p.Reason, Filled: p.Filled, Problem: p.Problem}
			if p.Problem != "" {
				r.Contact, r.Name = "", p.Card.FormattedName
			}
			if p.Org != nil {
				r.Org, r.NewOrg = p.Org.ID, p.NewOrg
			}
			results = append(results, r)
		}
	}
	if *asJSON {
		return writeJSON(e.out, results)
	}
	for _, r := range results {
		how := r.Action
		if r.Reason != "" {
			how += " (same " + r.Reason + ")"
		}
		if r.Problem != "" {
			fmt.Fprintf(e.errOut, "fieldbook: %s: %s\n", r.File, r.Problem)
		}
		fmt.Fprintf(e.out, "%s\t%s\t%s\n", r.Contact, how, r.Name)
	}
	if *dryRun {
		fmt.Fprintln(e.out, "dry run: nothing was changed")
	}
	return nil
}

// cardOf builds the card --me or --contact ID names.
func (e *env) cardOf(cmd string, me bool, contact string) (card.Card, error) {
	switch {
	case me && contact != "":
		return card.Card{}, usagef("%s: give --me or --contact ID, not both", cmd)
	case me:
		p, err := e.st.Profile(e.ctx)
		if err != nil {
			return card.Card{}, err
		}
		if p.Empty() {
			return card.Card{}, data.Errorf(data.ErrInvalid, "%s: my card is not set up yet (fieldbook me set --name N …)", cmd)
		}
		return exchange.ProfileCard(p), nil
	case contact != "":
		id, err := optID("contact", contact)
		if err != nil {
			return card.Card{}, err
		}
		// Showing or printing one contact's card is what the user asked
		// for by ID, even a private one.
		cards, err := exchange.CardsOf(e.ctx, e.st, exchange.Filter{IncludePrivate: true}, []data.ID{id})
		if err != nil {
			return card.Card{}, badRef(cmd, "contact", err)
		}
		return cards[0], nil
	}
	return card.Card{}, usagef("%s: say whose card: --me or --contact ID", cmd)
}

// cardQR draws a card as a QR code PNG.
func cardQR(e *env, args []string) error {
	fs := flag.NewFlagSet("card qr", flag.ContinueOnError)
	me := fs.Bool("me", false, "my own card")
	contact := fs.String("contact", "", "a contact's card")
	size := fs.Int("size", 768, "image size in pixels")
	out := fs.String("out", "", "PNG file to write (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("card qr: unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("card qr: --out FILE.png is required")
	}
	if *size < 64 || *size > 8192 {
		return usagef("card qr: --size %d: want 64 to 8192 pixels", *size)
	}
	c, err := e.cardOf("card qr", *me, *contact)
	if err != nil {
		return err
	}
	payload := card.QRPayload(c)
	png, err := qr.Encode(payload, *size)
	if err != nil {
		return data.Errorf(data.ErrInvalid, "card qr: %v", err)
	}
	version, _ := qr.Version(payload)
	if err := writeFile(*out, func(w io.Writer) error { _, err := w.Write(png); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "QR version %d, %d bytes of vCard 3.0\n%s\n", version, len(payload), *out)
	return nil
}

// cardExport writes contacts as a .vcf file.
func cardExport(e *env, args []string) error {
	fs := flag.NewFlagSet("card export", flag.ContinueOnError)
	all := fs.Bool("all", false, "every contact")
	mission := fs.String("mission", "", "the contacts of a mission (delegates, people met, member and host companies)")
	contact := fs.String("contact", "", "one contact")
	version := fs.String("version", "3.0", "vCard version: 3.0 (phones read it best) or 4.0")
	includePrivate := fs.Bool("include-private", false, "include contacts marked private")
	out := fs.String("out", "", ".vcf file to write (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("card export: unexpected argument %q", pos[0])
	}
	chosen := 0
	for _, b := range []bool{*all, *mission != "", *contact != ""} {
		if b {
			chosen++
		}
	}
	if chosen != 1 {
		return usagef("card export: give exactly one of --all, --mission ID or --contact ID")
	}
	if *version != "3.0" && *version != "4.0" {
		return usagef("card export: --version %q: want 3.0 or 4.0", *version)
	}
	if *out == "" {
		return usagef("card export: --out FILE.vcf is required")
	}
	f := exchange.Filter{IncludePrivate: *includePrivate}
	if f.Mission, err = optID("mission", *mission); err != nil {
		return err
	}
	if f.Mission != "" {
		if _, err := store.Load[*data.Mission](e.ctx, e.st, f.Mission); err != nil {
			return badRef("card export", "mission", err)
		}
	}
	var ids []data.ID
	if *contact != "" {
		id, err := optID("contact", *contact)
		if err != nil {
			return err
		}
		if _, err := store.Load[*data.Contact](e.ctx, e.st, id); err != nil {
			return badRef("card export", "contact", err)
		}
		ids = []data.ID{id}
	}
	var n int
	err = writeFile(*out, func(w io.Writer) error {
		var err error
		n, err = exchange.ExportVCards(e.ctx, e.st, f, ids, *version, w)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%d cards (vCard %s)\n%s\n", n, *version, *out)
	return nil
}

// cardSheet prints a card as a PDF sheet of cut-out business cards with
// the QR code, for handing out when the phone battery is empty.
func cardSheet(e *env, args []string) error {
	fs := flag.NewFlagSet("card sheet", flag.ContinueOnError)
	me := fs.Bool("me", false, "my own card")
	contact := fs.String("contact", "", "a contact's card")
	d := addDocFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("card sheet: unexpected argument %q", pos[0])
	}
	if *d.out == "" {
		return usagef("card sheet: --out FILE.pdf is required")
	}
	c, err := e.cardOf("card sheet", *me, *contact)
	if err != nil {
		return err
	}
	opt, err := d.options(e)
	if err != nil {
		return err
	}
	if err := writeFile(*d.out, func(w io.Writer) error { return report.CardSheet(c, opt, w) }); err != nil {
		return err
	}
	fmt.Fprintln(e.out, *d.out)
	return nil
}
