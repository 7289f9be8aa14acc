package store

import (
	"context"

	"github.com/clusme/fieldbook/data"
)

// Cached wraps r so that each record is read at most once: for one load
// that follows many links (an agenda's meetings, their people and
// companies, each named many times). Not safe for concurrent use; make one
// per load, since it never sees later changes.
func Cached(r Reader) Reader { return &cached{r: r, recs: map[data.ID]cachedGet{}} }

type cachedGet struct {
	rec data.Record
	err error
}

type cached struct {
	r    Reader
	recs map[data.ID]cachedGet
}

func (c *cached) Get(ctx context.Context, id data.ID) (data.Record, error) {
	if g, ok := c.recs[id]; ok {
		return g.rec, g.err
	}
	rec, err := c.r.Get(ctx, id)
	if ctx.Err() == nil { // a cancelled read says nothing about the record
		c.recs[id] = cachedGet{rec, err}
	}
	return rec, err
}

func (c *cached) List(ctx context.Context, q Query) ([]data.Record, error) { return c.r.List(ctx, q) }
