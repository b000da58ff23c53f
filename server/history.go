package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
)

// GET /api/v1/history?uri=…|nsid=…[&cursor=…][&limit=…]
func (s *Server) handleHistory(c echo.Context) error {
	const where = "history request"
	q := c.QueryParams()
	raw, err := uriOrNSID(q, where)
	if err != nil {
		return err
	}
	var hq service.HistoryQuery
	if strings.HasPrefix(raw, "at://") {
		ref, err := s.cfg.Service.ParseSchemaRef(raw)
		if err != nil {
			return err
		}
		hq.URI = ref.URI
	} else if hq.NSID, err = syntax.ParseNSID(raw); err != nil {
		return badRequest("%s: nsid %q: %v", where, raw, err)
	}
	hq.Cursor = q.Get("cursor")
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxHistoryLimit {
			return badRequest("%s: limit %q: want a number from 1 to %d", where, l, store.MaxHistoryLimit)
		}
		hq.Limit = n
	}
	var (
		b budget
		h *service.History
	)
	err = s.work(c, &b, false, nil, func(ctx context.Context) error {
		var err error
		h, err = s.cfg.Service.History(ctx, hq)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}
