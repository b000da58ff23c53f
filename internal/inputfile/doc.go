// Package inputfile reads the files a user names as untrusted input: the
// FILE|DIR arguments of the lexval command and the lexicon directories the
// resolver loads (--lexicons). Only regular files are read: a named pipe or
// a device (a link to /dev/zero named x.json, say) would never end, so a
// directory walk skips such entries and says which and why, and Open
// refuses them, without waiting on a pipe for a writer. A link in a
// directory is followed to a regular file inside the directory's tree, or
// anywhere when asked; reads are bounded; and DecodeError words a JSON
// decoding failure without quoting the file, which may be anything a link
// led to.
//
// It knows nothing of what the files hold (records, lexicons) nor of who
// reads them, and imports only package datamodel of lexval, for its JSON
// errors.
package inputfile
