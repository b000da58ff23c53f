package lexdoc

// scanCID: the loose CID string syntax of the interop fixtures: 8-256 of
// [A-Za-z0-9+=] (any multibase encoding), but not a CIDv0.
//
// The data model allows only CIDv1 ("CID version: 1"), and the fixtures list
// a CIDv0 as invalid. indigo's ParseCID rejects only strings starting "Qmb",
// so every other CIDv0 passes it (the empty-directory CID
// "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", for one). A CIDv0 is the
// base58btc encoding of a sha2-256 multihash (0x12 0x20 ...) and so always
// starts "Qm"; 'Q' is no multibase prefix, so no CIDv1 string starts with it.
// Rejecting the "Qm" prefix rejects every CIDv0 and nothing else that could be
// a CID.
func scanCID(s string) bool {
	if len(s) < 8 || len(s) > 256 || s[0] == 'Q' && s[1] == 'm' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !asciiAlnum(c) && c != '+' && c != '=' {
			return false
		}
	}
	return true
}
