package cli

import (
	"context"

	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// typeCheck checks each record against the record definition its $type
// names (service.ByType), preparing one checker per distinct $type.
func typeCheck(svc *service.Service, opts validator.Options, lim validator.Limits) checkFunc {
	byType := svc.ByType(opts, "add it with --lexicons DIR, or see --network and --allow-unresolved")
	return func(ctx context.Context, v any, dmValid bool) (validator.Result, error) {
		c, verdict, err := byType.Checker(ctx, v)
		switch {
		case err != nil:
			return validator.Result{}, err
		case c == nil:
			return verdict, nil
		}
		return c.ExplainDecoded(ctx, v, dmValid, lim)
	}
}
