package store

import (
	"bytes"
	"context"
	"errors"
	"sort"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
)

// Hit is one search result.
type Hit struct {
	ID     data.ID
	Kind   data.Kind
	Label  string
	Score  int
	Record data.Record
}

// maxTermScan bounds how many index entries one query token may visit, so
// a one-letter query typed into a search box over a million records stays
// fast. Exact token matches are visited before longer words sharing the
// prefix, so they are never the ones cut off.
const maxTermScan = 50000

// Search finds live records whose words start with every word of query,
// ignoring case and diacritics ("jyvaskyla" finds "Jyväskylä", "тошкент"
// finds "ТОШКЕНТ"). The last word typed is a prefix, and so are the others,
// which is what type-ahead wants. Hits are ranked by where the words match
// (a name counts more than notes) and whether a word matched whole; ties go
// to the newest record. limit ≤ 0 means 50.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if limit <= 0 {
		limit = 50
	}
	toks := locale.Tokens(query)
	if len(toks) == 0 {
		return nil, nil
	}
	// The longest token is usually the most selective: start from it.
	sort.SliceStable(toks, func(i, j int) bool { return len(toks[i]) > len(toks[j]) })
	type cand struct {
		kind  data.Kind
		score int
	}
	var cands map[[16]byte]*cand
	var hits []Hit
	err := s.db.View(func(txn *badger.Txn) error {
		for i, tok := range toks {
			if len(tok) > maxTermLen {
				tok = tok[:maxTermLen]
			}
			found := map[[16]byte]*cand{}
			prefix := append([]byte{pTerm}, tok...)
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			n := 0
			for it.Rewind(); it.Valid() && n < maxTermScan; it.Next() {
				n++
				k := it.Item().Key()
				// k = pTerm token 0x00 id(16) weight kind
				if len(k) < 1+len(tok)+1+18 {
					continue
				}
				end := len(k) - 19
				if k[end] != 0 || bytes.IndexByte(k[1:end], 0) >= 0 {
					continue
				}
				var id [16]byte
				copy(id[:], k[end+1:end+17])
				if cands != nil && cands[id] == nil {
					continue // already excluded by an earlier token
				}
				sc := int(k[len(k)-2])
				if end-1 == len(tok) {
					sc *= 3 // the whole word matched
				}
				if c := found[id]; c == nil {
					found[id] = &cand{kind: byteKind[k[len(k)-1]], score: sc}
				} else if sc > c.score {
					c.score = sc
				}
			}
			it.Close()
			if i == 0 {
				cands = found
				continue
			}
			for id, c := range cands {
				if f := found[id]; f == nil {
					delete(cands, id)
				} else {
					c.score += f.score
				}
			}
			if len(cands) == 0 {
				return nil
			}
		}
		order := make([][16]byte, 0, len(cands))
		for id := range cands {
			order = append(order, id)
		}
		kindRank := map[data.Kind]int{}
		for i, k := range data.Kinds {
			kindRank[k] = i
		}
		sort.Slice(order, func(i, j int) bool {
			a, b := cands[order[i]], cands[order[j]]
			if a.score != b.score {
				return a.score > b.score
			}
			if a.kind != b.kind {
				return kindRank[a.kind] < kindRank[b.kind]
			}
			return bytes.Compare(order[i][:], order[j][:]) > 0
		})
		for _, id := range order {
			if len(hits) >= limit {
				break
			}
			e, err := readEnvelope(txn, id)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if e.Deleted != 0 {
				continue
			}
			rec, err := e.record()
			if err != nil {
				return err
			}
			hits = append(hits, Hit{ID: rec.Meta().ID, Kind: rec.Kind(), Label: rec.Label(), Score: cands[id].score, Record: rec})
		}
		return ctx.Err()
	})
	return hits, err
}
