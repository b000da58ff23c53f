package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
	gojson "github.com/goccy/go-json"

	"github.com/bluesky-social/indigo/atproto/atdata"
	"github.com/lexval/lexval/datamodel"
)

// A candidate decodes one JSON value into map[string]any / []any / string /
// json.Number / bool / nil.
type candidate struct {
	name   string
	decode func([]byte) (any, error)
}

var candidates = []candidate{
	{"lexval", datamodel.DecodeJSON},
	{"stdlib-usenumber", stdlibDecode},
	{"goccy-usenumber", goccyDecode},
	{"jsontext-tree", jsontextDecode},
	{"indigo-atdata", indigoDecode},
}

var errTrailing = errors.New("data after the JSON value")

func stdlibDecode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

func goccyDecode(data []byte) (any, error) {
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errTrailing
	}
	return v, nil
}

// jsontextDecode builds the tree from go-json-experiment's token stream,
// which rejects invalid UTF-8, lone surrogates and duplicate names itself.
func jsontextDecode(data []byte) (any, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	v, err := jsontextValue(dec, 1)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

// jsontextValue reads one value; depth is the nesting a container read here
// would have.
func jsontextValue(dec *jsontext.Decoder, depth int) (any, error) {
	switch k := dec.PeekKind(); {
	case (k == '{' || k == '[') && depth > datamodel.MaxDepth:
		return nil, errors.New("too deep")
	case k == '0':
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return json.Number(string(raw)), nil
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't', 'f':
		return tok.Bool(), nil
	case '"':
		return tok.String(), nil
	case '{':
		m := map[string]any{}
		for dec.PeekKind() != '}' {
			k, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := k.String() // the token is void after the next read
			v, err := jsontextValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		_, err := dec.ReadToken()
		return m, err
	case '[':
		a := []any{}
		for dec.PeekKind() != ']' {
			v, err := jsontextValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.ReadToken()
		return a, err
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// indigoDecode is indigo's data-model decoder, for reference: it decodes with
// encoding/json (float64 numbers) and converts to atdata types.
func indigoDecode(data []byte) (any, error) {
	return atdata.UnmarshalJSON(data)
}
