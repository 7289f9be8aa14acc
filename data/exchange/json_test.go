package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// showJSON is a record as `show --json` prints it, without the times the
// store stamps on every save (an import is a new save here).
func showJSON(t *testing.T, rec data.Record) string {
	t.Helper()
	f, err := data.FieldsOf(rec)
	if err != nil {
		t.Fatal(err)
	}
	delete(f, "created")
	delete(f, "updated")
	b, _ := json.Marshal(f)
	return string(b)
}

func allByID(t *testing.T, st *store.Store) map[data.ID]string {
	t.Helper()
	out := map[data.ID]string{}
	for _, k := range data.Kinds {
		recs, err := st.List(context.Background(), store.Query{Kind: k})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			out[r.Meta().ID] = showJSON(t, r)
		}
	}
	return out
}

// withAttachment gives Hydroset a logo, whose attachment points back to
// the organization (the one circular link the JSON import must untie).
func withAttachment(t *testing.T, st *store.Store) *data.Attachment {
	t.Helper()
	ctx := context.Background()
	content := []byte("\x89PNG fake logo bytes ä")
	sha, err := st.PutBlob(ctx, content)
	if err != nil {
		t.Fatal(err)
	}
	a := &data.Attachment{Name: "hydroset-logo.png", MediaType: "image/png", SHA256: sha, Size: int64(len(content)), Record: hydroset}
	if err := st.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	o := mustGet[*data.Organization](t, st, hydroset)
	o.Logo = a.ID
	if err := st.Update(ctx, o); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestJSONRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := sampleStore(t)
	a := withAttachment(t, src)
	private := addPrivateFollowUp(t, src)

	var buf bytes.Buffer
	n, err := ExportAll(ctx, src, Filter{IncludePrivate: true}, Options{Now: fixedNow}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != 23+42+2+1+28+34+1 { // orgs, contacts, missions, seminar, meetings, follow-ups, attachment
		t.Errorf("exported %d records", n)
	}
	var doc struct {
		Format   string            `json:"format"`
		Version  int               `json:"version"`
		Exported string            `json:"exported"`
		Records  []map[string]any  `json:"records"`
		Blobs    map[string]string `json:"blobs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "fieldbook" || doc.Version != 1 || doc.Exported != "2026-06-15T08:30:00Z" || len(doc.Records) != n || len(doc.Blobs) != 1 || doc.Blobs[a.SHA256] == "" {
		t.Errorf("document head %s %d %s, %d records, blobs %v", doc.Format, doc.Version, doc.Exported, len(doc.Records), doc.Blobs)
	}
	if doc.Records[0]["type"] != "org" || doc.Records[len(doc.Records)-1]["type"] != "attachment" {
		t.Errorf("order: first %v last %v", doc.Records[0]["type"], doc.Records[len(doc.Records)-1]["type"])
	}

	dst := openStore(t)
	rep, err := Import(ctx, dst, "all.json", bytes.NewReader(buf.Bytes()), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != "json" || rep.Count("create", "") != n || rep.Rows != n || !rep.Applied {
		t.Errorf("import: %d created of %d", rep.Count("create", ""), rep.Rows)
	}
	if fmt.Sprint(src.Stats(ctx)) != fmt.Sprint(dst.Stats(ctx)) {
		t.Errorf("stats %v, want %v", dst.Stats(ctx), src.Stats(ctx))
	}
	want, got := allByID(t, src), allByID(t, dst)
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s:\n got %s\nwant %s", id, got[id], w)
		}
	}
	if blob, err := dst.Blob(ctx, a.SHA256); err != nil || !strings.Contains(string(blob), "logo bytes ä") {
		t.Errorf("blob %q %v", blob, err)
	}
	if fu := mustGet[*data.FollowUp](t, dst, private.ID); fu.Confidentiality != data.Private {
		t.Errorf("private follow-up came back as %s", fu.Confidentiality)
	}

	// Again: nothing is created, nothing is logged.
	seq := dst.LastSeq()
	rep, err = Import(ctx, dst, "all.json", bytes.NewReader(buf.Bytes()), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count("create", "") != 0 || rep.Count("unchanged", "") != n || dst.LastSeq() != seq {
		t.Errorf("second import: %d created, %d unchanged, seq %d → %d", rep.Count("create", ""), rep.Count("unchanged", ""), seq, dst.LastSeq())
	}
}

func TestJSONFilters(t *testing.T) {
	ctx := context.Background()
	src := sampleStore(t)
	private := addPrivateFollowUp(t, src)
	var buf bytes.Buffer
	n, err := ExportAll(ctx, src, Filter{}, Options{Now: fixedNow}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), string(private.ID)) || strings.Contains(buf.String(), `"confidentiality":"private"`) {
		t.Error("private records exported")
	}
	// The sample has one private meeting; follow-ups of it lose the link.
	if n != 23+42+2+1+27+33 {
		t.Errorf("%d records without private ones", n)
	}
	dst := openStore(t)
	if _, err := Import(ctx, dst, "shared.json", &buf, ImportOptions{}); err != nil {
		t.Fatalf("an export without private records does not import: %v", err)
	}

	// One mission: its records and what they link to, not the other mission.
	buf.Reset()
	n, err = ExportAll(ctx, src, Filter{Mission: tashkent}, Options{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), string(richardsBay)) || strings.Contains(buf.String(), "Nyathi") {
		t.Error("the Richards Bay mission leaked into the Tashkent export")
	}
	dst = openStore(t)
	rep, err := Import(ctx, dst, "tashkent.json", &buf, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stats := dst.Stats(ctx)
	if rep.Count("create", "") != n || stats[data.KindMission] != 1 || stats[data.KindFollowUp] != 15 || stats[data.KindMeeting] < 10 {
		t.Errorf("tashkent: %d records, stats %v", n, stats)
	}
}

func TestJSONImportChecks(t *testing.T) {
	ctx := context.Background()
	src := sampleStore(t)
	var buf bytes.Buffer
	if _, err := ExportAll(ctx, src, Filter{Mission: tashkent}, Options{}, &buf); err != nil {
		t.Fatal(err)
	}
	// A follow-up whose meeting is not in the file (or the store) is refused
	// as a whole, before anything is written.
	var doc map[string]json.RawMessage
	json.Unmarshal(buf.Bytes(), &doc)
	var recs []map[string]any
	json.Unmarshal(doc["records"], &recs)
	var kept []map[string]any
	for _, r := range recs {
		if r["type"] != "meeting" {
			kept = append(kept, r)
		}
	}
	doc["records"], _ = json.Marshal(kept)
	b, _ := json.Marshal(doc)
	dst := openStore(t)
	_, err := Import(ctx, dst, "cut.json", bytes.NewReader(b), ImportOptions{})
	if !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "neither in the file nor here") || !dst.Empty(ctx) {
		t.Errorf("dangling link: %v (store empty: %v)", err, dst.Empty(ctx))
	}
	// Dry run of a good file writes nothing.
	rep, err := Import(ctx, dst, "t.json", bytes.NewReader(buf.Bytes()), ImportOptions{DryRun: true})
	if err != nil || rep.Applied || rep.Count("create", "") == 0 || !dst.Empty(ctx) || dst.LastSeq() != 0 {
		t.Errorf("dry run: %v, %+v, empty %v", err, rep, dst.Empty(ctx))
	}
}
