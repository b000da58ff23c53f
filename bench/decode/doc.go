// Package decode compares JSON decoders for datamodel.DecodeJSON, on speed and
// on the rules a validator needs. It is a separate module so that the
// candidates that lose do not enter the main go.mod.
//
//	cd bench/decode && go test -run Correctness -v . && go test -bench . -benchmem -count 6 -cpu 1 .
package decode
