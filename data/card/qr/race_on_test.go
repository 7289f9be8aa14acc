//go:build race

package qr

// raceNote marks report timings taken under the race detector (5–10× slower).
const raceNote = ", race detector ON"
