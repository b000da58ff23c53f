package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"unsafe"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
)

// readJSON reads the request body (bounded by MaxBody) and decodes it with
// datamodel.DecodeJSON, so numbers stay exact and nesting is bounded.
func (s *Server) readJSON(c echo.Context) (any, error) {
	v, _, err := s.readDecoded(c, datamodel.DecodeJSONStringChecked)
	return v, err
}

// readDecoded is readJSON decoding with decode (datamodel.DecodeJSONFlat,
// say), which also says whether the value is known valid in the data model.
func (s *Server) readDecoded(c echo.Context, decode func(string) (any, bool, error)) (any, bool, error) {
	req := c.Request()
	// Only JSON, declared: a plain HTML form on another site can post
	// neither that type nor, with no header, nothing at all.
	switch ct := req.Header.Get(echo.HeaderContentType); ct {
	case echo.MIMEApplicationJSON:
	case "":
		return nil, false, unsupportedMediaType("the request has no Content-Type: send Content-Type: application/json")
	default:
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return nil, false, unsupportedMediaType(fmt.Sprintf("content type %q is not JSON: send Content-Type: application/json", ct))
		}
	}
	body, err := s.readBody(c)
	if err != nil {
		return nil, false, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, false, badRequest("the request body is empty: send a JSON object")
	}
	// Decoded in place, without the copy DecodeJSON makes: readBody
	// allocates body for this request alone and nothing writes it again, so
	// the value's strings may be slices of it.
	v, dmValid, err := decode(unsafe.String(unsafe.SliceData(body), len(body)))
	if err != nil {
		// "invalid JSON at line 3, column 7: ...", and the same in fields.
		xe := badRequest("%v", err)
		var je *datamodel.JSONError
		if errors.As(err, &je) {
			xe.jsonPosition = &jsonPosition{Offset: je.Offset, Line: je.Line, Column: je.Column, Reason: je.Reason}
		}
		return nil, false, xe
	}
	return v, dmValid, nil
}

// readObject is readJSON for bodies that must be JSON objects.
func (s *Server) readObject(c echo.Context) (map[string]any, error) {
	v, err := s.readJSON(c)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("the request body must be a JSON object, got %s", datamodel.KindOf(v))
	}
	return m, nil
}

// readEnvelope is readObject for a body that carries values to validate in
// "value" or "values": the body's fields are a map as readObject's are, but
// those values keep the flat form of datamodel.DecodeJSONFlat, which the
// validator's fast path reads without building maps. dmValid says whether
// the whole body, and so every value in it, is known valid in the data
// model (service.Checker.ValidDecoded).
func (s *Server) readEnvelope(c echo.Context) (body map[string]any, dmValid bool, err error) {
	v, dmValid, err := s.readDecoded(c, datamodel.DecodeJSONFlat)
	if err != nil {
		return nil, false, err
	}
	obj, ok := v.(datamodel.Object)
	if !ok {
		return nil, false, badRequest("the request body must be a JSON object, got %s", datamodel.KindOf(v))
	}
	body = make(map[string]any, len(obj))
	for _, m := range obj {
		if m.Key == "value" || m.Key == "values" {
			body[m.Key] = m.Value
		} else {
			body[m.Key] = datamodel.Maps(m.Value)
		}
	}
	return body, dmValid, nil
}

func (s *Server) readBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	limit := s.cfg.MaxBody
	if req.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	if req.ContentLength >= 0 {
		// net/http delivers exactly Content-Length bytes, which the check
		// above bounds.
		body, err := readExactly(req.Body, req.ContentLength)
		if err != nil {
			return nil, badRequest("reading the request body: %v", err)
		}
		return body, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, badRequest("reading the request body: %v", err)
	}
	return body, nil
}

// maxInitialBody caps the buffer allocated on the strength of a declared
// Content-Length before the bytes arrive, so that clients announcing
// megabytes and sending them slowly, or not at all, get no more memory than
// they send (twice that at most, while the buffer grows).
const maxInitialBody = 16 << 10

// readExactly reads a body of n bytes (its Content-Length) into a buffer of
// exactly n bytes: one allocation for the common small body, and for a large
// one a buffer grown as the bytes arrive, never past n. A body that ends
// early is an error; net/http ends a body at its Content-Length, so none
// goes on past n.
func readExactly(r io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, min(n, maxInitialBody))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(buf)) < n {
		return nil, fmt.Errorf("the body ended after %d of the %d bytes its Content-Length announced", len(buf), n)
	}
	return buf, nil
}

func unsupportedMediaType(message string) *xrpcError {
	return &xrpcError{Status: http.StatusUnsupportedMediaType, Name: "UnsupportedMediaType", Message: message}
}

func tooLarge(limit int64) *xrpcError {
	return &xrpcError{
		Status:  http.StatusRequestEntityTooLarge,
		Name:    "PayloadTooLarge",
		Message: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit),
	}
}

// checkFields rejects fields a request object does not define, so a typo
// ("option" for "options") is an error, not a silently ignored setting.
func checkFields(m map[string]any, where string, allowed ...string) error {
	var unknown []string
	for k := range m {
		known := false
		for _, a := range allowed {
			if k == a {
				known = true
				break
			}
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return badRequest("%s: unknown field %q (known fields: %s)", where, unknown[0], strings.Join(allowed, ", "))
}

// stringField returns m[name] as a string; ok is false when it is absent.
func stringField(m map[string]any, where, name string) (s string, ok bool, err error) {
	v, present := m[name]
	if !present {
		return "", false, nil
	}
	s, isString := v.(string)
	if !isString {
		return "", false, badRequest("%s: field %q must be a string, got %s", where, name, datamodel.KindOf(v))
	}
	return s, true, nil
}

// boolField returns m[name] as a bool; absent is false.
func boolField(m map[string]any, where, name string) (bool, error) {
	v, present := m[name]
	if !present {
		return false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, badRequest("%s: field %q must be true or false, got %s", where, name, datamodel.KindOf(v))
	}
	return b, nil
}
