package lexdoc

import (
	"fmt"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// DefRef names one definition of one lexicon: an NSID and a def name.
// The zero Name never appears: ParseDefRef turns "nsid" into "nsid#main".
type DefRef struct {
	NSID syntax.NSID
	Name string
}

// ParseDefRef parses "nsid" (meaning nsid#main) or "nsid#name".
func ParseDefRef(s string) (DefRef, error) {
	nsidPart, name, hasFragment := strings.Cut(s, "#")
	nsid, err := ParseNSID(nsidPart)
	switch {
	case err != nil && !hasFragment:
		return DefRef{}, err
	case err != nil:
		return DefRef{}, fmt.Errorf("invalid definition reference %q: %w", s, err)
	}
	if !hasFragment {
		name = "main"
	}
	if !ValidDefName(name) {
		return DefRef{}, fmt.Errorf("invalid definition reference %q: bad definition name %q", s, name)
	}
	return DefRef{NSID: nsid, Name: name}, nil
}

// ValidDefName reports whether name can be a key of a lexicon's defs:
// letters, digits, '_' and '-', starting with a letter or '_', at most
// 128 characters.
func ValidDefName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9', c == '_', c == '-':
			if i == 0 && c != '_' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// String returns the form used in $type values: the bare NSID for main,
// "nsid#name" otherwise.
func (r DefRef) String() string {
	if r.Name == "main" || r.Name == "" {
		return string(r.NSID)
	}
	return string(r.NSID) + "#" + r.Name
}

// ParseTypeRef parses a $type that names a definition: an NSID, optionally
// followed by "#" and a definition name; ok is false for any other form
// ("#quote", "blob", "not a type"). An open union accepts types it does not
// list because a later revision of the lexicon may list them ("future
// revisions of the schema could add more types to the list of refs"); refs
// are definitions, so a $type of another form can never become a variant.
//
// It runs on every unlisted $type of every value validated, so it scans the
// NSID as the nsid format does (fuzzed against indigo's ParseNSID, with which
// it agrees but for the documented difference) and allocates nothing, where
// ParseDefRef's regular expression costs a microsecond.
func ParseTypeRef(t string) (r DefRef, ok bool) {
	nsid, name, hasName := strings.Cut(t, "#")
	if !scanNSID(nsid) || hasName && !ValidDefName(name) {
		return DefRef{}, false
	}
	if !hasName {
		name = "main"
	}
	return DefRef{NSID: syntax.NSID(nsid), Name: name}, true
}
