//go:build unix

package inputfile

import "syscall"

// openFlags open an input without blocking should it turn out to be a named
// pipe, which open(2) would otherwise wait on for a writer; Open then
// refuses it. Regular files ignore the flag.
const openFlags = syscall.O_NONBLOCK
