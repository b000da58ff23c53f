package server

import (
	"sync"
	"sync/atomic"

	"github.com/lexval/lexval/service"
)

// maxParsedRefs bounds the memo of parsed schema references.
const maxParsedRefs = 4096

// refMemo remembers successful service.ParseSchemaRef results: clients name
// the same few schemas over and over, and parsing an NSID (a regular
// expression in indigo's syntax package) is a measurable part of a request.
// Failures are not kept, and past the bound new names are parsed each time.
type refMemo struct {
	refs sync.Map // string → service.SchemaRef
	n    atomic.Int64
}

func (m *refMemo) parse(s string) (service.SchemaRef, error) {
	if ref, ok := m.refs.Load(s); ok {
		return ref.(service.SchemaRef), nil
	}
	ref, err := service.ParseSchemaRef(s)
	if err != nil {
		return service.SchemaRef{}, err
	}
	if m.n.Load() < maxParsedRefs {
		if _, loaded := m.refs.LoadOrStore(s, ref); !loaded {
			m.n.Add(1)
		}
	}
	return ref, nil
}
