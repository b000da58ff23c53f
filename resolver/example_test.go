package resolver_test

import (
	"context"
	"fmt"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

func ExampleRecordCID() {
	v, err := validator.DecodeJSON([]byte(`{"$type":"com.example.note","text":"hi","count":123.0}`))
	if err != nil {
		panic(err)
	}
	c, err := resolver.RecordCID(v)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)

	// A float is outside the data model.
	v, _ = validator.DecodeJSON([]byte(`{"text":"hi","ratio":0.5}`))
	_, err = resolver.RecordCID(v)
	fmt.Println(err)
	// Output:
	// bafyreibqqy2ccpgte4bpu7rnkcxd47f7ydwkdhnd6cbqh3gguz4co3jlry
	// invalid JSON: /ratio: must be an integer, got 0.5
}

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
