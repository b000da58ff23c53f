//go:build !unix

package server

// descriptorLimit is unknown where there is no RLIMIT_NOFILE.
func descriptorLimit() uint64 { return 0 }
