package qr

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStrategyValue measures what every single attempt of every strategy
// decodes on the corpus (four rotations) and the synthetic set, and what the
// strategy list as ordered adds over the strategies before it. It is the
// evidence for the order in qr.go. It takes a while, so it only runs with
// FIELDBOOK_QR_STRATEGIES=1.
func TestStrategyValue(t *testing.T) {
	if os.Getenv("FIELDBOOK_QR_STRATEGIES") == "" {
		t.Skip("set FIELDBOOK_QR_STRATEGIES=1 to measure the decode strategies")
	}
	type img struct {
		name, want string
		g          *gray
	}
	var imgs []img
	dir := corpusDir(t)
	for _, it := range loadCorpus(t) {
		src := loadImage(t, filepath.Join(dir, it.path))
		for q := range 4 {
			imgs = append(imgs, img{fmt.Sprintf("%s@%d", it.path, q*90), it.want, toGray(rotateQuarter(src, q))})
		}
	}
	for _, c := range synthSet(t, true) {
		for q := range 4 {
			imgs = append(imgs, img{fmt.Sprintf("synthetic/%s@%d", c.name, q*90), c.want, toGray(rotateQuarter(c.img, q))})
		}
	}

	type key struct{ s, a int }
	ok := make([]map[key]bool, len(imgs))
	cost := map[key]time.Duration{}
	viewCost := map[viewKind]time.Duration{}
	var mu sync.Mutex
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range imgs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			d := newDecoder(imgs[i].g)
			m := map[key]bool{}
			for si, s := range strategies {
				for ai, a := range s.attempts {
					_, built := d.views[a.view]
					vstart := time.Now()
					v := d.view(a.view)
					if !built {
						mu.Lock()
						viewCost[a.view] += time.Since(vstart)
						mu.Unlock()
					}
					if v == nil {
						continue
					}
					start := time.Now()
					r, err := decodeAttempt(v, a)
					el := time.Since(start)
					mu.Lock()
					cost[key{si, ai}] += el
					mu.Unlock()
					if err == nil {
						if r.Text != imgs[i].want {
							t.Errorf("%s: %s[%d] decoded a wrong text %q", imgs[i].name, s.name, ai, r.Text)
							continue
						}
						m[key{si, ai}] = true
					}
				}
			}
			ok[i] = m
		}()
	}
	wg.Wait()

	var b strings.Builder
	fmt.Fprintf(&b, "%d images\n%-16s %-4s %6s %6s %6s %9s\n", len(imgs), "strategy", "att", "alone", "unique", "adds", "ms/img")
	seen := make([]bool, len(imgs))
	for si, s := range strategies {
		for ai := range s.attempts {
			k := key{si, ai}
			alone, unique, adds := 0, 0, 0
			for i := range imgs {
				if !ok[i][k] {
					continue
				}
				alone++
				if len(ok[i]) == 1 {
					unique++
				}
				if !seen[i] {
					adds++
					seen[i] = true
				}
			}
			fmt.Fprintf(&b, "%-16s %-4d %6d %6d %6d %9.1f\n", s.name, ai, alone, unique, adds,
				float64(cost[k].Microseconds())/1000/float64(len(imgs)))
		}
	}
	for i := range imgs {
		if ok[i][key{0, 0}] {
			continue
		}
		var names []string
		for si, s := range strategies {
			for ai := range s.attempts {
				if ok[i][key{si, ai}] {
					names = append(names, fmt.Sprintf("%s[%d]", s.name, ai))
				}
			}
		}
		fmt.Fprintf(&b, "  plain misses %-32s found by %s\n", imgs[i].name, strings.Join(names, " "))
	}
	// Greedy order: repeatedly take the attempt with the most new decodes
	// per millisecond (its own time plus building its view, if no attempt
	// taken so far built it).
	type cand struct {
		k     key
		name  string
		view  viewKind
		cost  float64
		found []bool
	}
	var cands []*cand
	for si, s := range strategies {
		for ai, a := range s.attempts {
			k := key{si, ai}
			c := &cand{k: k, name: fmt.Sprintf("%s[%d]", s.name, ai), view: a.view,
				cost: float64(cost[k].Microseconds()) / 1000 / float64(len(imgs)), found: make([]bool, len(imgs))}
			for i := range imgs {
				c.found[i] = ok[i][k]
			}
			cands = append(cands, c)
		}
	}
	covered := make([]bool, len(imgs))
	builtView := map[viewKind]bool{viewWork: true}
	b.WriteString("greedy order by new decodes per ms:\n")
	for {
		var best *cand
		var bestScore float64
		bestNew := 0
		for _, c := range cands {
			n := 0
			for i, f := range c.found {
				if f && !covered[i] {
					n++
				}
			}
			if n == 0 {
				continue
			}
			cst := c.cost + 0.01
			if !builtView[c.view] {
				cst += float64(viewCost[c.view].Microseconds()) / 1000 / float64(len(imgs))
			}
			if sc := float64(n) / cst; best == nil || sc > bestScore {
				best, bestScore, bestNew = c, sc, n
			}
		}
		if best == nil {
			break
		}
		for i, f := range best.found {
			if f {
				covered[i] = true
			}
		}
		builtView[best.view] = true
		fmt.Fprintf(&b, "  %-16s +%d\n", best.name, bestNew)
	}
	for v, d := range viewCost {
		fmt.Fprintf(&b, "view %d builds in %.1f ms/img on average\n", v, float64(d.Microseconds())/1000/float64(len(imgs)))
	}
	var missed []string
	for i := range imgs {
		if !seen[i] {
			missed = append(missed, imgs[i].name)
		}
	}
	sort.Strings(missed)
	fmt.Fprintf(&b, "missed by all (%d): %s\n", len(missed), strings.Join(missed, " "))
	t.Log("\n" + b.String())
}
