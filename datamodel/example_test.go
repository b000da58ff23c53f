package datamodel_test

import (
	"errors"
	"fmt"

	"github.com/lexval/lexval/datamodel"
)

func ExampleRecordCID() {
	v, err := datamodel.DecodeJSON([]byte(`{"$type":"com.example.note","text":"hi","count":123.0}`))
	if err != nil {
		panic(err)
	}
	c, err := datamodel.RecordCID(v)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)

	// A float is outside the data model.
	v, _ = datamodel.DecodeJSON([]byte(`{"text":"hi","ratio":0.5}`))
	_, err = datamodel.RecordCID(v)
	fmt.Println(err)
	// Output:
	// bafyreibqqy2ccpgte4bpu7rnkcxd47f7ydwkdhnd6cbqh3gguz4co3jlry
	// invalid JSON: /ratio: must be an integer, got 0.5
}

func ExampleDecodeJSON() {
	_, err := datamodel.DecodeJSON([]byte("{\"text\": \"a\",\n \"text\": \"b\"}"))
	var je *datamodel.JSONError
	if errors.As(err, &je) {
		fmt.Println(je.Line, je.Column, errors.Is(err, datamodel.ErrDuplicateKey))
	}
	fmt.Println(err)
	// Output:
	// 2 2 true
	// invalid JSON at line 2, column 2: duplicate key "text"
}

func ExamplePublishLexicon() {
	raw := []byte(`{"lexicon": 1, "id": "com.example.ping", "defs": {"main": {"type": "token"}}}`)
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		panic(err)
	}
	pub, err := datamodel.PublishLexicon(v.(map[string]any), raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(pub.CID)
	fmt.Println(string(pub.JSON))
	// Output:
	// bafyreigwbrnldprzprixocwjzhjqex5mby43wfgeisgtgehtelr5utjahu
	// {"$type":"com.atproto.lexicon.schema","lexicon": 1, "id": "com.example.ping", "defs": {"main": {"type": "token"}}}
}
