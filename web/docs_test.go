package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestDocumentationView: a lexicon page documents every definition (the
// account service.DescribeLexicon gives llms.txt and MCP), with fields
// marked required, optional or nullable, their types and constraints, and
// references linked: to the definition's entry on this page for the
// lexicon's own, to the other lexicon's page for the rest, in the
// documentation and in the JSON alike.
func TestDocumentationView(t *testing.T) {
	e := pagesOf(t, bundledService(t))

	tests := []struct {
		target   string
		contains []string
	}{
		{target: "/lexicon/app.bsky.feed.post", contains: []string{
			`<article class="def-doc" id="def-main"`, `<article class="def-doc" id="def-replyRef"`,
			`<code class="field-name">text</code> <span class="badge badge-required">required</span> <span class="doc-type">string</span>; <span class="doc-constraints">at most bytes 3000, at most graphemes 300</span>`,
			`<code class="field-name">langs</code> <span class="badge">optional</span>`,
			// A local ref, in the documentation and in the JSON.
			`<span class="doc-type">ref to <a href="#def-replyRef"><code>app.bsky.feed.post#replyRef</code></a></span>`,
			`<a class="j-str j-ref" href="#def-replyRef">&#34;#replyRef&#34;</a>`,
			// A union's refs, to other lexicons' pages.
			`<a href="/lexicon/app.bsky.embed.images"><code>app.bsky.embed.images</code></a>`,
			`<a class="j-str j-ref" href="/lexicon/app.bsky.embed.images">&#34;app.bsky.embed.images&#34;</a>`,
			`open: other $types allowed`,
			// A ref to another lexicon's definition lands on its entry.
			`<a href="/lexicon/com.atproto.repo.strongRef"><code>com.atproto.repo.strongRef</code></a>`,
			"Record key: tid.",
		}},
		{target: "/lexicon/com.atproto.repo.putRecord", contains: []string{
			`<p class="fields-title">Input <code>application/json</code></p>`,
			`<code class="field-name">swapRecord</code> <span class="badge">optional</span> <span class="badge">nullable</span>`,
			`<p class="fields-title">Errors</p>`, `<code>InvalidSwap</code>`,
		}},
		{target: "/lexicon/app.bsky.feed.defs", contains: []string{
			`<a href="/lexicon/app.bsky.actor.defs#def-profileViewBasic"><code>app.bsky.actor.defs#profileViewBasic</code></a>`,
			// knownValues are shown.
			`known values &#34;app.bsky.feed.defs#requestLess&#34;`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			page := servePage(t, e, "GET", tt.target, "", 200).Body.String()
			for _, want := range tt.contains {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			// Every local link has its target on the page.
			for _, m := range regexp.MustCompile(`href="#(def-[^"]+)"`).FindAllStringSubmatch(page, -1) {
				if !strings.Contains(page, `id="`+m[1]+`"`) {
					t.Errorf("link to #%s, which the page lacks", m[1])
				}
			}
			assertNoInline(t, page)
		})
	}
}
