package validator_test

import (
	"fmt"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/validator"
)

func Example() {
	doc, err := lexdoc.ParseDocument([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.status",
	  "defs": {"main": {"type": "record", "key": "tid", "record": {
	    "type": "object", "required": ["text", "createdAt"],
	    "properties": {
	      "text": {"type": "string", "maxGraphemes": 10},
	      "createdAt": {"type": "string", "format": "datetime"}}}}}
	}`))
	if err != nil {
		panic(err)
	}
	c := validator.NewCompiler(lexdoc.NewCatalog(doc))
	ref, _ := lexdoc.ParseDefRef("com.example.status")
	s, err := c.Compile(ref, validator.TargetRecord, validator.Options{})
	if err != nil {
		panic(err)
	}
	r, err := s.ValidateJSON([]byte(`{"$type": "com.example.status", "text": "far too long for ten", "size": 1.5}`))
	if err != nil {
		panic(err)
	}
	fmt.Println("valid:", r.Valid)
	for _, e := range r.Errors {
		fmt.Printf("%s: %s", e.Path, e.Message)
		if e.SchemaPath != "" { // empty for data-model rules
			fmt.Printf(" [%s]", e.SchemaPath)
		}
		fmt.Println()
	}
	// Output:
	// valid: false
	// /createdAt: required field missing: createdAt [com.example.status#main/required]
	// /size: must be an integer, got 1.5
	// /text: text is 20 graphemes, maximum 10 [com.example.status#main/properties/text]
}

func ExampleOptions_allowUnresolved() {
	doc, err := lexdoc.ParseDocument([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.post",
	  "defs": {"main": {"type": "object", "properties": {
	    "embed": {"type": "ref", "ref": "com.example.elsewhere#embed"}}}}
	}`))
	if err != nil {
		panic(err)
	}
	c := validator.NewCompiler(lexdoc.NewCatalog(doc))
	ref, _ := lexdoc.ParseDefRef("com.example.post")
	for _, opts := range []validator.Options{{}, {AllowUnresolved: true}} {
		s, err := c.Compile(ref, validator.TargetObject, opts)
		if err != nil {
			panic(err)
		}
		r, _ := s.ValidateJSON([]byte(`{"embed": {"x": 1}}`))
		fmt.Println("allowUnresolved:", opts.AllowUnresolved, "valid:", r.Valid)
		for _, e := range r.Errors {
			fmt.Printf("  error %s: %s\n", e.Path, e.Message)
		}
		for _, u := range r.Unresolved {
			fmt.Printf("  unchecked %s: %s (referenced at %s)\n", u.Path, u.Ref, u.SchemaPath)
		}
	}
	// Output:
	// allowUnresolved: false valid: false
	//   error /embed: cannot check com.example.elsewhere#embed: lexicon com.example.elsewhere is not in the catalog, referenced at com.example.post#main/properties/embed
	// allowUnresolved: true valid: true
	//   unchecked /embed: com.example.elsewhere#embed (referenced at com.example.post#main/properties/embed)
}

func ExampleCatalog_WithAbsent() {
	doc, err := lexdoc.ParseDocument([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.post",
	  "defs": {"main": {"type": "object", "properties": {
	    "embed": {"type": "ref", "ref": "com.example.elsewhere#embed"}}}}
	}`))
	if err != nil {
		panic(err)
	}
	// Say, network resolution of com.example.elsewhere timed out.
	cat := lexdoc.NewCatalog(doc).WithAbsent(map[syntax.NSID]string{
		"com.example.elsewhere": "timed out after 10s",
	})
	ref, _ := lexdoc.ParseDefRef("com.example.post")
	s, err := validator.NewCompiler(cat).Compile(ref, validator.TargetObject, validator.Options{})
	if err != nil {
		panic(err)
	}
	r, _ := s.ValidateJSON([]byte(`{"embed": {"x": 1}}`))
	fmt.Println(r.Errors[0].Message)
	// Output:
	// cannot check com.example.elsewhere#embed: lexicon com.example.elsewhere could not be resolved (timed out after 10s), referenced at com.example.post#main/properties/embed
}
