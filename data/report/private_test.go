package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// TestPrivateNamesNeverPrint: a shared follow-up or meeting that links to
// a private organization must not print that organization's name.
func TestPrivateNamesNeverPrint(t *testing.T) {
	needTool(t, "pdftotext")
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := sample.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	secret := &data.Organization{Name: "Secret Partner Oy", OrgKind: data.OrgPartner}
	secret.Confidentiality = data.Private
	if err := st.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	fu := &data.FollowUp{Title: "Call the partner", Due: "2026-04-01", Mission: rbMission, Org: secret.ID}
	mt := &data.Meeting{Mission: rbMission, Title: "Side meeting", MeetingKind: data.MeetingB2B,
		Start: time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC), TimeZone: "Africa/Johannesburg", Orgs: []data.ID{secret.ID}}
	for _, r := range []data.Record{fu, mt} {
		if err := st.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	opt := Options{Lang: "en", Created: created, Now: now}
	list := generate(t, "private-list.pdf", func(w *bytes.Buffer) error {
		return FollowUpList(ctx, st, []*data.FollowUp{fu}, "List", opt, w)
	})
	rep := generate(t, "private-report.pdf", func(w *bytes.Buffer) error {
		return Report(ctx, st, rbMission, opt, w)
	})
	for _, p := range []string{list, rep} {
		if txt := text(t, p); strings.Contains(txt, "Secret Partner") {
			t.Errorf("%s prints a private organization's name", p)
		}
	}
	if txt := text(t, list); !strings.Contains(txt, "Call the partner") {
		t.Fatalf("the shared follow-up itself is missing: %.300s", txt)
	}
}
