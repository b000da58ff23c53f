package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// maxDocuments bounds "documents", for the reason maxBatch bounds values.
const maxDocuments = 1000

// lintResponse answers one document. Errors holds every finding, each with
// its rule and severity; only those of severity error make it invalid.
type lintResponse struct {
	Valid  bool             `json:"valid"`
	Errors []lexdoc.Finding `json:"errors"`
}

// lintBatchResponse answers {"documents": [...]}, one result per document
// in order; valid when every document is.
type lintBatchResponse struct {
	Valid   bool             `json:"valid"`
	Results []lintResultJSON `json:"results"`
}

type lintResultJSON struct {
	ID     string           `json:"id,omitempty"` // the document's id when it has one
	Valid  bool             `json:"valid"`
	Errors []lexdoc.Finding `json:"errors"`
}

// POST /api/v1/lint
//
// A lexicon document, or {"documents": [...]} whose documents may reference
// each other.
func (s *Server) handleLint(c echo.Context) error {
	body, err := s.readObject(c)
	if err != nil {
		return err
	}
	docs, batch, err := lintDocuments(body)
	if err != nil {
		return err
	}
	// A document whose id another has names it as the request does.
	names := make([]string, len(docs))
	for i := range docs {
		names[i] = fmt.Sprintf("documents[%d]", i)
	}
	var results [][]lexdoc.Finding
	var b budget
	err = s.work(c, &b, true, nil, func(ctx context.Context) error {
		var err error
		results, err = s.cfg.Service.LintSet(ctx, docs, names)
		return err
	})
	if err != nil {
		return err
	}
	if !batch {
		return c.JSON(http.StatusOK, lintResponse{Valid: !lexdoc.HasErrors(results[0]), Errors: results[0]})
	}
	resp := lintBatchResponse{Valid: true, Results: make([]lintResultJSON, len(docs))}
	for i, errs := range results {
		r := lintResultJSON{Valid: !lexdoc.HasErrors(errs), Errors: errs}
		if m, ok := docs[i].(map[string]any); ok {
			r.ID, _ = m["id"].(string)
		}
		resp.Results[i] = r
		resp.Valid = resp.Valid && r.Valid
	}
	return c.JSON(http.StatusOK, resp)
}

// lintDocuments tells a batch ({"documents": [...]}, nothing else) from a
// single lexicon document.
func lintDocuments(body map[string]any) (docs []any, batch bool, err error) {
	raw, ok := body["documents"]
	if !ok {
		return []any{body}, false, nil
	}
	if err := checkFields(body, "lint request", "documents"); err != nil {
		return nil, false, err
	}
	docs, ok = raw.([]any)
	if !ok {
		return nil, false, badRequest("lint request: field \"documents\" must be an array of lexicon documents, got %s", datamodel.KindOf(raw))
	}
	if len(docs) == 0 {
		return nil, false, badRequest("lint request: \"documents\" is empty")
	}
	if len(docs) > maxDocuments {
		return nil, false, badRequest("lint request: %d documents, more than the %d a request may carry", len(docs), maxDocuments)
	}
	return docs, true, nil
}
