package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/service"
)

// Config configures the handler.
type Config struct {
	Service *service.Service
	// Version is lexval's, as the server introduces itself.
	Version string
	// Work runs a tool call's work fn within the caller's budget: a time
	// limit, and an explanation slot when explain is set (explaining an
	// invalid value is the costly part of validation). Its error, when
	// the budget runs out or no slot frees, is the call's. Nil runs fn at
	// once (tests).
	Work func(ctx context.Context, explain bool, fn func(context.Context) error) error
	// MaxBody bounds a request body in bytes, as the API's bodies are.
	MaxBody int64
	// MaxErrors bounds the errors validate_record lists for a value
	// (default service.DefaultMaxErrors); past it they are counted.
	MaxErrors int
	Logger    *slog.Logger
}

// New returns the MCP endpoint. It is stateless: every POST carries a
// whole JSON-RPC exchange, so replicas share nothing and need no session
// affinity, and answers are plain JSON rather than event streams.
func New(cfg Config) (http.Handler, error) {
	if cfg.Service == nil {
		return nil, errors.New("mcpserver: config has no service")
	}
	if cfg.Work == nil {
		cfg.Work = func(ctx context.Context, _ bool, fn func(context.Context) error) error { return fn(ctx) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "lexval", Title: "lexval: AT Protocol Lexicon validator", Version: cfg.Version}, &mcp.ServerOptions{
		Instructions: "lexval validates AT Protocol records against Lexicon schemas and reports every error with its JSON Pointer. " +
			"Call validate_record with a record (its $type names its lexicon, or name a schema); describe_lexicon explains a lexicon's fields and constraints in words.",
		Logger: cfg.Logger,
	})
	h := &handlers{cfg: cfg}
	for _, t := range h.tools() {
		srv.AddTool(t.tool, t.handle)
	}
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{
		Stateless:           true,
		JSONResponse:        true,
		MaxRequestBodyBytes: cfg.MaxBody,
		Logger:              cfg.Logger,
	}), nil
}

// handlers holds what the tools share.
type handlers struct{ cfg Config }

// tool is one MCP tool: its definition and handler.
type tool struct {
	tool   *mcp.Tool
	handle mcp.ToolHandler
}

// args decodes a call's arguments with the data model's decoder: a record
// argument is then the value lexval validates, exact numbers and all.
func args(req *mcp.CallToolRequest) (map[string]any, error) {
	raw := req.Params.Arguments
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("the arguments are not JSON lexval accepts: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the arguments must be a JSON object, not %s", datamodel.KindOf(v))
	}
	return m, nil
}

// result is a tool's answer: v as structured content and as JSON text (for
// clients that read only text).
func result(v any) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{&mcp.TextContent{Text: string(b)}},
		StructuredContent: json.RawMessage(b),
	}, nil
}

// text is a tool's answer in plain text.
func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// toolError is a failed call, as MCP says a tool's failure should be: a
// result with isError, whose text says what went wrong, led by the
// service's code when it has one (LexiconNotFound, InvalidRequest, ...), so
// that the model can correct its call.
func toolError(err error) *mcp.CallToolResult {
	msg := err.Error()
	if code := service.ErrorCode(err); code != service.CodeInternal && code != "" {
		msg = string(code) + ": " + msg
	}
	r := text(msg)
	r.IsError = true
	return r
}
