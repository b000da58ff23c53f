package resolver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// Closure returns root and every record it references, transitively, within
// the configured bounds. Lexicons that cannot be had are left out and listed
// in missing with the reason; the validator reports them as unresolved.
//
// root comes first, then the others sorted by NSID. References are followed
// MaxDepth levels deep and no more than MaxRecords records are gathered;
// what lies beyond is missing with an error wrapping ErrResolution. err is
// set only when ctx ends first.
func (r *Resolver) Closure(ctx context.Context, root *Record) (records []*Record, missing map[syntax.NSID]error, err error) {
	records = []*Record{root}
	missing = make(map[syntax.NSID]error)
	seen := map[syntax.NSID]bool{root.NSID(): true}
	frontier := []*Record{root}
	for depth := 1; len(frontier) > 0; depth++ {
		var next []syntax.NSID
		for _, rec := range frontier {
			for _, ref := range rec.Document.References() {
				if !seen[ref] {
					seen[ref] = true
					next = append(next, ref)
				}
			}
		}
		slices.Sort(next)
		if depth > r.cfg.MaxDepth {
			for _, ref := range next {
				missing[ref] = fmt.Errorf("%w: %s is more than %d references away from %s", ErrResolution, ref, r.cfg.MaxDepth, root.NSID())
			}
			break
		}
		if room := r.cfg.MaxRecords - len(records); len(next) > room {
			for _, ref := range next[max(room, 0):] {
				missing[ref] = fmt.Errorf("%w: %s: %s references more than %d lexicons", ErrResolution, ref, root.NSID(), r.cfg.MaxRecords)
			}
			next = next[:max(room, 0)]
		}

		found, errs := r.resolveAll(ctx, next)
		if err := ctx.Err(); err != nil {
			return nil, nil, classify("references of "+string(root.NSID()), err)
		}
		frontier = frontier[:0]
		for i, ref := range next {
			if errs[i] != nil {
				missing[ref] = errs[i]
				continue
			}
			records = append(records, found[i])
			frontier = append(frontier, found[i])
		}
	}
	slices.SortFunc(records[1:], func(a, b *Record) int {
		return strings.Compare(string(a.NSID()), string(b.NSID()))
	})
	return records, missing, nil
}

// resolveAll resolves NSIDs concurrently; the network's fetch slots bound the
// real concurrency.
func (r *Resolver) resolveAll(ctx context.Context, nsids []syntax.NSID) ([]*Record, []error) {
	found := make([]*Record, len(nsids))
	errs := make([]error, len(nsids))
	var wg sync.WaitGroup
	for i, nsid := range nsids {
		wg.Go(func() {
			found[i], errs[i] = r.Resolve(ctx, Query{NSID: nsid})
		})
	}
	wg.Wait()
	return found, errs
}
