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
	r := lexdoc.Lint(doc, lexdoc.NewCatalog(), lexdoc.LintOptions{})
	fmt.Println("valid:", r.Valid)
	for _, e := range r.Findings {
		fmt.Printf("%s %s: %s [%s]\n", e.Severity, e.Path, e.Message, e.Rule)
	}
	// Output:
	// valid: false
	// info /defs/image/properties/alt: string has no maxLength, maxGraphemes, format, enum or const: any length is valid [unlimited-string]
	// warning /defs/main/description: the record has no description: say what it is for [missing-description]
	// error /defs/main/record/properties/embed/refs/1: reference "com.example.video" cannot be resolved: lexicon com.example.video is not in the catalog [unresolved-ref]
	// error /defs/main/record/properties/lang/format: unknown format "lang"; the Lexicon formats are at-identifier, at-uri, cid, datetime, did, handle, language, nsid, record-key, tid, uri [unknown-format]
	// error /defs/main/record/properties/text/minLength: minLength 10 is greater than maxLength 3 [min-above-max]
	// error /defs/main/record/required/1: required names "createdAt", which is not a property [undefined-property]
}

func ExampleLint_options() {
	doc, err := datamodel.DecodeJSON([]byte(`{
	  "lexicon": 1,
	  "id": "com.example.note",
	  "defs": {"main": {"type": "record", "key": "tid", "record": {"type": "object", "properties": {
	    "Text": {"type": "string"},
	    "tags": {"type": "array", "items": {"type": "string", "maxLength": 64}}
	  }}}}
	}`))
	if err != nil {
		panic(err)
	}
	r := lexdoc.Lint(doc, nil, lexdoc.LintOptions{
		File:        "lexicons/com/example/post.json",
		Ignore:      []string{"missing-description"},
		MinSeverity: lexdoc.SeverityWarning,
	})
	fmt.Println("valid:", r.Valid)
	for _, e := range r.Findings {
		fmt.Printf("%s %s [%s]\n", e.Severity, e.Path, e.Rule)
	}
	// Output:
	// valid: true
	// warning /defs/main/record/properties/Text [field-name-style]
	// warning /id [file-path]
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
