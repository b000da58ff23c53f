package service_test

import (
	"context"
	"fmt"
	"log"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

func ExampleParseSchemaRef() {
	for _, s := range []string{
		"app.bsky.feed.post",
		"app.bsky.feed.post#replyRef",
		"at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession",
		"at://did:plc:6msi3pj7krzih5qxqtryxlzw/app.bsky.feed.post/3jzfcijpj2z2a",
	} {
		ref, err := service.ParseSchemaRef(s)
		if err != nil {
			fmt.Println(service.ErrorCode(err))
			continue
		}
		fmt.Printf("%s#%s uri=%q\n", ref.Def.NSID, ref.Def.Name, ref.URI)
	}
	// Output:
	// app.bsky.feed.post#main uri=""
	// app.bsky.feed.post#replyRef uri=""
	// com.atproto.server.refreshSession#main uri="at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession"
	// InvalidRequest
}

func ExampleService_Prepare() {
	res, err := resolver.New(resolver.Config{}) // the embedded catalog only
	if err != nil {
		log.Fatal(err)
	}
	svc := service.New(res)
	ref, err := service.ParseSchemaRef("com.atproto.server.refreshSession")
	if err != nil {
		log.Fatal(err)
	}
	checker, err := svc.Prepare(context.Background(), service.Request{Schema: ref})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(checker.Info.CID, checker.Target)

	value, err := datamodel.DecodeJSON([]byte(`{"refreshJwt":"r","handle":"alice.example.com","did":"plc:nope"}`))
	if err != nil {
		log.Fatal(err)
	}
	result := checker.Validate(value)
	fmt.Println("valid:", result.Valid)
	for _, e := range result.Errors {
		fmt.Printf("%s: %s\n", e.Path, e.Message)
	}
	// Output:
	// bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne output
	// valid: false
	// /accessJwt: required field missing: accessJwt
	// /did: must be a valid DID, got "plc:nope"
}
