// Package blevebench compares Fieldbook's search with bleve, the usual Go
// full-text library, over the same records and the same keystrokes. It is
// a module of its own so that bleve and its dependencies stay out of the
// application:
//
//	cd data/store/blevebench && go test -run '^$' -bench . -benchtime 3x
//
// docs/perf.sh runs it and puts the ratio in docs/PERFORMANCE.md.
package blevebench
