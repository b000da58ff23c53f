package lexdoc_test

import (
	"fmt"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

func ExampleLint() {
	doc, err := datamodel.DecodeJSON([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.post",
	  "defs": {
	    "main": {
	      "type": "record",
	      "key": "tid",
	      "record": {
	        "type": "object",
	        "required": ["text", "createdAt"],
	        "properties": {
	          "text": {"type": "string", "minLength": 10, "maxLength": 3, "maxGraphemes": 300},
	          "lang": {"type": "string", "format": "lang"},
	          "embed": {"type": "union", "refs": ["#image", "com.example.video"]}
	        }
	      }
	    },
	    "image": {"type": "object", "properties": {"alt": {"type": "string"}}}
	  }
	}`))
	if err != nil {
		panic(err)
	}
	for _, e := range lexdoc.Lint(doc, lexdoc.NewCatalog(), lexdoc.LintOptions{}).Findings {
		fmt.Printf("%s: %s\n", e.Path, e.Message)
	}
	// Output:
	// /defs/main/record/properties/embed/refs/1: reference "com.example.video" cannot be resolved: lexicon com.example.video is not in the catalog
	// /defs/main/record/properties/lang/format: unknown format "lang"; the Lexicon formats are at-identifier, at-uri, cid, datetime, did, handle, language, nsid, record-key, tid, uri
	// /defs/main/record/properties/text/minLength: minLength 10 is greater than maxLength 3
	// /defs/main/record/required/1: required names "createdAt", which is not a property
}

func ExampleLint_unresolved() {
	doc, err := datamodel.DecodeJSON([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.post",
	  "defs": {
	    "main": {"type": "object", "properties": {
	      "embed": {"type": "union", "refs": ["#image", "com.example.video"]},
	      "label": {"type": "ref", "ref": "#label"}
	    }},
	    "image": {"type": "object", "properties": {}}
	  }
	}`))
	if err != nil {
		panic(err)
	}
	r := lexdoc.Lint(doc, lexdoc.NewCatalog(), lexdoc.LintOptions{AllowUnresolved: true})
	fmt.Println("valid:", r.Valid, "findings:", len(r.Findings))
	for _, u := range r.Unresolved {
		fmt.Printf("unresolved %s at %s\n", u.Ref, u.Path)
	}
	// Output:
	// valid: true findings: 0
	// unresolved com.example.video at /defs/main/properties/embed/refs/1
	// unresolved com.example.post#label at /defs/main/properties/label/ref
}
