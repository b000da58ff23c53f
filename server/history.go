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
	uri, nsid := q.Get("uri"), q.Get("nsid")
	var hq service.HistoryQuery
	switch {
	case uri != "" && nsid != "":
		return badRequest("%s: give either uri or nsid, not both", where)
	case uri != "":
		if !strings.HasPrefix(uri, "at://") {
			return badRequest("%s: uri %q is not an AT-URI (use nsid= for an NSID)", where, uri)
		}
		ref, err := s.cfg.Service.ParseSchemaRef(uri)
		if err != nil {
			return err
		}
		hq.URI = ref.URI
	case nsid != "":
		parsed, err := syntax.ParseNSID(nsid)
		if err != nil {
			return badRequest("%s: nsid %q: %v", where, nsid, err)
		}
		hq.NSID = parsed
	default:
		return badRequest("%s: missing uri or nsid query parameter", where)
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
	err := s.work(c, &b, false, nil, func(ctx context.Context) error {
		var err error
		h, err = s.cfg.Service.History(ctx, hq)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}
