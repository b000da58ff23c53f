package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/service"
)

// xrpcError is an error response in the XRPC shape.
type xrpcError struct {
	Status  int    `json:"-"`
	Name    string `json:"error"`
	Message string `json:"message"`
	// A request body that is not JSON says where, beside the message, so
	// that clients (the web UI) need not read it out of the message.
	*jsonPosition
}

// jsonPosition locates a decoding error in a request body: a byte offset,
// a line and a column (in bytes, 1-based), and the reason alone.
type jsonPosition struct {
	Offset int    `json:"offset"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Reason string `json:"reason"`
}

func (e *xrpcError) Error() string { return e.Name + ": " + e.Message }

// badRequest is a 400 InvalidRequest saying what is wrong.
func badRequest(format string, args ...any) *xrpcError {
	return codeError(service.CodeInvalidRequest, fmt.Sprintf(format, args...))
}

// codeError is the response for a service code.
func codeError(code service.Code, message string) *xrpcError {
	return &xrpcError{Status: StatusFor(code), Name: string(code), Message: message}
}

// StatusFor is the HTTP status of a service code: the one place where codes
// become statuses, for the API and, through web.Config.Status, for the web
// UI's pages. A code it does not know is a 500.
func StatusFor(code service.Code) int {
	switch code {
	case service.CodeInvalidRequest:
		return http.StatusBadRequest
	case service.CodeNotFound, service.CodeRecordNotFound:
		return http.StatusNotFound
	case service.CodeCIDMismatch:
		return http.StatusConflict
	case service.CodeUpstreamFailure, service.CodeProofInvalid:
		// A proof refused is the upstream's failure: it served something
		// it could not prove.
		return http.StatusBadGateway
	case service.CodeUpstreamTimeout:
		return http.StatusGatewayTimeout
	case service.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// statusName names the errors echo itself raises (routing, limits).
var statusName = map[int]string{
	http.StatusBadRequest:            "InvalidRequest",
	http.StatusNotFound:              "NotFound",
	http.StatusMethodNotAllowed:      "MethodNotAllowed",
	http.StatusRequestEntityTooLarge: "PayloadTooLarge",
	http.StatusUnsupportedMediaType:  "UnsupportedMediaType",
	http.StatusServiceUnavailable:    "ServiceUnavailable",
	http.StatusGatewayTimeout:        "UpstreamTimeout",
	http.StatusInternalServerError:   string(service.CodeInternal),
}

// toXRPCError classifies any error a handler or echo returns.
func toXRPCError(err error, c echo.Context) *xrpcError {
	var xe *xrpcError
	if errors.As(err, &xe) {
		return xe
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromEchoError(he, c)
	}
	code := service.ErrorCode(err)
	if code == service.CodeInternal {
		// A bug: the details go to the log (observe), not to the client.
		return codeError(code, "internal error")
	}
	return codeError(code, err.Error())
}

func fromEchoError(he *echo.HTTPError, c echo.Context) *xrpcError {
	req := c.Request()
	name := statusName[he.Code]
	if name == "" {
		name = strings.ReplaceAll(http.StatusText(he.Code), " ", "")
	}
	var msg string
	switch he.Code {
	case http.StatusNotFound:
		if strings.HasPrefix(req.URL.Path, "/xrpc/") {
			// The XRPC name for a method this service does not offer.
			name = "MethodNotImplemented"
			msg = fmt.Sprintf("no XRPC method %s here", strings.TrimPrefix(req.URL.Path, "/xrpc/"))
		} else {
			msg = fmt.Sprintf("no page or endpoint at %s", req.URL.Path)
		}
	case http.StatusMethodNotAllowed:
		msg = fmt.Sprintf("method %s is not allowed on %s", req.Method, req.URL.Path)
		if allow := c.Response().Header().Get(echo.HeaderAllow); allow != "" {
			msg += " (allowed: " + allow + ")"
		}
	default:
		if s, ok := he.Message.(string); ok && s != "" {
			msg = s
		} else {
			msg = strings.ToLower(http.StatusText(he.Code))
		}
	}
	return &xrpcError{Status: he.Code, Name: name, Message: msg}
}

// handleError is echo's HTTPErrorHandler: every error leaves in the XRPC
// shape, except on the web UI's pages, which render their own. Errors on the
// API's and the probes' paths never reach the UI, whoever asks.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if !s.isAPI(c.Request().URL.Path) && s.ui.HandleError(err, c) {
		return
	}
	// The access log (observe) records the error with the request.
	xe := toXRPCError(err, c)
	h := c.Response().Header()
	if h.Get("Content-Security-Policy") == "" {
		h.Set("Content-Security-Policy", apiCSP)
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(xe.Status)
	} else {
		err = c.JSON(xe.Status, xe)
	}
	if err != nil {
		s.cfg.Logger.Warn("writing error response failed", slog.String("error", err.Error()))
	}
}
