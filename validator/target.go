package validator

import (
	"fmt"
	"strings"
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
