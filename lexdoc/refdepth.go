package lexdoc

// RefDepth returns the number of definitions in the longest chain of
// references (refs and union refs) that starts from s, looked up in c: 0
// when s refers to nothing, 1 when it refers only to definitions that refer
// to nothing, and so on. Definitions that refer to each other in a cycle
// (recursion) count once each, so the depth stays finite and is found in
// time proportional to the definitions reached. References c cannot resolve
// end a chain. MaxRefDepth bounds it.
func (c *Catalog) RefDepth(s Schema) int {
	return newRefDepths(c.Lookup).of(s)
}

// refDepths finds the depth of every definition it is asked about, sharing
// the work between questions: definitions are the nodes of a graph whose
// edges are references, its strongly connected components (Tarjan's
// algorithm) are the cycles, and the depth of a component is its size plus
// the greatest depth of the components it refers to.
type refDepths struct {
	lookup func(DefRef) (Schema, bool)
	nodes  map[DefRef]*refNode
	stack  []*refNode
	next   int
}

type refNode struct {
	index, low int
	onStack    bool
	succ       []*refNode
	scc        *refComponent // set once its component is complete
}

type refComponent struct{ depth int }

func newRefDepths(lookup func(DefRef) (Schema, bool)) *refDepths {
	return &refDepths{lookup: lookup, nodes: map[DefRef]*refNode{}}
}

// of is RefDepth.
func (d *refDepths) of(s Schema) int {
	depth := 0
	eachRef(s, func(r DefRef) {
		if n := d.visit(r); n != nil {
			depth = max(depth, n.scc.depth)
		}
	})
	return depth
}

// visit returns the node of definition r, its component complete; nil when
// r cannot be resolved.
func (d *refDepths) visit(r DefRef) *refNode {
	if n, ok := d.nodes[r]; ok {
		return n
	}
	def, ok := d.lookup(r)
	if !ok {
		d.nodes[r] = nil
		return nil
	}
	n := &refNode{index: d.next, low: d.next, onStack: true}
	d.next++
	d.nodes[r] = n
	d.stack = append(d.stack, n)
	eachRef(def, func(t DefRef) {
		m, seen := d.nodes[t]
		switch {
		case !seen:
			if m = d.visit(t); m != nil {
				n.low = min(n.low, m.low)
			}
		case m != nil && m.onStack:
			n.low = min(n.low, m.index)
		}
		if m != nil {
			n.succ = append(n.succ, m)
		}
	})
	if n.low == n.index {
		// n is the root of a component: it and everything above it on the
		// stack. Components it refers to are complete already.
		comp := &refComponent{}
		i := len(d.stack) - 1
		for d.stack[i] != n {
			i--
		}
		members := d.stack[i:]
		d.stack = d.stack[:i]
		deepest := 0
		for _, m := range members {
			m.onStack = false
			m.scc = comp
		}
		for _, m := range members {
			for _, t := range m.succ {
				if t.scc != comp {
					deepest = max(deepest, t.scc.depth)
				}
			}
			m.succ = nil
		}
		comp.depth = len(members) + deepest
	}
	return n
}

// eachRef calls f for every reference s makes, in s and the schemas inside
// it, down to (not into) the definitions referenced.
func eachRef(s Schema, f func(DefRef)) {
	switch n := s.(type) {
	case *Ref:
		f(n.Ref)
	case *Union:
		for _, r := range n.Refs {
			f(r)
		}
	case *Array:
		eachRef(n.Items, f)
	case *Object:
		for _, p := range n.Properties {
			eachRef(p.Schema, f)
		}
	case *Params:
		for _, p := range n.Properties {
			eachRef(p.Schema, f)
		}
	case *Record:
		eachRef(n.Record, f)
	case *Query:
		eachParams(n.Parameters, f)
		eachBody(n.Output, f)
	case *Procedure:
		eachParams(n.Parameters, f)
		eachBody(n.Input, f)
		eachBody(n.Output, f)
	case *Subscription:
		eachParams(n.Parameters, f)
		eachBody(n.Message, f)
	}
}

func eachParams(p *Params, f func(DefRef)) {
	if p != nil {
		eachRef(p, f)
	}
}

func eachBody(b *Body, f func(DefRef)) {
	if b != nil && b.Schema != nil {
		eachRef(b.Schema, f)
	}
}
