//go:build !race

package qr

// raceNote marks report timings taken under the race detector.
const raceNote = ""
