package server

import "github.com/lexval/lexval/validator"

// The size of an answer. An invalid value can hold more errors than anyone
// reads (a 2 MiB body, half a million bad items), so what the explanations
// of one request list is bounded twice: in entries (Config.MaxErrors per
// value, ten times that per request) and in bytes, so that a compact answer
// stays under maxAnswer whatever its paths and messages hold.
const (
	// maxAnswer bounds the size of a compact JSON answer to a validate
	// request (echo's ?pretty adds indentation on top).
	maxAnswer = 1 << 20
	// answerReserve is room for everything but the values' verdicts: the
	// schema (an AT-URI of at most 8 KiB, a CID, an NSID, a proof with a
	// DID of at most 2 KiB), the record named by uri and its proof, the
	// field names. Measured answers hold under 2 KiB of it.
	answerReserve = 32 << 10
	// verdictSize is the most one value's verdict takes in a batch's
	// results without its entries:
	// {"valid":false,"errors":[],"unresolved":[],"errorsTruncated":true,"errorCount":2097152},
	verdictSize = 96
	// requestErrors is how many times Config.MaxErrors a request lists in
	// all, over its values.
	requestErrors = 10
)

// answerBudget is what the explanations of one request may still list.
type answerBudget struct {
	perValue       int
	entries, bytes int
}

// newAnswerBudget is the budget of a request that answers values values
// (1 for a single value).
func (s *Server) newAnswerBudget(values int) *answerBudget {
	return &answerBudget{
		perValue: s.cfg.MaxErrors,
		entries:  requestErrors * s.cfg.MaxErrors,
		bytes:    maxAnswer - answerReserve - values*verdictSize,
	}
}

// next returns the limits of the next value's explanation: once the
// request's entries or bytes are spent, it lists nothing, and the value's
// verdict only counts its errors.
func (b *answerBudget) next() validator.Limits {
	lim := validator.Limits{MaxErrors: min(b.perValue, b.entries), MaxBytes: b.bytes}
	if lim.MaxErrors <= 0 || lim.MaxBytes <= 0 {
		lim = validator.Limits{MaxErrors: -1, MaxBytes: -1}
	}
	return lim
}

// spend takes what r lists from the budget.
func (b *answerBudget) spend(r validator.Result) {
	b.entries -= len(r.Errors) + len(r.Unresolved)
	for _, e := range r.Errors {
		b.bytes -= validator.EntrySize(e.Path, e.Message, e.SchemaPath, false)
	}
	for _, u := range r.Unresolved {
		b.bytes -= validator.EntrySize(u.Path, u.Ref, u.SchemaPath, true)
	}
}

// explainOne explains a single value within the request's budget.
func (b *answerBudget) explain(explain func(validator.Limits) (validator.Result, error)) (validator.Result, error) {
	r, err := explain(b.next())
	if err == nil {
		b.spend(r)
	}
	return r, err
}
