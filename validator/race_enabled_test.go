//go:build race

package validator

// raceEnabled: under the race detector, sync.Pool drops some of what it is
// given on purpose, so the decoder's allocations vary from run to run.
const raceEnabled = true
