package lexdoc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// ErrSyntax marks an identifier (NSID, DID, AT-URI) that does not follow its
// syntax. The errors of ParseNSID, ParseDID and ParseATURI wrap it and say,
// in the specification's terms, what is wrong: indigo's syntax package, which
// decides, only says that a regular expression did not match.
var ErrSyntax = errors.New("invalid identifier")

// SyntaxError is an identifier that does not follow its syntax, and why.
// It wraps ErrSyntax.
type SyntaxError struct {
	Kind   string // "an NSID", "a DID", "an AT-URI"
	Value  string
	Reason string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%q is not %s: %s", e.Value, e.Kind, e.Reason)
}

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// ParseNSID parses an NSID (https://atproto.com/specs/nsid).
func ParseNSID(s string) (syntax.NSID, error) {
	nsid, err := syntax.ParseNSID(s)
	if err != nil {
		return "", &SyntaxError{Kind: "an NSID", Value: s, Reason: whyNotNSID(s)}
	}
	return nsid, nil
}

// ParseDID parses a DID (https://atproto.com/specs/did).
func ParseDID(s string) (syntax.DID, error) {
	did, err := syntax.ParseDID(s)
	if err != nil {
		return "", &SyntaxError{Kind: "a DID", Value: s, Reason: whyNotDID(s)}
	}
	return did, nil
}

// ParseATURI parses an AT-URI (https://atproto.com/specs/at-uri-scheme).
func ParseATURI(s string) (syntax.ATURI, error) {
	uri, err := syntax.ParseATURI(s)
	if err != nil {
		return "", &SyntaxError{Kind: "an AT-URI", Value: s, Reason: whyNotATURI(s)}
	}
	return uri, nil
}

const nsidShape = "an NSID is a domain name reversed, then a name, such as app.bsky.feed.post"

// whyNotNSID says what keeps s from being an NSID.
func whyNotNSID(s string) string {
	segs := strings.Split(s, ".")
	switch {
	case s == "":
		return "it is empty (" + nsidShape + ")"
	case len(s) > 317:
		return fmt.Sprintf("it is %d characters long, more than the 317 an NSID may have", len(s))
	case len(segs) < 3:
		return "it has " + plural(len(segs), "segment") + ", at least 3 are needed (" + nsidShape + ")"
	}
	for i, seg := range segs {
		last := i == len(segs)-1
		switch {
		case seg == "":
			return "it has an empty segment (two dots in a row, or a dot at either end)"
		case len(seg) > 63:
			return fmt.Sprintf("segment %q is longer than 63 characters", seg)
		case i == 0 && !asciiAlpha(seg[0]):
			return fmt.Sprintf("the first segment %q must start with a letter", seg)
		case last && !asciiAlpha(seg[0]):
			return fmt.Sprintf("the name %q must start with a letter", seg)
		}
		for j := 0; j < len(seg); j++ {
			c := seg[j]
			if asciiAlnum(c) || c == '-' && !last {
				continue
			}
			if last {
				return fmt.Sprintf("the name %q may hold only letters and digits", seg)
			}
			return fmt.Sprintf("segment %q may hold only letters, digits and hyphens", seg)
		}
		if !last && (seg[0] == '-' || seg[len(seg)-1] == '-') {
			return fmt.Sprintf("segment %q must not start or end with a hyphen", seg)
		}
	}
	return nsidShape
}

const didShape = "a DID is did:METHOD:IDENTIFIER, such as did:plc:6msi3pj7krzih5qxqtryxlzw or did:web:example.com"

// whyNotDID says what keeps s from being a DID.
func whyNotDID(s string) string {
	method, id, ok := strings.Cut(strings.TrimPrefix(s, "did:"), ":")
	switch {
	case !strings.HasPrefix(s, "did:"):
		return "it does not start with \"did:\" (" + didShape + ")"
	case len(s) > 2048:
		return fmt.Sprintf("it is %d characters long, more than the 2048 a DID may have", len(s))
	case !ok || method == "" || id == "":
		return didShape
	case strings.Trim(method, "abcdefghijklmnopqrstuvwxyz") != "":
		return fmt.Sprintf("the method %q may hold only lower-case letters", method)
	case strings.HasSuffix(id, ":") || strings.HasSuffix(id, "%"):
		return "it must not end with \":\" or \"%\""
	}
	return "the identifier after did:" + method + ": may hold only letters, digits and . _ : % -"
}

const atURIShape = "an AT-URI is at://AUTHORITY[/COLLECTION[/RKEY]], the authority a DID or handle, the collection an NSID"

// whyNotATURI says what keeps s from being an AT-URI.
func whyNotATURI(s string) string {
	rest, ok := strings.CutPrefix(s, "at://")
	if !ok {
		return "it does not start with \"at://\" (" + atURIShape + ")"
	}
	if len(s) > 8192 {
		return fmt.Sprintf("it is %d characters long, more than the 8192 an AT-URI may have", len(s))
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.Split(rest, "/")
	switch authority := parts[0]; {
	case authority == "":
		return "the authority is missing (" + atURIShape + ")"
	case strings.HasPrefix(authority, "did:"):
		if _, err := syntax.ParseDID(authority); err != nil {
			return "the authority: " + whyNotDID(authority)
		}
	default:
		if _, err := syntax.ParseHandle(authority); err != nil {
			return fmt.Sprintf("the authority %q is neither a DID nor a handle (a domain name such as alice.example.com)", authority)
		}
	}
	if len(parts) > 1 {
		if _, err := syntax.ParseNSID(parts[1]); err != nil {
			return "the collection: " + whyNotNSID(parts[1])
		}
	}
	if len(parts) > 2 {
		if _, err := syntax.ParseRecordKey(parts[2]); err != nil {
			return fmt.Sprintf("the record key %q may hold only letters, digits and . _ ~ : - (not \".\" or \"..\"), at most 512", parts[2])
		}
	}
	if len(parts) > 3 {
		return "it has more than three parts after at:// (" + atURIShape + ")"
	}
	return atURIShape
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
