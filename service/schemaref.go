package service

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// SchemaCollection is the collection that holds published lexicons.
const SchemaCollection = datamodel.SchemaCollection

// SchemaRef is a schema as a user names it: an AT-URI or an NSID, and a
// definition of that lexicon.
type SchemaRef struct {
	URI syntax.ATURI // empty when named by NSID
	Def lexdoc.DefRef
}

// ParseSchemaRef parses "at://did/com.atproto.lexicon.schema/nsid[#def]",
// "nsid" or "nsid#def". Errors have CodeInvalidRequest.
func ParseSchemaRef(s string) (SchemaRef, error) {
	if s == "" {
		return SchemaRef{}, fmt.Errorf("%w: schema is empty (want an AT-URI, NSID or NSID#def)", ErrInvalidRequest)
	}
	if !strings.HasPrefix(s, "at://") {
		def, err := lexdoc.ParseDefRef(s)
		if err != nil {
			return SchemaRef{}, fmt.Errorf("%w: schema: %w", ErrInvalidRequest, err)
		}
		return SchemaRef{Def: def}, nil
	}

	// syntax.ATURI has no fragment; the fragment names the definition.
	raw, fragment, hasFragment := strings.Cut(s, "#")
	uri, err := lexdoc.ParseATURI(raw)
	if err != nil {
		return SchemaRef{}, fmt.Errorf("%w: schema: %w", ErrInvalidRequest, err)
	}
	if !uri.Authority().IsDID() {
		return SchemaRef{}, fmt.Errorf("%w: AT-URI %q: the authority must be a DID, the repository that publishes the lexicon", ErrInvalidRequest, s)
	}
	if uri.Collection() != SchemaCollection {
		return SchemaRef{}, fmt.Errorf("%w: AT-URI %q: collection must be %s", ErrInvalidRequest, s, SchemaCollection)
	}
	rkey := uri.RecordKey().String()
	if rkey == "" {
		return SchemaRef{}, fmt.Errorf("%w: AT-URI %q: the record key (the lexicon's NSID) is missing", ErrInvalidRequest, s)
	}
	defText := rkey
	if hasFragment {
		defText += "#" + fragment
	}
	def, err := lexdoc.ParseDefRef(defText)
	if err != nil {
		return SchemaRef{}, fmt.Errorf("%w: AT-URI %q: record key and fragment must name a lexicon definition: %w", ErrInvalidRequest, s, err)
	}
	return SchemaRef{URI: uri, Def: def}, nil
}

// maxParsedRefs bounds the memo of parsed schema references.
const maxParsedRefs = 4096

// refMemo remembers successful ParseSchemaRef results: clients name the same
// few schemas over and over, and parsing an NSID (a regular expression in
// indigo's syntax package) is a measurable part of a request. Failures are
// not kept, and past the bound new names are parsed each time. The zero value
// is ready to use.
type refMemo struct {
	refs sync.Map // string → SchemaRef
	n    atomic.Int64
}

// ParseSchemaRef is the package's ParseSchemaRef, remembering what it parsed
// (within a bound) for the life of the Service.
func (s *Service) ParseSchemaRef(raw string) (SchemaRef, error) {
	m := &s.parsedRefs
	if ref, ok := m.refs.Load(raw); ok {
		return ref.(SchemaRef), nil
	}
	ref, err := ParseSchemaRef(raw)
	if err != nil {
		return SchemaRef{}, err
	}
	if m.n.Load() < maxParsedRefs {
		if _, loaded := m.refs.LoadOrStore(raw, ref); !loaded {
			m.n.Add(1)
		}
	}
	return ref, nil
}

// String returns the reference as ParseSchemaRef accepts it.
func (r SchemaRef) String() string {
	if r.URI == "" {
		if r.Def.Name == "main" || r.Def.Name == "" {
			return string(r.Def.NSID)
		}
		return string(r.Def.NSID) + "#" + r.Def.Name
	}
	if r.Def.Name == "main" || r.Def.Name == "" {
		return string(r.URI)
	}
	return string(r.URI) + "#" + r.Def.Name
}
