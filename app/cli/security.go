package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
	"github.com/clusme/fieldbook/data/vault"
)

// passphraseEnv names the file holding the passphrase of an encrypted
// store, for scripts that would rather not repeat --passphrase-file.
const passphraseEnv = "FIELDBOOK_PASSPHRASE_FILE"

// passphrase reads the store passphrase from --passphrase-file or the
// environment; nil when neither is given.
func (e *env) passphrase() ([]byte, error) {
	path := e.passFile
	if path == "" {
		path = os.Getenv(passphraseEnv)
	}
	if path == "" {
		return nil, nil
	}
	p, err := vault.ReadPassphraseFile(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return p, nil
}

// storeOptions are the options every command opens the store with: a
// schema upgrade says on stderr why this one open is slow.
func (e *env) storeOptions() store.Options {
	return store.Options{Verbose: e.verbose, Upgrading: func(step string) {
		fmt.Fprintf(e.errOut, "fieldbook: updating the data for this version (%s); this happens once and can take a minute on a large notebook\n", step)
	}}
}

// openStore opens the data directory, unlocking it when it is encrypted.
func (e *env) openStore() (*store.Store, error) {
	pass, err := e.passphrase()
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	st, err := vault.Open(e.ctx, e.dataDir, pass, e.storeOptions())
	if errors.Is(err, data.ErrLocked) && pass == nil {
		return nil, fmt.Errorf("%w (unlock it with --passphrase-file FILE or %s=FILE)", err, passphraseEnv)
	}
	return st, err
}

// cmdPassphrase turns encryption at rest on, changes the passphrase, or
// turns it off.
func cmdPassphrase(e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("passphrase: say what to do: set, change or remove")
	}
	what := args[0]
	fs := flag.NewFlagSet("passphrase "+what, flag.ContinueOnError)
	newFile := fs.String("new-passphrase-file", "", "file holding the new passphrase (set, change)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("passphrase %s: unexpected argument %q", what, pos[0])
	}
	readNew := func() ([]byte, error) {
		if *newFile == "" {
			return nil, usagef("passphrase %s: --new-passphrase-file FILE is required", what)
		}
		p, err := vault.ReadPassphraseFile(*newFile)
		if err != nil {
			return nil, usagef("%v", err)
		}
		return p, nil
	}
	cur, err := e.passphrase()
	if err != nil {
		return err
	}
	defer clear(cur)
	switch what {
	case "set":
		// The new passphrase may come with either flag: "set" has no old one.
		p := cur
		if *newFile != "" || p == nil {
			if p, err = readNew(); err != nil {
				return err
			}
		}
		if err := vault.SetPassphrase(e.ctx, e.dataDir, p); err != nil {
			return err
		}
		fmt.Fprintln(e.out, "the data is now encrypted; keep the passphrase safe: without it the data cannot be read")
	case "change":
		if cur == nil {
			return usagef("passphrase change: the current passphrase is needed (--passphrase-file FILE)")
		}
		p, err := readNew()
		if err != nil {
			return err
		}
		if err := vault.ChangePassphrase(e.dataDir, cur, p); err != nil {
			return err
		}
		fmt.Fprintln(e.out, "passphrase changed")
	case "remove":
		if cur == nil {
			return usagef("passphrase remove: the current passphrase is needed (--passphrase-file FILE)")
		}
		if err := vault.RemovePassphrase(e.ctx, e.dataDir, cur); err != nil {
			return err
		}
		fmt.Fprintln(e.out, "the data is no longer encrypted")
	default:
		return usagef("passphrase: %q: want set, change or remove", what)
	}
	return nil
}

// cmdBackup writes an encrypted backup. The passphrase (--passphrase-file)
// both unlocks an encrypted store and encrypts the backup: a backup is
// never written without one.
func cmdBackup(e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "backup file to write (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("backup: unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("backup: --out FILE is required")
	}
	pass, err := e.passphrase()
	if err != nil {
		return err
	}
	defer clear(pass)
	if pass == nil {
		return usagef("backup: a backup is always encrypted: give its passphrase with --passphrase-file FILE")
	}
	// An encrypted store is unlocked with the same passphrase; a plaintext
	// one is opened as it is.
	enc, err := vault.Encrypted(e.dataDir)
	if err != nil {
		return err
	}
	open := pass
	if !enc {
		open = nil
	}
	st, err := vault.Open(e.ctx, e.dataDir, open, e.storeOptions())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := writeFile(*out, func(w io.Writer) error { return vault.Backup(e.ctx, st, w, pass) }); err != nil {
		return err
	}
	stats := st.Stats(e.ctx)
	fmt.Fprintf(e.out, "backup of %s\n%s\n", countLine(stats), *out)
	return nil
}

func countLine(counts map[data.Kind]int) string {
	var parts []string
	for _, k := range data.Kinds {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %ss", n, k.Noun()))
		}
	}
	if len(parts) == 0 {
		return "an empty store"
	}
	return strings.Join(parts, ", ")
}

// cmdRestore restores a backup into an empty data directory.
func cmdRestore(e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	plaintext := fs.Bool("plaintext", false, "restore without encryption at rest (default: encrypted with the backup's passphrase)")
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) != 1 {
		return usagef("restore: give one backup file")
	}
	pass, err := e.passphrase()
	if err != nil {
		return err
	}
	defer clear(pass)
	if pass == nil {
		return usagef("restore: give the backup's passphrase with --passphrase-file FILE")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	storePass := pass
	if *plaintext {
		storePass = nil
	}
	sum, err := vault.Restore(e.ctx, e.dataDir, f, pass, storePass)
	if err != nil {
		return fmt.Errorf("restore %s: %w", pos[0], err)
	}
	how := "encrypted with the backup's passphrase"
	if !sum.Encrypted {
		how = "not encrypted"
	}
	fmt.Fprintf(e.out, "restored %s from a backup of %s (%s)\n%s\n", countLine(sum.Counts), sum.Created.Format("2006-01-02 15:04 MST"), how, e.dataDir)
	return nil
}

// cmdErase removes a person's data for good (GDPR erasure).
func cmdErase(e *env, args []string) error {
	fs := flag.NewFlagSet("erase", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) != 1 {
		return usagef("erase: give one record ID")
	}
	id, err := optID("record", pos[0])
	if err != nil {
		return err
	}
	pass, err := e.passphrase()
	if err != nil {
		return err
	}
	defer clear(pass)
	if err := vault.Erase(e.ctx, e.dataDir, pass, id); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "erased %s: its content is gone from the data directory; a tombstone remains so the erasure syncs\n", id)
	return nil
}
