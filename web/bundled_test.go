package web_test

import (
	"strings"
	"testing"
)

// TestBundledPages: a bundled lexicon's page says where it comes from and
// never presents it as a published record.
func TestBundledPages(t *testing.T) {
	e := pagesOf(t, bundledService(t))

	page := servePage(t, e, "GET", "/lexicon/app.bsky.feed.post", "", 200).Body.String()
	for _, want := range []string{
		"bundled from the atproto repository, not verified against a published record",
		"none: bundled with lexval, not published",
		"none: not published",
		`href="https://github.com/bluesky-social/atproto/blob/`,
		"the CID it will have when published",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "published by") || strings.Contains(page, "Signing Key") {
		t.Errorf("page presents a bundled lexicon as published")
	}
	catalog := servePage(t, e, "GET", "/", "", 200).Body.String()
	if !strings.Contains(catalog, `href="/lexicon/app.bsky.feed.post"`) {
		t.Errorf("catalog does not list app.bsky.feed.post")
	}
}
