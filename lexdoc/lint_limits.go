package lexdoc

// limits reports the size limits doc breaks (MaxDefinitions and the others),
// each with its numbers and rule name.
func (l *linter) limits(doc any) {
	m, _ := doc.(map[string]any)
	defs, ok := m["defs"].(map[string]any)
	if !ok {
		return
	}
	sizeLimits(defs, func(o overLimit) {
		l.addOverLimit(Finding{Path: o.path, Message: o.message, SchemaPath: l.defLoc(o.def), Rule: o.rule, Severity: SeverityError})
	})
	// The depth of references needs the document parsed; one that does not
	// parse (over a size limit, say) has findings enough.
	self, err := NewDocument(m)
	if err != nil {
		return
	}
	depths := newRefDepths(func(r DefRef) (Schema, bool) {
		if r.NSID == self.ID {
			s, ok := self.Defs[r.Name]
			return s, ok
		}
		if l.cat == nil {
			return nil, false
		}
		return l.cat.Lookup(r)
	})
	// One finding, at the deepest definition: every definition on a long
	// chain is deep, and shortening the chain fixes them all.
	deepest, depth := "", 0
	for _, name := range sortedKeys(defs) {
		if d := depths.of(self.Defs[name]); d > depth {
			deepest, depth = name, d
		}
	}
	if depth > MaxRefDepth {
		l.addOverLimit(Finding{
			Path:       member("/defs", deepest),
			Message:    "references from " + deepest + " pass through a chain of " + countWords(depth) + " definitions, more than the " + countWords(MaxRefDepth) + " a chain may have",
			SchemaPath: l.defLoc(deepest),
			Rule:       RuleMaxRefDepth,
			Severity:   SeverityError,
		})
	}
}

// addOverLimit keeps f, a size limit's finding, if the options keep it,
// whatever the number of findings: it says why the document has so many,
// and there are few (each is over a limit that takes many bytes to pass).
func (l *linter) addOverLimit(f Finding) {
	if l.opts.keeps(f) {
		l.findings = append(l.findings, f)
	}
}

// defLoc is the SchemaPath of findings in definition name, "" for the
// document's own fields and in a document without a valid id.
func (l *linter) defLoc(name string) string {
	if name == "" || l.id == "" {
		return ""
	}
	return string(l.id) + "#" + name
}
