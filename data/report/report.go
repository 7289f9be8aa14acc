// Package report holds Fieldbook's print documents, rendered as A4 PDFs
// with gopdf: the company brochure, the delegation catalogue of a mission,
// the follow-up list and the mission report. Every document is set in the
// embedded Noto Sans (so Finnish, Estonian, Cyrillic and Uzbek letters all
// print), labelled in English, Finnish, Estonian or Russian, and
// deterministic: the same records and Options give the same bytes.
package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Source is what the documents read from (a *store.Store satisfies it).
type Source = store.Reader

// blobSource is the optional part of a Source that holds attachment
// content; with it a brochure prints the organization's logo.
type blobSource interface {
	Blob(ctx context.Context, sha string) ([]byte, error)
}

// Options say how a document is printed.
type Options struct {
	Lang string // "en", "fi", "et" or "ru"; "" = "en"; anything else → error wrapping data.ErrInvalid
	// Created is the PDF's creation date and the date printed on it; zero
	// = time.Now(). Fixed in tests so output is deterministic (same bytes
	// for the same input).
	Created time.Time
	Now     time.Time // "today" for overdue marks etc.; zero = time.Now()
}

// Languages are the document languages, in the order a UI offers them.
var Languages = []string{"en", "fi", "et", "ru"}

// normalize checks the language and fills the zero times.
func (o Options) normalize() (Options, error) {
	if o.Lang == "" {
		o.Lang = "en"
	}
	ok := false
	for _, l := range Languages {
		ok = ok || l == o.Lang
	}
	if !ok {
		return o, data.Errorf(data.ErrInvalid, "document language %q is not supported (want en, fi, et or ru)", o.Lang)
	}
	now := time.Now()
	if o.Created.IsZero() {
		o.Created = now
	}
	if o.Now.IsZero() {
		o.Now = now
	}
	return o, nil
}

// Brochure writes a one- or two-page brochure of organization org.
func Brochure(ctx context.Context, src Source, org data.ID, opt Options, w io.Writer) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	o, err := load[*data.Organization](ctx, src, org, "organization")
	if err != nil {
		return err
	}
	d, err := newDoc(opt)
	if err != nil {
		return err
	}
	d.footerLeft = o.Name
	d.setInfo(d.l("brochure")+": "+o.Name, o.Name)
	if err := d.brochure(ctx, src, o); err != nil {
		return err
	}
	return d.finish(w)
}

// Catalogue writes the delegation catalogue of mission: cover, contents,
// one brochure per member organization and the delegation's contacts.
func Catalogue(ctx context.Context, src Source, mission data.ID, opt Options, w io.Writer) error {
	return missionDocument(ctx, src, mission, opt, w, catalogue)
}

// Report writes the mission report: key figures, meetings per kind and per
// company, opportunities by value and follow-up completion, with charts.
func Report(ctx context.Context, src Source, mission data.ID, opt Options, w io.Writer) error {
	return missionDocument(ctx, src, mission, opt, w, missionReport)
}

// missionDocument checks the options and the mission, then renders.
func missionDocument(ctx context.Context, src Source, mission data.ID, opt Options, w io.Writer,
	render func(context.Context, Source, *data.Mission, Options, io.Writer) error) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	m, err := load[*data.Mission](ctx, src, mission, "mission")
	if err != nil {
		return err
	}
	return render(ctx, src, m, opt, w)
}

// FollowUpList prints the given follow-ups (caller filters: mission,
// status, owner, private), sorted by due date inside; title heads the
// first page.
func FollowUpList(ctx context.Context, src Source, items []*data.FollowUp, title string, opt Options, w io.Writer) error {
	opt, err := opt.normalize()
	if err != nil {
		return err
	}
	return followUpList(ctx, src, items, title, opt, w)
}

// load reads the record id and checks it is a T; what names the expected
// kind in the message ("mission", "organization").
func load[T data.Record](ctx context.Context, src Source, id data.ID, what string) (T, error) {
	var zero T
	if id == "" {
		return zero, data.Errorf(data.ErrInvalid, "no %s given", what)
	}
	if _, err := data.ParseID(string(id)); err != nil {
		return zero, data.Errorf(data.ErrInvalid, "%s id %q is not a valid id", what, id)
	}
	rec, err := src.Get(ctx, id)
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return zero, data.Errorf(data.ErrNotFound, "no %s %s", what, id)
		}
		return zero, fmt.Errorf("read %s %s: %w", what, id, err)
	}
	t, ok := rec.(T)
	if !ok {
		return zero, data.Errorf(data.ErrInvalid, "%s is %s, not %s", id, rec.Kind().WithArticle(), zero.Kind().WithArticle())
	}
	return t, nil
}

func isNotFound(err error) bool { return errors.Is(err, data.ErrNotFound) }
