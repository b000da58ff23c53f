//go:build !unix

package cli

// openFlags: no named pipes to guard against here.
const openFlags = 0
