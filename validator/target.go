package validator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lexval/lexval/lexdoc"
)

// Target names the part of a definition that a value is checked against.
type Target string

const (
	// TargetRecord is the record body of a record definition; the value must
	// carry a $type equal to the definition's NSID.
	TargetRecord Target = "record"
	// TargetParams is the parameters of a query, procedure or subscription.
	TargetParams Target = "params"
	// TargetInput is the JSON input body of a procedure. A body declared by
	// its encoding alone (no schema) is no target: nothing constrains it.
	TargetInput Target = "input"
	// TargetOutput is the JSON output body of a query or procedure; as with
	// input, only one with a schema.
	TargetOutput Target = "output"
	// TargetMessage is a message of a subscription.
	TargetMessage Target = "message"
	// TargetObject is a named non-primary definition (an object, usually).
	TargetObject Target = "object"
)

// ParseTarget returns the Target named s.
func ParseTarget(s string) (Target, error) {
	switch t := Target(s); t {
	case TargetRecord, TargetParams, TargetInput, TargetOutput, TargetMessage, TargetObject:
		return t, nil
	}
	return "", fmt.Errorf("%w: %q is not a target (want one of record, params, input, output, message, object)", ErrNoTarget, s)
}

func joinTargets(ts []Target) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Targets returns the targets definition name of doc offers, in the order
// record, params, input, output, message, object. An unknown name offers
// none.
func Targets(doc *lexdoc.Document, name string) []Target {
	def, ok := doc.Defs[name]
	if !ok {
		return nil
	}
	return targetsOf(def)
}

// targetsOf lists what a value can be checked against: a record body,
// declared parameters, JSON bodies with a schema, a subscription's messages,
// or the definition itself when it describes data.
func targetsOf(def lexdoc.Schema) []Target {
	switch def.Type() {
	case lexdoc.TypeRecord:
		return []Target{TargetRecord}
	case lexdoc.TypeQuery, lexdoc.TypeProcedure, lexdoc.TypeSubscription:
		params, input, output, message := endpoint(def)
		var ts []Target
		if params != nil {
			ts = append(ts, TargetParams)
		}
		if input != nil && input.Schema != nil {
			ts = append(ts, TargetInput)
		}
		if output != nil && output.Schema != nil {
			ts = append(ts, TargetOutput)
		}
		if message != nil && message.Schema != nil {
			ts = append(ts, TargetMessage)
		}
		return ts
	}
	if !def.Type().HasDataForm() {
		// Tokens have no data representation; permission sets describe
		// scopes; params only exist as an endpoint's parameters, which
		// that endpoint's params target checks.
		return nil
	}
	return []Target{TargetObject}
}

// DefaultTarget picks the target of ref in cat when the caller gave none:
// record for a record, the only body (input or output) of a query or
// procedure, message for a subscription, object for a non-primary
// definition. When the choice is not unique the error wraps
// ErrAmbiguousTarget and names the targets that exist.
func DefaultTarget(cat *lexdoc.Catalog, ref lexdoc.DefRef) (Target, error) {
	def, err := cat.Def(ref)
	if err != nil {
		return "", err
	}
	ts := targetsOf(def)
	if len(ts) == 0 {
		return "", fmt.Errorf("%w: %s (type %s) has nothing to validate", ErrNoTarget, ref, def.Type())
	}
	switch def.Type() {
	case lexdoc.TypeRecord:
		return TargetRecord, nil
	case lexdoc.TypeSubscription:
		if slices.Contains(ts, TargetMessage) {
			return TargetMessage, nil
		}
	case lexdoc.TypeQuery, lexdoc.TypeProcedure:
		var bodies []Target
		for _, t := range ts {
			if t == TargetInput || t == TargetOutput {
				bodies = append(bodies, t)
			}
		}
		if len(bodies) == 1 {
			return bodies[0], nil
		}
	default:
		return TargetObject, nil
	}
	if len(ts) == 1 {
		// Only parameters: a value given without a target is more likely a
		// body than parameters, so the choice is left to the caller.
		return "", fmt.Errorf("%w: %s (type %s) has no body to check by default; its only target is %s: name it", ErrAmbiguousTarget, ref, def.Type(), ts[0])
	}
	return "", fmt.Errorf("%w: %s (type %s) has targets %s; choose one", ErrAmbiguousTarget, ref, def.Type(), joinTargets(ts))
}
