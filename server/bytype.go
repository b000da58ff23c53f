package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// byTypeHint ends the message of an unknown $type, in the API's terms.
const byTypeHint = `or name the schema to check against with "schema"`

// validateByType answers POST /api/v1/validate without "schema": each value
// is checked as the record its $type names, as the CLI does. A value whose
// $type names nothing to check it against is invalid, its error at /$type.
// dmValid is what the decoder said of the body (service.Checker.ValidDecoded).
func (s *Server) validateByType(c echo.Context, body map[string]any, dmValid bool, where string) error {
	if _, pinned := body["cid"]; pinned {
		return badRequest(`%s: "cid" pins the schema's CID: name the schema with "schema"`, where)
	}
	target, err := targetField(body, where)
	if err != nil {
		return err
	}
	if target != "" && target != validator.TargetRecord {
		return badRequest(`%s: without "schema", a value is checked as the record its $type names: name the schema to check it as %s`, where, target)
	}
	opts, err := optionsField(body, where)
	if err != nil {
		return err
	}
	rawURI, byURI, err := valuesGiven(body, where)
	if err != nil {
		return err
	}
	batch := hasField(body, "values")
	values, err := batchField(body["values"], batch, where)
	if err != nil {
		return err
	}
	bt := s.cfg.Service.ByType(opts, byTypeHint)
	var b budget
	switch {
	case byURI:
		uri, err := service.ParseRecordURI(rawURI)
		if err != nil {
			return err
		}
		var rec *resolver.ProvenRecord
		err = s.work(c, &b, false, nil, func(ctx context.Context) error {
			var err error
			rec, err = s.cfg.Service.FetchRecord(ctx, uri)
			return err
		})
		if err != nil {
			return err
		}
		info := service.NewRecordInfo(rec)
		return s.answerByType(c, &b, bt, rec.Value, false, &info)
	case !batch:
		return s.answerByType(c, &b, bt, body["value"], dmValid, nil)
	}

	checkers := make([]*service.Checker, len(values))
	results := make([]resultJSON, len(values))
	unprepared := false
	for i, v := range values {
		if checkers[i], _ = bt.Prepared(v); checkers[i] == nil {
			unprepared = true
		}
	}
	if unprepared {
		err := s.work(c, &b, false, nil, func(ctx context.Context) error {
			for i, v := range values {
				if checkers[i] != nil {
					continue
				}
				checker, verdict, err := bt.Checker(ctx, v)
				if err != nil {
					return err
				}
				checkers[i], results[i] = checker, newResultJSON(verdict)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var explain []int
	for i, v := range values {
		switch chk := checkers[i]; {
		case chk == nil: // the verdict is the $type's
		case chk.ValidDecoded(v, dmValid):
			results[i] = validResult
		default:
			explain = append(explain, i)
		}
	}
	if len(explain) > 0 {
		err := s.explain(c, &b, func(ctx context.Context) error {
			for _, i := range explain {
				if err := ctx.Err(); err != nil {
					return err
				}
				results[i] = newResultJSON(checkers[i].Validate(values[i]))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	resp := batchResponse{Valid: true, Results: results}
	for i := range results {
		if chk := checkers[i]; chk != nil {
			results[i].Schema, results[i].Target = &chk.Info, chk.Target
		} else {
			results[i].Target = validator.TargetRecord
		}
		s.metrics.observeResult(results[i].Valid, len(results[i].Unresolved))
		resp.Valid = resp.Valid && results[i].Valid
	}
	return c.JSON(http.StatusOK, resp)
}

// answerByType answers one value checked as the record its $type names;
// record names the record when the request named it by AT-URI.
func (s *Server) answerByType(c echo.Context, b *budget, bt *service.ByType, value any, dmValid bool, record *service.RecordInfo) error {
	checker, ok := bt.Prepared(value)
	var verdict validator.Result
	if !ok {
		err := s.work(c, b, false, nil, func(ctx context.Context) error {
			var err error
			checker, verdict, err = bt.Checker(ctx, value)
			return err
		})
		if err != nil {
			return err
		}
	}
	if checker != nil {
		return s.answerOne(c, b, checker, value, dmValid, record)
	}
	r := newResultJSON(verdict)
	s.metrics.observeResult(r.Valid, len(r.Unresolved))
	return c.JSON(http.StatusOK, validateResponse{
		Valid:      r.Valid,
		Target:     validator.TargetRecord,
		Errors:     r.Errors,
		Unresolved: r.Unresolved,
		Record:     record,
	})
}

func hasField(m map[string]any, name string) bool {
	_, ok := m[name]
	return ok
}
