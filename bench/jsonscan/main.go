// Command jsonscan is the floor of the bulk benchmark: it reads a JSONL
// file line by line, as lexval validate does, and only checks that each line
// is JSON (encoding/json.Valid, a scanner that builds nothing), on every
// core, and prints how many lines are not. Whatever lexval does beyond this
// is the price of decoding, the data model and the schema.
//
//	go run ./jsonscan posts.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: jsonscan FILE.jsonl")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsonscan:", err)
		os.Exit(2)
	}
	defer f.Close()

	// Lines go to the workers in batches, as in lexval's pipeline, so that
	// the channel costs little per line.
	const batchLines = 128
	batches := make(chan [][]byte, runtime.GOMAXPROCS(0))
	var lines, bad atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for b := range batches {
				for _, l := range b {
					lines.Add(1)
					if !json.Valid(l) {
						bad.Add(1)
					}
				}
			}
		})
	}
	br := bufio.NewReaderSize(f, 1<<20)
	batch := make([][]byte, 0, batchLines)
	for {
		data, err := br.ReadBytes('\n')
		if len(data) > 0 && !(len(data) == 1 && data[0] == '\n') {
			batch = append(batch, data)
			if len(batch) == batchLines {
				batches <- batch
				batch = make([][]byte, 0, batchLines)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "jsonscan:", err)
			os.Exit(2)
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	fmt.Printf("%d lines, %d not JSON\n", lines.Load(), bad.Load())
}
