//go:build unix

package server

import "syscall"

// descriptorLimit is the process's soft limit on open descriptors (which
// the Go runtime raises to the hard limit at start), 0 when unknown.
func descriptorLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return uint64(rl.Cur)
}
