package resolver_test

import (
	"context"
	"fmt"

	"github.com/lexval/lexval/resolver"
)

func ExampleResolver_Resolve() {
	r, err := resolver.New(resolver.Config{})
	if err != nil {
		panic(err)
	}
	rec, err := r.Resolve(context.Background(), resolver.Query{NSID: "com.atproto.server.refreshSession"})
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.URI)
	fmt.Println(rec.CID, rec.Source)
	// Output:
	// at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession
	// bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne embedded
}
