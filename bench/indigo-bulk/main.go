// Command indigo-bulk is the baseline of lexval's bulk benchmark: it reads a
// JSONL file of records and checks each with indigo's atdata.UnmarshalJSON
// and lexicon.ValidateRecord (the record's $type picks the schema), the way a
// small Go program using indigo would, and prints how many are invalid.
//
//	go run ./indigo-bulk -lexicons ../../shared/atproto/lexicons posts.jsonl
//
// -workers N spreads the records over N goroutines (default 1, as such a
// program is usually written); the output order does not matter here.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/atdata"
	"github.com/bluesky-social/indigo/atproto/lexicon"
)

func main() {
	dir := flag.String("lexicons", "", "directory of lexicon JSON files")
	workers := flag.Int("workers", 1, "goroutines validating records")
	verbose := flag.Bool("v", false, "print each invalid record's line and error on stderr")
	flag.Parse()
	if *dir == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: indigo-bulk -lexicons DIR [-workers N] FILE.jsonl")
		os.Exit(2)
	}
	cat, skipped, err := loadCatalog(*dir)
	if err != nil {
		fail(err)
	}
	if skipped > 0 {
		fmt.Fprintf(os.Stderr, "indigo-bulk: %d lexicon files indigo cannot parse were skipped\n", skipped)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	defer f.Close()

	type line struct {
		n    int
		data []byte
	}
	lines := make(chan line, 256)
	var total, invalid atomic.Int64
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			for l := range lines {
				total.Add(1)
				if err := check(cat, l.data); err != nil {
					invalid.Add(1)
					if *verbose {
						fmt.Fprintf(os.Stderr, "%d: %v\n", l.n, err)
					}
				}
			}
		})
	}
	br := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		data, err := br.ReadBytes('\n')
		if len(strings.TrimSpace(string(data))) > 0 {
			lines <- line{n, data}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
	}
	close(lines)
	wg.Wait()
	fmt.Printf("%d records, %d invalid\n", total.Load(), invalid.Load())
}

func check(cat lexicon.Catalog, data []byte) error {
	rec, err := atdata.UnmarshalJSON(data)
	if err != nil {
		return err
	}
	typ, _ := rec["$type"].(string)
	return lexicon.ValidateRecord(cat, rec, typ, 0)
}

// loadCatalog loads every .json file under dir, skipping (and counting) those
// indigo's parser rejects rather than failing on the first, as
// BaseCatalog.LoadDirectory would.
func loadCatalog(dir string) (*lexicon.BaseCatalog, int, error) {
	cat := lexicon.NewBaseCatalog()
	skipped := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var sf lexicon.SchemaFile
		if json.Unmarshal(b, &sf) != nil || cat.AddSchemaFile(sf) != nil {
			skipped++
		}
		return nil
	})
	return cat, skipped, err
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "indigo-bulk:", err)
	os.Exit(2)
}
