package store

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

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

// scanLimit bounds how many index entries one query word may visit, so a
// search box stays responsive over a million records. One- and two-letter
// prefixes match most of the index and say little, so they visit fewer;
// exact word matches come first in the index and are never the ones cut.
func scanLimit(tok string) int {
	switch utf8.RuneCountInString(tok) {
	case 1:
		return 1000
	case 2:
		return 4000
	}
	return 10000
}

// verifyLimit: with at most this many candidates left, the remaining query
// words are checked against each candidate's term document rather than by
// scanning their (possibly huge) prefix ranges.
const verifyLimit = 1500

// verifyTopUp is how many of the best-ranked unmatched candidates are
// still checked one by one when the scans already matched enough to fill
// the results twice over.
const verifyTopUp = 200

type cand struct {
	id    [16]byte
	kind  byte
	score int
}

// Search finds live records whose words start with every word of query,
// ignoring case and diacritics ("jyvaskyla" finds "Jyväskylä", "тошкент"
// finds "ТОШКЕНТ"); every word is a prefix, which is what type-ahead wants.
// Hits are ranked by where the words match (a name counts more than notes)
// and whether a word matched whole; ties go to the newest record.
// limit ≤ 0 means 50.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if limit <= 0 {
		limit = 50
	}
	toks := locale.Tokens(query)
	if len(toks) == 0 {
		return nil, nil
	}
	for i, t := range toks {
		toks[i] = clipTerm(t)
	}
	// The longest word is usually the most selective: start from it.
	sort.SliceStable(toks, func(i, j int) bool { return len(toks[i]) > len(toks[j]) })

	var hits []Hit
	gen := s.gen.Load() // before the snapshot: the cache is never older than what it reads
	err := s.db.View(func(txn *badger.Txn) error {
		var idx map[[16]byte]int
		var cands []cand
		// Candidates come from one word's index range. If that range is
		// longer than a scan may go, another word of the query may have a
		// complete one: try each before settling for a truncated set.
		first := 0
		for p, tok := range toks {
			var truncated bool
			cands, truncated = s.candidates(txn, gen, tok)
			idx = make(map[[16]byte]int, len(cands))
			for i, c := range cands {
				idx[c.id] = i
			}
			first = p
			if !truncated {
				break
			}
		}
		rest := append(append([]string{}, toks[:first]...), toks[first+1:]...)
		for _, tok := range rest {
			if len(cands) == 0 {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			best := make([]int, len(cands)) // this word's score per candidate; 0 = no match
			if len(cands) <= verifyLimit {
				for i, c := range cands {
					sc, err := docScore(txn, c.id, tok)
					if err != nil {
						return err
					}
					best[i] = sc
				}
			} else {
				others, truncated := s.candidates(txn, gen, tok)
				for _, o := range others {
					if i, ok := idx[o.id]; ok {
						best[i] = max(best[i], o.score)
					}
				}
				// The word's range was longer than a scan may go: check
				// candidates the scan did not reach one by one, the best
				// first, up to a budget (smaller for a word of one letter,
				// a keystroke in progress). Past that every word of the
				// query is common, and the hits are the best of a sample.
				if truncated {
					order := make([]int, 0, len(cands))
					for i := range cands {
						if best[i] == 0 {
							order = append(order, i)
						}
					}
					sort.SliceStable(order, func(a, b int) bool { return better(cands[order[a]], cands[order[b]]) })
					budget := min(verifyLimit, scanLimit(tok)/2)
					if matched := len(cands) - len(order); matched >= 2*limit {
						// The scans found plenty already: check only the
						// best-ranked of the rest (a name among notes),
						// not a long tail that would not make the page.
						budget = min(budget, verifyTopUp)
					}
					for _, i := range order[:min(len(order), budget)] {
						sc, err := docScore(txn, cands[i].id, tok)
						if err != nil {
							return err
						}
						best[i] = sc
					}
				}
			}
			kept := cands[:0]
			clear(idx)
			for i, c := range cands {
				if best[i] > 0 {
					c.score += best[i]
					idx[c.id] = len(kept)
					kept = append(kept, c)
				}
			}
			cands = kept
		}
		for _, c := range topK(cands, limit*2) {
			if len(hits) >= limit {
				break
			}
			rec, err := liveRecord(txn, c.id)
			if err != nil {
				return err
			}
			if rec == nil {
				continue
			}
			hits = append(hits, Hit{ID: rec.Meta().ID, Kind: rec.Kind(), Label: rec.Label(), Score: c.score, Record: rec})
		}
		return ctx.Err()
	})
	return hits, err
}

// scan visits the term index entries whose word starts with tok, calling
// fn with the record, its kind and the entry's score: the weight of the
// field the word is in, tripled when the whole word matched.
// It reports whether it stopped at scanLimit before the end of the range.
func scan(txn *badger.Txn, tok string, fn func(id [16]byte, kind byte, score int)) (truncated bool) {
	prefix := append([]byte{pTerm}, tok...)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	limit := scanLimit(tok)
	for it.Rewind(); it.Valid(); it.Next() {
		if limit == 0 {
			return true
		}
		limit--
		k := it.Item().Key()
		// k = pTerm word 0x00 id(16) weight kind
		end := len(k) - 19
		if end < len(prefix) || k[end] != 0 {
			continue
		}
		var id [16]byte
		copy(id[:], k[end+1:end+17])
		sc := int(k[len(k)-2])
		if end == len(prefix) {
			sc *= 3
		}
		fn(id, k[len(k)-1], sc)
	}
	return false
}

// docScore is the best score of a word starting with tok in a record's
// term document (0: none).
func docScore(txn *badger.Txn, id [16]byte, tok string) (int, error) {
	item, err := txn.Get(docKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	best := 0
	err = item.Value(func(doc []byte) error {
		// doc = (weight word 0x00)*
		for len(doc) > 1 {
			w := int(doc[0])
			end := bytes.IndexByte(doc[1:], 0)
			if end < 0 {
				break
			}
			word := doc[1 : 1+end]
			if bytes.HasPrefix(word, []byte(tok)) {
				sc := w
				if len(word) == len(tok) {
					sc *= 3
				}
				best = max(best, sc)
			}
			doc = doc[2+end:]
		}
		return nil
	})
	return best, err
}

// docTerms decodes a term document into word → weight.
func docTerms(doc []byte) map[string]uint8 {
	out := map[string]uint8{}
	for len(doc) > 1 {
		end := bytes.IndexByte(doc[1:], 0)
		if end < 0 {
			break
		}
		out[string(doc[1:1+end])] = doc[0]
		doc = doc[2+end:]
	}
	return out
}

// docValue encodes a record's terms for docScore and storedTermKeys.
func docValue(t map[string]uint8) []byte {
	var b []byte
	for word, w := range t {
		b = append(b, w)
		b = append(b, word...)
		b = append(b, 0)
	}
	return b
}

func clipTerm(tok string) string {
	if len(tok) <= maxTermLen {
		return tok
	}
	tok = tok[:maxTermLen]
	for !utf8.ValidString(tok) {
		tok = tok[:len(tok)-1]
	}
	return strings.Clone(tok)
}

// kindRank orders kinds of equal score: missions and organizations first.
var kindRank = func() map[byte]int {
	m := map[byte]int{}
	for i, k := range data.Kinds {
		m[kindByte[k]] = i
	}
	return m
}()

// better says whether a ranks before b.
func better(a, b cand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.kind != b.kind {
		return kindRank[a.kind] < kindRank[b.kind]
	}
	return bytes.Compare(a.id[:], b.id[:]) > 0 // newer first
}

// topK returns the k best candidates, best first, in O(n log k).
func topK(cands []cand, k int) []cand {
	h := &candHeap{}
	for _, c := range cands {
		if h.Len() < k {
			heap.Push(h, c)
		} else if better(c, (*h)[0]) {
			(*h)[0] = c
			heap.Fix(h, 0)
		}
	}
	out := make([]cand, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(cand)
	}
	return out
}

// candHeap is a min-heap: the worst kept candidate on top.
type candHeap []cand

func (h candHeap) Len() int           { return len(h) }
func (h candHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h candHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)        { *h = append(*h, x.(cand)) }
func (h *candHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// candidates returns the records a word's index range holds (one per
// record, its best score), and whether the range was longer than a scan
// may go. A search box asks the same first word again at every keystroke
// of the next words ("pilot", "pilot o", "pilot of" …), and that word's
// scan is most of the work, so the last few scans are kept until the
// next write. The caller gets its own copy to change.
func (s *Store) candidates(txn *badger.Txn, gen uint64, tok string) ([]cand, bool) {
	if e, ok := s.scans.get(gen, tok); ok {
		return append([]cand(nil), e.cands...), e.truncated
	}
	var cands []cand
	idx := map[[16]byte]int{}
	truncated := scan(txn, tok, func(id [16]byte, kind byte, sc int) {
		if i, ok := idx[id]; ok {
			cands[i].score = max(cands[i].score, sc)
			return
		}
		idx[id] = len(cands)
		cands = append(cands, cand{id, kind, sc})
	})
	s.scans.put(gen, tok, scanEntry{cands: cands, truncated: truncated})
	return append([]cand(nil), cands...), truncated
}

// scanCache holds the last scans of one write generation.
type scanCache struct {
	mu      sync.Mutex
	gen     uint64
	order   []string // oldest first
	entries map[string]scanEntry
}

type scanEntry struct {
	cands     []cand
	truncated bool
}

// scanCacheSize: the words of the query being typed and the ones before.
const scanCacheSize = 8

func (c *scanCache) get(gen uint64, tok string) (scanEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return scanEntry{}, false
	}
	e, ok := c.entries[tok]
	return e, ok
}

func (c *scanCache) put(gen uint64, tok string, e scanEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.entries == nil {
		if gen < c.gen {
			return // a search that started before a newer one's write
		}
		c.gen, c.order, c.entries = gen, nil, map[string]scanEntry{}
	}
	if _, ok := c.entries[tok]; ok {
		return
	}
	if len(c.order) == scanCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, tok)
	c.entries[tok] = e
}
