// Command genposts writes a JSONL file of realistic app.bsky.feed.post
// records for bulk benchmarks: varied text (ASCII, accented Latin, CJK,
// Arabic, emoji with modifiers and ZWJ sequences), facets with correct UTF-8
// byte offsets, langs, reply refs, self-labels, tags and embeds of images,
// external links, records and records with media. The same seed gives the
// same bytes. A small fraction (-invalid) breaks one rule each, so that
// validators' error paths run too and their counts can be compared.
//
//	go run ./genposts -n 100000 -o /tmp/posts.jsonl
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

func main() {
	n := flag.Int("n", 100_000, "number of records")
	seed := flag.Uint64("seed", 1, "random seed")
	invalidFrac := flag.Float64("invalid", 0.01, "fraction of records that break a rule")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()

	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genposts:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{r: rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))}
	invalid := 0
	for i := range *n {
		p := g.post(i)
		if g.r.Float64() < *invalidFrac {
			g.breakRule(p)
			invalid++
		}
		b, err := json.Marshal(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genposts:", err)
			os.Exit(1)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genposts:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genposts: %d records, %d made invalid\n", *n, invalid)
}

// The record shapes, in the field order clients write them.
type (
	post struct {
		Type      string      `json:"$type"`
		Text      string      `json:"text"`
		Facets    []facet     `json:"facets,omitempty"`
		Reply     *replyRef   `json:"reply,omitempty"`
		Embed     any         `json:"embed,omitempty"`
		Langs     []string    `json:"langs,omitempty"`
		Labels    *selfLabels `json:"labels,omitempty"`
		Tags      []string    `json:"tags,omitempty"`
		CreatedAt string      `json:"createdAt,omitempty"`
	}
	facet struct {
		Type     string    `json:"$type,omitempty"`
		Index    byteSlice `json:"index"`
		Features []any     `json:"features"`
	}
	byteSlice struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	}
	feature struct {
		Type string `json:"$type"`
		DID  string `json:"did,omitempty"`
		URI  string `json:"uri,omitempty"`
		Tag  string `json:"tag,omitempty"`
	}
	strongRef struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	replyRef struct {
		Root   strongRef `json:"root"`
		Parent strongRef `json:"parent"`
	}
	blob struct {
		Type     string  `json:"$type"`
		Ref      cidLink `json:"ref"`
		MimeType string  `json:"mimeType"`
		Size     int     `json:"size"`
	}
	cidLink struct {
		Link string `json:"$link"`
	}
	image struct {
		Alt         string       `json:"alt"`
		Image       blob         `json:"image"`
		AspectRatio *aspectRatio `json:"aspectRatio,omitempty"`
	}
	aspectRatio struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	}
	imagesEmbed struct {
		Type   string  `json:"$type"`
		Images []image `json:"images"`
	}
	external struct {
		URI         string `json:"uri"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Thumb       *blob  `json:"thumb,omitempty"`
	}
	externalEmbed struct {
		Type     string   `json:"$type"`
		External external `json:"external"`
	}
	recordEmbed struct {
		Type   string    `json:"$type"`
		Record strongRef `json:"record"`
	}
	recordWithMediaEmbed struct {
		Type   string      `json:"$type"`
		Record recordEmbed `json:"record"`
		Media  any         `json:"media"`
	}
	selfLabels struct {
		Type   string      `json:"$type"`
		Values []selfLabel `json:"values"`
	}
	selfLabel struct {
		Val string `json:"val"`
	}
)

// Text pieces by script; emoji include skin-tone modifiers, flags and ZWJ
// sequences (one grapheme, several code points).
var (
	words = [][]string{
		strings.Fields("the a of to and in is it you that was for on are with as I this have at be from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part"),
		strings.Fields("não está você também já até é então ação coração über schön grüße straße café naïve façade déjà señor año mañana"),
		strings.Fields("今日は 日本語 東京 天気 ありがとう 猫 桜 写真 こんにちは 한국어 안녕하세요 中文 你好 谢谢"),
		strings.Fields("مرحبا العالم شكرا كتاب"),
		strings.Fields("🦋 🎉 👍🏽 👩‍💻 🇧🇷 🇯🇵 ❤️ 😂 🧑🏿‍🚀 👨‍👩‍👧‍👦 ✨ 🌸"),
	}
	langs     = []string{"en", "en", "en", "ja", "pt", "pt-BR", "de", "es", "fr", "ko", "ar", "zh-Hant", "en-US"}
	handles   = []string{"alice.bsky.social", "bob.example.com", "carol.test", "dave.bsky.social"}
	hashtags  = []string{"golang", "atproto", "bluesky", "art", "日本", "café"}
	domains   = []string{"example.com", "news.example.org", "blog.example.net", "example.co.uk"}
	mimeTypes = []string{"image/jpeg", "image/jpeg", "image/png", "image/webp"}
	labelVals = []string{"sexual", "nudity", "graphic-media", "porn"}
)

type gen struct {
	r *rand.Rand
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *gen) post(i int) *post {
	p := &post{Type: "app.bsky.feed.post"}
	p.Text, p.Facets = g.text()
	if g.r.IntN(10) < 3 {
		root := g.strongRef("app.bsky.feed.post")
		parent := root
		if g.r.IntN(2) == 0 {
			parent = g.strongRef("app.bsky.feed.post")
		}
		p.Reply = &replyRef{Root: root, Parent: parent}
	}
	switch k := g.r.IntN(20); {
	case k < 4:
		p.Embed = g.images()
	case k < 6:
		p.Embed = g.external()
	case k < 8:
		p.Embed = recordEmbed{Type: "app.bsky.embed.record", Record: g.strongRef("app.bsky.feed.post")}
	case k < 9:
		p.Embed = recordWithMediaEmbed{
			Type:   "app.bsky.embed.recordWithMedia",
			Record: recordEmbed{Type: "app.bsky.embed.record", Record: g.strongRef("app.bsky.feed.post")},
			Media:  g.images(),
		}
	}
	switch g.r.IntN(10) {
	case 0:
	case 1:
		p.Langs = []string{g.pick(langs), g.pick(langs)}
	default:
		p.Langs = []string{g.pick(langs)}
	}
	if g.r.IntN(50) == 0 {
		p.Labels = &selfLabels{Type: "com.atproto.label.defs#selfLabels", Values: []selfLabel{{Val: g.pick(labelVals)}}}
	}
	if g.r.IntN(20) == 0 {
		p.Tags = []string{g.pick(hashtags), g.pick(hashtags)}
	}
	p.CreatedAt = g.time(i).Format("2006-01-02T15:04:05.000Z")
	return p
}

// text builds up to ~280 code points (so at most 300 graphemes and well
// under 3000 bytes) of words, with mentions, links and hashtags whose facets
// carry their UTF-8 byte ranges.
func (g *gen) text() (string, []facet) {
	var b strings.Builder
	var facets []facet
	script := g.r.IntN(len(words))
	// Lengths are skewed as in real posts: mostly short, a few near the max.
	limit := min(280, 5+int(g.r.ExpFloat64()*90))
	if g.r.IntN(25) == 0 {
		limit = 0 // image-only posts have empty text
	}
	runes := 0
	for runes < limit {
		if b.Len() > 0 {
			b.WriteByte(' ')
			runes++
		}
		var piece string
		var feat *feature
		switch k := g.r.IntN(40); {
		case k == 0:
			h := g.pick(handles)
			piece, feat = "@"+h, &feature{Type: "app.bsky.richtext.facet#mention", DID: g.did()}
		case k == 1:
			u := "https://" + g.pick(domains) + "/" + fmt.Sprintf("post/%d", g.r.IntN(100000))
			piece, feat = u, &feature{Type: "app.bsky.richtext.facet#link", URI: u}
		case k == 2:
			t := g.pick(hashtags)
			piece, feat = "#"+t, &feature{Type: "app.bsky.richtext.facet#tag", Tag: t}
		case k < 6:
			piece = g.pick(words[len(words)-1]) // emoji in any script
		default:
			if g.r.IntN(8) == 0 {
				script = g.r.IntN(len(words) - 1)
			}
			piece = g.pick(words[script])
		}
		n := len([]rune(piece))
		if runes+n > limit+10 {
			break
		}
		if feat != nil {
			start := b.Len()
			facets = append(facets, facet{Index: byteSlice{start, start + len(piece)}, Features: []any{*feat}})
		}
		b.WriteString(piece)
		runes += n
	}
	return b.String(), facets
}

func (g *gen) images() imagesEmbed {
	e := imagesEmbed{Type: "app.bsky.embed.images"}
	for range 1 + g.r.IntN(4) {
		img := image{Image: g.blob(2_000_000)}
		if g.r.IntN(3) > 0 {
			img.Alt, _ = g.text()
		}
		if g.r.IntN(4) > 0 {
			img.AspectRatio = &aspectRatio{Width: 200 + g.r.IntN(3800), Height: 200 + g.r.IntN(3800)}
		}
		e.Images = append(e.Images, img)
	}
	return e
}

func (g *gen) external() externalEmbed {
	title, _ := g.text()
	desc, _ := g.text()
	e := externalEmbed{Type: "app.bsky.embed.external", External: external{
		URI:         "https://" + g.pick(domains) + fmt.Sprintf("/article/%d?ref=bsky", g.r.IntN(1_000_000)),
		Title:       title,
		Description: desc,
	}}
	if g.r.IntN(2) == 0 {
		b := g.blob(1_000_000)
		e.External.Thumb = &b
	}
	return e
}

func (g *gen) blob(maxSize int) blob {
	return blob{Type: "blob", Ref: cidLink{g.cid(cid.Raw)}, MimeType: g.pick(mimeTypes), Size: 1000 + g.r.IntN(maxSize-1000)}
}

func (g *gen) strongRef(collection string) strongRef {
	rkey := syntax.NewTIDFromInteger(g.r.Uint64() >> 1)
	return strongRef{URI: "at://" + g.did() + "/" + collection + "/" + rkey.String(), CID: g.cid(cid.DagCBOR)}
}

// did returns a did:plc with 24 base32 characters.
func (g *gen) did() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := []byte("did:plc:")
	for range 24 {
		b = append(b, alphabet[g.r.IntN(len(alphabet))])
	}
	return string(b)
}

func (g *gen) cid(codec uint64) string {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(g.r.Uint32())
	}
	sum := sha256.Sum256(seed[:])
	mh, err := multihash.Encode(sum[:], multihash.SHA2_256)
	if err != nil {
		panic(err)
	}
	return cid.NewCidV1(codec, mh).String()
}

// time spreads records over 2024, in order.
func (g *gen) time(i int) time.Time {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return base.Add(time.Duration(i)*30*time.Second + time.Duration(g.r.IntN(30000))*time.Millisecond)
}

// breakRule makes p invalid in one of several ways.
func (g *gen) breakRule(p *post) {
	switch g.r.IntN(6) {
	case 0:
		p.Text = strings.Repeat("too long ", 40) // 360 graphemes
		p.Facets = nil
	case 1:
		p.CreatedAt = "2024-13-45 25:61"
	case 2:
		p.CreatedAt = ""
	case 3:
		p.Langs = []string{"not a language tag"}
	case 4:
		p.Reply = &replyRef{Root: strongRef{URI: "https://example.com/not-at-uri", CID: "bafy"}, Parent: g.strongRef("app.bsky.feed.post")}
	case 5:
		e := g.images()
		for len(e.Images) < 5 {
			e.Images = append(e.Images, image{Alt: "", Image: g.blob(2_000_000)})
		}
		p.Embed = e
	}
}
