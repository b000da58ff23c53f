package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

// maxCompareRecords bounds "records" of a breaking request: each is
// validated twice and explained.
const maxCompareRecords = 1000

// breakingResponse answers POST /api/v1/breaking: the comparison, the
// diff included.
type breakingResponse = service.Comparison

// diffResponse answers POST /api/v1/diff.
type diffResponse struct {
	Diff []lexdoc.DiffEntry    `json:"diff"`
	Old  []service.VersionInfo `json:"old"`
	New  []service.VersionInfo `json:"new"`
}

// registerVersions adds the routes that compare versions of lexicons.
func (s *Server) registerVersions(api func(echo.HandlerFunc) echo.HandlerFunc) {
	s.echo.POST("/api/v1/breaking", api(s.handleBreaking))
	s.echo.POST("/api/v1/diff", api(s.handleDiff))
}

// POST /api/v1/breaking
//
// {"old": V, "new": V, "records": [values], "loosening": "warning"}, where
// V is a lexicon document, an array of them (compared by id), or an NSID,
// AT-URI or NSID@CID naming a published or stored version.
func (s *Server) handleBreaking(c echo.Context) error {
	const where = "breaking request"
	body, err := s.readObject(c)
	if err != nil {
		return err
	}
	if err := checkFields(body, where, "old", "new", "records", "loosening"); err != nil {
		return err
	}
	old, new, err := compareSides(body, where)
	if err != nil {
		return err
	}
	var opts service.CompareOptions
	if v, ok := body["loosening"]; ok {
		str, _ := v.(string)
		sev, err := lexdoc.ParseSeverity(str)
		if err != nil {
			return badRequest("%s: field \"loosening\": %v", where, err)
		}
		opts.Loosening = sev
	}
	if v, ok := body["records"]; ok {
		records, ok := v.([]any)
		if !ok {
			return badRequest("%s: field \"records\" must be an array of records, got %s", where, datamodel.KindOf(v))
		}
		if len(records) > maxCompareRecords {
			return badRequest("%s: %d records, more than the %d a request may carry", where, len(records), maxCompareRecords)
		}
		for i, r := range records {
			opts.Records = append(opts.Records, service.CompareRecord{Source: fmt.Sprintf("records[%d]", i), Value: r})
		}
	}
	cmp, err := s.compare(c, old, new, opts)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, (*breakingResponse)(cmp))
}

// POST /api/v1/diff
//
// {"old": V, "new": V} as for /api/v1/breaking.
func (s *Server) handleDiff(c echo.Context) error {
	const where = "diff request"
	body, err := s.readObject(c)
	if err != nil {
		return err
	}
	if err := checkFields(body, where, "old", "new"); err != nil {
		return err
	}
	old, new, err := compareSides(body, where)
	if err != nil {
		return err
	}
	cmp, err := s.compare(c, old, new, service.CompareOptions{})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, diffResponse{Diff: cmp.Diff, Old: cmp.Old, New: cmp.New})
}

// compare runs the comparison within the request's budget: resolving a
// version may fetch, comparing and checking records is CPU work.
func (s *Server) compare(c echo.Context, old, new service.Version, opts service.CompareOptions) (*service.Comparison, error) {
	var cmp *service.Comparison
	var b budget
	err := s.work(c, &b, true, nil, func(ctx context.Context) error {
		var err error
		cmp, err = s.cfg.Service.CompareVersions(ctx, old, new, opts)
		return err
	})
	return cmp, err
}

// compareSides reads "old" and "new".
func compareSides(body map[string]any, where string) (old, new service.Version, err error) {
	for _, name := range []string{"old", "new"} {
		v, ok := body[name]
		if !ok {
			return old, new, badRequest("%s: missing %q (a lexicon document, an array of them, or an NSID, AT-URI or NSID@CID)", where, name)
		}
		ver, err := service.VersionOf(name, v)
		if err != nil {
			return old, new, badRequest("%s: %v", where, err)
		}
		if name == "old" {
			old = ver
		} else {
			new = ver
		}
	}
	return old, new, nil
}
