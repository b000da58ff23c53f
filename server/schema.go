package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

// schemaResponse describes a schema record.
type schemaResponse struct {
	URI       string          `json:"uri,omitempty"` // absent for directory documents
	CID       string          `json:"cid"`
	NSID      string          `json:"nsid"`
	IndexedAt string          `json:"indexedAt,omitempty"`
	Source    string          `json:"source"`
	Record    json.RawMessage `json:"record"` // as hashed: with $type, for a directory document too
	// Proof, for a network record: the signed commit that holds it.
	Proof *resolver.Proof `json:"proof,omitempty"`
	// Upstream, for a bundled document: the repository snapshot it was
	// copied from.
	Upstream *upstreamJSON `json:"upstream,omitempty"`
	// NetworkError, for a bundled document with the network on: why the
	// network gave no published version.
	NetworkError string `json:"networkError,omitempty"`
}

// upstreamJSON is a resolver.Upstream with its URL.
type upstreamJSON struct {
	*resolver.Upstream
	URL string `json:"url"`
}

// GET /api/v1/schema?uri=…|nsid=…[&cid=…][&format=jsonschema[&target=…]]
func (s *Server) handleSchema(c echo.Context) error {
	const where = "schema request"
	q := c.QueryParams()
	raw, err := uriOrNSID(q, where)
	if err != nil {
		return err
	}
	ref, err := s.cfg.Service.ParseSchemaRef(raw)
	if err != nil {
		return err
	}
	pin, err := parseCID(q.Get("cid"), where)
	if err != nil {
		return err
	}

	switch format := q.Get("format"); format {
	case "", "record":
		if q.Get("target") != "" {
			return badRequest("%s: target applies only with format=jsonschema", where)
		}
	case "jsonschema":
		target, err := parseTarget(q.Get("target"), where)
		if err != nil {
			return err
		}
		var b budget
		checker, err := s.prepare(c, &b, service.Request{Schema: ref, CID: pin, Target: target})
		if err != nil {
			return err
		}
		if notModified(c, schemaETag(checker.Info.CID, "jsonschema", checker.Info.Def, string(checker.Target))) {
			return answerNotModified(c)
		}
		return c.JSONBlob(http.StatusOK, checker.JSONSchema())
	default:
		return badRequest("%s: unknown format %q (want record or jsonschema)", where, format)
	}

	var b budget
	rec, err := s.lookup(c, &b, ref, pin)
	if err != nil {
		return err
	}
	if notModified(c, schemaETag(rec.CID.String(), "record")) {
		return answerNotModified(c)
	}
	record, err := service.RecordValue(rec)
	if err != nil {
		return err
	}
	resp := schemaResponse{
		URI:    string(rec.URI),
		CID:    rec.CID.String(),
		NSID:   string(rec.NSID()),
		Source: string(rec.Source),
		Record: record,
	}
	resp.Proof = rec.Proof
	if rec.Upstream != nil {
		resp.Upstream = &upstreamJSON{Upstream: rec.Upstream, URL: rec.Upstream.URL()}
	}
	if rec.NetworkError != nil {
		resp.NetworkError = rec.NetworkError.Error()
	}
	if !rec.IndexedAt.IsZero() {
		resp.IndexedAt = rec.IndexedAt.UTC().Format(time.RFC3339)
	}
	return c.JSON(http.StatusOK, resp)
}

// uriOrNSID returns the uri or the nsid query parameter, whichever was
// given: exactly one must be.
func uriOrNSID(q url.Values, where string) (string, error) {
	uri, nsid := q.Get("uri"), q.Get("nsid")
	switch {
	case uri != "" && nsid != "":
		return "", badRequest("%s: give either uri or nsid, not both", where)
	case uri != "":
		if !strings.HasPrefix(uri, "at://") {
			return "", badRequest("%s: uri %q is not an AT-URI (use nsid= for an NSID)", where, uri)
		}
		return uri, nil
	case nsid != "":
		if strings.HasPrefix(nsid, "at://") {
			return "", badRequest("%s: nsid %q is an AT-URI (use uri=)", where, nsid)
		}
		return nsid, nil
	}
	return "", badRequest("%s: missing uri or nsid query parameter", where)
}

// lookup returns the schema record ref names, resolved within the request's
// budget.
func (s *Server) lookup(c echo.Context, b *budget, ref service.SchemaRef, pin cid.Cid) (*resolver.Record, error) {
	var rec *resolver.Record
	err := s.work(c, b, false, nil, func(ctx context.Context) error {
		var err error
		rec, err = s.cfg.Service.Lookup(ctx, ref, pin)
		return err
	})
	return rec, err
}
