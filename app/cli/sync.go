package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/replica"
)

// webdavPasswordEnv names the environment variable a WebDAV password may
// come from, so it needs neither a file nor the command line.
const webdavPasswordEnv = "FIELDBOOK_WEBDAV_PASSWORD"

func cmdSync(e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return e.syncStatus(args[1:])
		case "key":
			return e.syncKey(args[1:])
		}
	}
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	folder := fs.String("folder", "", "sync through this folder (USB stick, Syncthing/Nextcloud folder, share)")
	webdav := fs.String("webdav", "", "sync through this WebDAV URL (Nextcloud, ownCloud, Apache, rclone)")
	user := fs.String("user", "", "WebDAV user name")
	passFile := fs.String("password-file", "", "file holding the WebDAV password (or "+webdavPasswordEnv+")")
	keyFile := fs.String("key-file", "", "file holding the delegation code, passphrase or age key (remembered)")
	newDevice := fs.Bool("new-device", false, "sync this data directory as a new device (after restoring a backup or copying it)")
	confirm := fs.Bool("confirm-deletes", false, "apply segments that delete many records at once")
	accept := fs.Bool("accept-clock", false, "apply changes dated far ahead of this computer's clock")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("sync: unexpected argument %q (sync [--folder DIR | --webdav URL], sync status, sync key)", pos[0])
	}
	if *folder != "" && *webdav != "" {
		return usagef("sync: give --folder or --webdav, not both")
	}
	cfg, err := replica.LoadConfig(e.ctx, e.st)
	if err != nil {
		return err
	}
	switch {
	case *folder != "":
		// Named on the command line for the first time: make the folder
		// itself, but only on a drive that is there (its parent exists),
		// so an unplugged stick is an error rather than a local folder.
		if _, err := os.Stat(filepath.Dir(filepath.Clean(*folder))); err == nil {
			_ = os.Mkdir(*folder, 0o700)
		}
		cfg.Location, cfg.User, cfg.Password = *folder, "", ""
	case *webdav != "":
		if !replica.IsWebDAV(*webdav) {
			return usagef("sync: --webdav %q: not an http:// or https:// URL", *webdav)
		}
		// Credentials in the URL are taken out of it, so that neither
		// sync status nor the settings show them; a password is kept only
		// for the server and user it was given for.
		loc, u, p := replica.SplitCredentials(*webdav)
		if *user != "" {
			u = *user
		}
		if loc != cfg.Location || u != cfg.User {
			cfg.Password = ""
		}
		if p != "" {
			cfg.Password = p
		}
		cfg.Location, cfg.User = loc, u
	case cfg.Location == "":
		return usagef("sync: no sync location yet: give --folder DIR or --webdav URL (it is remembered)")
	}
	if replica.IsWebDAV(cfg.Location) {
		if *passFile != "" {
			b, err := os.ReadFile(*passFile)
			if err != nil {
				return usagef("sync: %v", err)
			}
			cfg.Password = strings.TrimRight(string(b), "\r\n")
		} else if p := os.Getenv(webdavPasswordEnv); p != "" {
			cfg.Password = p
		}
	}
	if *keyFile != "" {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return usagef("sync: %v", err)
		}
		if err := setKey(&cfg, string(b)); err != nil {
			return err
		}
	}
	key, err := cfg.Key()
	if err != nil {
		return err
	}
	t, err := replica.Open(e.ctx, cfg.Location, cfg.User, cfg.Password)
	if err != nil {
		return err
	}
	if err := replica.SaveConfig(e.ctx, e.st, cfg); err != nil {
		return err
	}
	if *newDevice {
		old, err := e.st.NewDevice(e.ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.out, "This data directory is now device %s (it was %s); the old device's changes are read back like another's.\n", e.st.Device(), old)
	}
	opt := replica.Options{AcceptFuture: *accept}
	if *confirm {
		opt.ConfirmDeletes = func(data.ID, string, int) bool { return true }
	}
	rep, err := replica.Sync(e.ctx, e.st, t, key, opt)
	if rep != nil {
		if *asJSON {
			if jerr := writeJSON(e.out, rep); jerr != nil {
				return jerr
			}
		} else {
			printSyncReport(e.out, rep)
		}
	}
	return err
}

// setKey reads a delegation code, passphrase or age key into cfg.
func setKey(cfg *replica.Config, secret string) error {
	secret = strings.TrimSpace(secret)
	k, err := replica.KeyFromSecret(secret)
	if err != nil {
		return err
	}
	cfg.Secret = k.Secret()
	cfg.Code = ""
	if replica.IsCode(secret) {
		cfg.Code = replica.FormatCode(secret)
	}
	return nil
}

func printSyncReport(w io.Writer, r *replica.Report) {
	fmt.Fprintf(w, "Synced with %s in %s\n", r.Location, r.Duration.Round(time.Millisecond))
	fmt.Fprintf(w, "  sent %d changes in %d segments, %d attachments\n", r.Pushed, len(r.SegmentsWritten), r.BlobsWritten)
	m := r.Merge
	fmt.Fprintf(w, "  received %d changes in %d segments from %d devices: %d new records, %d changed, %d deleted, %d restored, %d erased; %d attachments\n",
		r.Received, r.SegmentsRead, len(r.Devices), m.Created, m.Applied-m.Created-m.Deleted-m.Restored-m.Erased, m.Deleted, m.Restored, m.Erased, r.BlobsRead)
	if n := len(r.Conflicts); n > 0 {
		fmt.Fprintf(w, "  %d new conflicts to review: fieldbook conflicts list\n", n)
	}
	hint := map[string]string{"future": " (sync --accept-clock applies it)", "deletes": " (sync --confirm-deletes applies it)"}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s: %s%s\n", p.Kind, p, hint[p.Kind])
	}
}

func (e *env) syncStatus(args []string) error {
	fs := flag.NewFlagSet("sync status", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("sync status: unexpected argument %q", pos[0])
	}
	st, err := replica.GetStatus(e.ctx, e.st)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, st)
	}
	fmt.Fprintf(e.out, "This device: %s (%d changes in its log)\n", st.Device, st.LastSeq)
	loc := st.Location
	if loc == "" {
		loc = "none yet (sync --folder DIR or --webdav URL)"
	}
	fmt.Fprintf(e.out, "Sync location: %s\n", loc)
	if st.KeySet {
		fmt.Fprintln(e.out, "Delegation key: set")
	} else {
		fmt.Fprintln(e.out, "Delegation key: not set (sync key new, or sync key set)")
	}
	for _, l := range st.Locations {
		last := "never"
		if !l.LastSync.IsZero() {
			last = l.LastSync.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(e.out, "%s: last sync %s; %d of this device's changes not there yet\n", l.Location, last, l.Unpushed)
		if l.LastError != "" {
			fmt.Fprintf(e.out, "  last error: %s\n", l.LastError)
		}
		for _, d := range l.Devices {
			fmt.Fprintf(e.out, "  device %s: %d segments read, changes merged up to %d\n", d.Device, d.Segments, d.Merged)
		}
		for _, s := range l.Skipped {
			fmt.Fprintf(e.out, "  skipped: %s\n", s)
		}
	}
	fmt.Fprintf(e.out, "Open conflicts: %d\n", st.Conflicts)
	return nil
}

func (e *env) syncKey(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("sync key: say what to do: new, set or show")
	}
	what := args[0]
	fs := flag.NewFlagSet("sync key "+what, flag.ContinueOnError)
	file := fs.String("file", "", "set: read the code, passphrase or age key from this file ('-' for stdin)")
	qrOut := fs.String("qr", "", "show: also draw the key as a QR code into this PNG file")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return e.help(err)
	}
	cfg, err := replica.LoadConfig(e.ctx, e.st)
	if err != nil {
		return err
	}
	switch what {
	case "new":
		if len(pos) > 0 {
			return usagef("sync key new takes no arguments")
		}
		code := replica.NewCode()
		if err := setKey(&cfg, code); err != nil {
			return err
		}
		if err := replica.SaveConfig(e.ctx, e.st, cfg); err != nil {
			return err
		}
		fmt.Fprintf(e.out, "New delegation code (give it to every member; they run: fieldbook sync key set CODE):\n%s\n", code)
		return nil
	case "set":
		var secret string
		switch {
		case len(pos) == 1 && *file == "":
			secret = pos[0]
		case len(pos) == 0 && *file != "":
			var b []byte
			if *file == "-" {
				b, err = io.ReadAll(os.Stdin)
			} else {
				b, err = os.ReadFile(*file)
			}
			if err != nil {
				return usagef("sync key set: %v", err)
			}
			secret = string(b)
		default:
			return usagef("sync key set: give the code as an argument, or --file F")
		}
		if err := setKey(&cfg, secret); err != nil {
			return err
		}
		if err := replica.SaveConfig(e.ctx, e.st, cfg); err != nil {
			return err
		}
		k, _ := cfg.Key()
		fmt.Fprintf(e.out, "Delegation key set (fingerprint %s: compare it with the others')\n", k.Fingerprint())
		return nil
	case "show":
		if len(pos) > 0 {
			return usagef("sync key show: unexpected argument %q", pos[0])
		}
		k, err := cfg.Key()
		if err != nil {
			return err
		}
		shown := cfg.Code
		if shown == "" {
			shown = k.Secret()
		}
		fmt.Fprintf(e.out, "%s\nfingerprint %s\n", shown, k.Fingerprint())
		if *qrOut != "" {
			png, err := qr.Encode(shown, 512)
			if err != nil {
				return err
			}
			if err := os.WriteFile(*qrOut, png, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(e.out, "wrote %s\n", *qrOut)
		}
		return nil
	}
	return usagef("sync key: unknown action %q (new, set, show)", what)
}

func cmdConflicts(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("conflicts: say what to do: list or resolve")
	}
	switch args[0] {
	case "list":
		fs := flag.NewFlagSet("conflicts list", flag.ContinueOnError)
		asJSON := fs.Bool("json", false, "print JSON")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return e.help(err)
		}
		if len(pos) > 0 {
			return usagef("conflicts list: unexpected argument %q", pos[0])
		}
		cs, err := e.st.Conflicts(e.ctx)
		if err != nil {
			return err
		}
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Detected < cs[j].Detected })
		if *asJSON {
			type row struct {
				Key string `json:"key"`
				data.Conflict
				Label string `json:"label"`
			}
			out := []row{}
			for _, c := range cs {
				out = append(out, row{Key: c.Key(), Conflict: c, Label: strings.Trim(e.refName(c.Record), " ()")})
			}
			return writeJSON(e.out, out)
		}
		if len(cs) == 0 {
			fmt.Fprintln(e.out, "No open conflicts.")
			return nil
		}
		for _, c := range cs {
			fmt.Fprintf(e.out, "%s\n  %s %s%s, field %s\n", c.Key(), c.Kind, c.Record, e.refName(c.Record), c.Field)
			cur := json.RawMessage(nil)
			if rec, err := e.st.Get(e.ctx, c.Record); err == nil {
				if f, err := data.FieldsOf(rec); err == nil {
					cur = f[c.Field]
				}
			}
			who := func(d data.ID) string {
				if d == e.st.Device() {
					return "mine"
				}
				return "theirs, device " + string(d)
			}
			fmt.Fprintf(e.out, "  now:   %s  (%s)\n", shortValue(cur), who(c.Current.Device))
			fmt.Fprintf(e.out, "  other: %s  (%s, %s)\n", shortValue(c.Other.Value), who(c.Other.Device), c.Other.HLC.Time().Local().Format("2006-01-02 15:04"))
		}
		return nil
	case "resolve":
		fs := flag.NewFlagSet("conflicts resolve", flag.ContinueOnError)
		keep := fs.String("keep", "", "mine: the value written on this device (or, if neither was, the one the record has now); theirs: the other device's")
		other := fs.Bool("other", false, "take the other value (the one the record does not show)")
		value := fs.String("value", "", "write this value instead (e.g. both texts merged by hand)")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return e.help(err)
		}
		if len(pos) != 1 {
			return usagef("conflicts resolve: give one conflict key (conflicts list shows them)")
		}
		n := 0
		for _, b := range []bool{*keep != "", *other, *value != ""} {
			if b {
				n++
			}
		}
		if n != 1 {
			return usagef("conflicts resolve: give exactly one of --keep mine|theirs, --other, --value V")
		}
		if *keep != "" && *keep != "mine" && *keep != "theirs" {
			return usagef("conflicts resolve: --keep %q: say mine or theirs", *keep)
		}
		c, err := e.st.Conflict(e.ctx, pos[0])
		if err != nil {
			return err
		}
		// The record shows c.Current; "mine" is the side this device
		// wrote, "theirs" the other device's.
		otherIsMine := c.Other.Device == e.st.Device()
		if *keep == "mine" && otherIsMine || *keep == "theirs" && !otherIsMine {
			*other = true
		}
		var v json.RawMessage
		switch {
		case *other:
			v = c.Other.Value
			if v == nil {
				v = json.RawMessage("null")
			}
		case *value != "":
			rec, err := e.st.Get(e.ctx, c.Record)
			if err != nil {
				return err
			}
			if err := data.SetField(rec, c.Field, *value); err != nil {
				return err
			}
			f, err := data.FieldsOf(rec)
			if err != nil {
				return err
			}
			v = f[c.Field]
			if v == nil {
				v = json.RawMessage("null")
			}
		}
		if err := e.st.ResolveConflict(e.ctx, pos[0], v); err != nil {
			return err
		}
		fmt.Fprintf(e.out, "resolved %s\n", pos[0])
		return nil
	}
	return usagef("conflicts: unknown action %q (list, resolve)", args[0])
}

// shortValue prints a JSON value on one line, strings without quotes.
func shortValue(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" {
		return "(empty)"
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		v = nil
	} else {
		s = string(v)
	}
	s = oneLine(s)
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}
