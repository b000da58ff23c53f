package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/validator"
)

// readJSON reads the request body (bounded by MaxBody) and decodes it with
// validator.DecodeJSON, so numbers stay exact and nesting is bounded.
func (s *Server) readJSON(c echo.Context) (any, error) {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" && ct != echo.MIMEApplicationJSON {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return nil, &xrpcError{
				Status:  http.StatusUnsupportedMediaType,
				Name:    "UnsupportedMediaType",
				Message: fmt.Sprintf("content type %q is not JSON: send Content-Type: application/json", ct),
			}
		}
	}
	body, err := s.readBody(c)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("the request body is empty: send a JSON object")
	}
	v, err := validator.DecodeJSON(body)
	if err != nil {
		return nil, badRequest("%s", describeJSONError(body, err))
	}
	return v, nil
}

// readObject is readJSON for bodies that must be JSON objects.
func (s *Server) readObject(c echo.Context) (map[string]any, error) {
	v, err := s.readJSON(c)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("the request body must be a JSON object, got %s", jsonKind(v))
	}
	return m, nil
}

func (s *Server) readBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	limit := s.cfg.MaxBody
	if req.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	r := http.MaxBytesReader(c.Response(), req.Body, limit)
	var (
		body []byte
		err  error
	)
	if n := req.ContentLength; n >= 0 {
		// One allocation of the announced size; a body longer than
		// announced is cut off by net/http itself.
		body = make([]byte, n)
		_, err = io.ReadFull(r, body)
	} else {
		body, err = io.ReadAll(r)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, badRequest("reading the request body: %v", err)
	}
	return body, nil
}

func tooLarge(limit int64) *xrpcError {
	return &xrpcError{
		Status:  http.StatusRequestEntityTooLarge,
		Name:    "PayloadTooLarge",
		Message: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit),
	}
}

// describeJSONError says what is wrong with a body that does not decode,
// with the line and column when the decoder tells where.
func describeJSONError(body []byte, err error) string {
	offset := int64(-1)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off interface{ Offset() int64 }
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	case errors.As(err, &off):
		offset = off.Offset()
	}
	// The decoder's error starts with the sentinel's text; say it once.
	reason := strings.TrimPrefix(err.Error(), validator.ErrInvalidJSON.Error()+": ")
	if offset < 0 {
		return "invalid JSON: " + reason
	}
	line, col := lineColumn(body, offset)
	return fmt.Sprintf("invalid JSON at line %d column %d: %s", line, col, reason)
}

// lineColumn turns the count of bytes read before a decoder failed into the
// 1-based line and column (in characters) of the last byte read.
func lineColumn(body []byte, offset int64) (line, col int) {
	if offset > int64(len(body)) {
		offset = int64(len(body))
	}
	at := int(offset)
	if at > 0 {
		at-- // the decoder read the offending byte
	}
	before := body[:at]
	line = 1 + bytes.Count(before, []byte("\n"))
	start := bytes.LastIndexByte(before, '\n') + 1
	col = 1 + len([]rune(string(before[start:])))
	return line, col
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
		return "", false, badRequest("%s: field %q must be a string, got %s", where, name, jsonKind(v))
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
		return false, badRequest("%s: field %q must be true or false, got %s", where, name, jsonKind(v))
	}
	return b, nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
