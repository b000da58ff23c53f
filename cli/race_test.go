//go:build race

package cli

// raceEnabled shortens the streaming tests: the race detector makes every
// value several times slower, and the memory bound is as visible in fewer.
const raceEnabled = true
