package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkValidateHandler measures POST /api/v1/validate of a
// refreshSession output through the whole handler chain (middleware,
// metrics, decode, cached schema, validation, encode), without a network.
func BenchmarkValidateHandler(b *testing.B) {
	s := newTestServer(b)
	body := validateBody(refreshSession, sessionOutput)
	h := s.Handler()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/validate", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("got %d: %s", rec.Code, rec.Body)
			}
		}
	})
}

// sessionOutput is a refreshSession output of realistic size (JWTs and a DID
// document), about 1.5 KB.
const sessionOutput = `{"accessJwt":"eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyIsInN1YiI6ImRpZDpwbGM6Nm1zaTNwajdrcnppaDVxeHF0cnl4bHp3IiwiaWF0IjoxNzM2NDI3MjAwLCJleHAiOjE3MzY0MzQ0MDAsImF1ZCI6ImRpZDp3ZWI6YnNreS5zb2NpYWwifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJlLXNpZ25hdHVyZQ","refreshJwt":"eyJ0eXAiOiJyZWZyZXNoK2p3dCIsImFsZyI6IkVTMjU2SyJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLnJlZnJlc2giLCJzdWIiOiJkaWQ6cGxjOjZtc2kzcGo3a3J6aWg1cXhxdHJ5eGx6dyIsImF1ZCI6ImRpZDp3ZWI6YnNreS5zb2NpYWwiLCJqdGkiOiJhYmNkZWYiLCJpYXQiOjE3MzY0MjcyMDAsImV4cCI6MTc0NDIwMzIwMH0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJlLXNpZ25hdHVyZQ","handle":"alice.bsky.social","did":"did:plc:6msi3pj7krzih5qxqtryxlzw","didDoc":{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1","https://w3id.org/security/suites/secp256k1-2019/v1"],"id":"did:plc:6msi3pj7krzih5qxqtryxlzw","alsoKnownAs":["at://alice.bsky.social"],"verificationMethod":[{"id":"did:plc:6msi3pj7krzih5qxqtryxlzw#atproto","type":"Multikey","controller":"did:plc:6msi3pj7krzih5qxqtryxlzw","publicKeyMultibase":"zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"}],"service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://morel.us-east.host.bsky.network"}]},"active":true}`
