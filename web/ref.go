package web

import (
	"net/http"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// link is a link a page offers beside its message.
type link struct {
	Href, Text string
}

// Examples of what lexicons are named by, for messages about what the
// user typed.
const (
	exampleNSID  = "com.example.thing"
	exampleATURI = "at://did:plc:…/com.atproto.lexicon.schema/com.example.thing"
)

func validDID(s string) bool {
	_, err := syntax.ParseDID(s)
	return err == nil
}

func validNSID(s string) bool {
	_, err := syntax.ParseNSID(s)
	return err == nil
}

// nsidAdvice says that s is not an NSID and what one looks like.
func nsidAdvice(s string) string {
	return "“" + s + "” is not a valid NSID: an NSID is a domain name reversed, then a name, such as " + exampleNSID + "."
}

// refProblem tells a person why raw, typed into the "open a lexicon" form,
// names no lexicon, in the terms of what they typed; err, the service's
// wording of the rule, is the detail.
func refProblem(raw string, err error) problem {
	p := problem{Status: http.StatusBadRequest, Title: "Not an AT-URI or NSID", Detail: technical(err)}
	nsid, _, _ := strings.Cut(raw, "#")
	switch {
	case strings.HasPrefix(raw, "at://"):
		p.Message = "“" + raw + "” is not the AT-URI of a lexicon: one looks like " + exampleATURI + "."
	case validNSID(nsid):
		p.Message = "“" + raw + "” does not name a definition: after the NSID, # and a name such as #main or #replyRef."
	default:
		p.Message = "“" + raw + "” is not a valid NSID or AT-URI: an NSID looks like " + exampleNSID + ", an AT-URI like " + exampleATURI + "."
	}
	return p
}
