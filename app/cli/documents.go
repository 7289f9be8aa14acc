package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/report"
)

// docFlags are the flags every PDF command shares. The document's
// language is the global --lang (which may be typed after the command, as
// DESIGN.md's "brochure --org ID --lang ru" does), else the OS language.
type docFlags struct {
	out *string
}

func addDocFlags(fs *flag.FlagSet) docFlags {
	return docFlags{out: fs.String("out", "", "PDF file to write (required)")}
}

func (d docFlags) options(e *env) (report.Options, error) {
	if *d.out == "" {
		return report.Options{}, usagef("--out FILE.pdf is required")
	}
	return report.Options{Lang: locale.Code(e.lang)}, nil
}

// writeFile writes a document to path atomically: a temp file beside it,
// renamed into place once complete, so a failure never leaves half a PDF
// (or destroys the previous one).
func writeFile(path string, gen func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := gen(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// docCommand makes a PDF command that takes one record ID flag: brochure
// (--org), catalogue and report (--mission).
func docCommand(name, idFlag string, gen func(ctx context.Context, src report.Source, id data.ID, opt report.Options, w io.Writer) error) func(*env, []string) error {
	return func(e *env, args []string) error {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		id := fs.String(idFlag, "", idFlag+" ID (required)")
		d := addDocFlags(fs)
		return e.document(fs, args, idFlag, id, d, func(id data.ID, opt report.Options, w io.Writer) error {
			return gen(e.ctx, e.st, id, opt, w)
		})
	}
}

// document runs a PDF command that takes one required record ID flag.
func (e *env) document(fs *flag.FlagSet, args []string, idFlag string, idVal *string, d docFlags,
	gen func(data.ID, report.Options, io.Writer) error) error {
	pos, err := parse(fs, args)
	if err != nil {
		return e.help(err)
	}
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), pos[0])
	}
	if *idVal == "" {
		return usagef("%s: --%s ID is required", fs.Name(), idFlag)
	}
	id, err := optID(idFlag, *idVal)
	if err != nil {
		return err
	}
	opt, err := d.options(e)
	if err != nil {
		return err
	}
	if err := writeFile(*d.out, func(w io.Writer) error { return gen(id, opt, w) }); err != nil {
		return err
	}
	fmt.Fprintln(e.out, *d.out)
	return nil
}
