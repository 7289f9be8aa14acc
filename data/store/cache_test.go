package store

import (
	"context"
	"errors"
	"testing"

	"github.com/clusme/fieldbook/data"
)

// countingReader counts the reads that reach the store.
type countingReader struct {
	Reader
	gets int
}

func (c *countingReader) Get(ctx context.Context, id data.ID) (data.Record, error) {
	c.gets++
	return c.Reader.Get(ctx, id)
}

func TestCachedReadsEachRecordOnce(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := &data.Organization{Name: "Nyathi Heavy Equipment", OrgKind: data.OrgHost}
	if err := st.Create(ctx, o); err != nil {
		t.Fatal(err)
	}
	cr := &countingReader{Reader: st}
	c := Cached(cr)
	missing := data.NewID()
	for range 3 {
		rec, err := c.Get(ctx, o.ID)
		if err != nil || rec.Label() != o.Name {
			t.Fatalf("%v, %v", rec, err)
		}
		if _, err := c.Get(ctx, missing); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("missing record: %v", err)
		}
	}
	if cr.gets != 2 {
		t.Fatalf("%d reads reached the store, want 2", cr.gets)
	}
}
