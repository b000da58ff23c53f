package datamodel

import "testing"

func TestBlessedCID(t *testing.T) {
	tests := []struct {
		name, cid string
		blessed   bool
		problem   string // linkCIDProblem's answer when not blessed
	}{
		{name: "dag-cbor", cid: "bafyreibqqy2ccpgte4bpu7rnkcxd47f7ydwkdhnd6cbqh3gguz4co3jlry", blessed: true},
		{name: "raw", cid: "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity", blessed: true},
		{name: "not a CID", cid: "bafy", problem: "is not a valid CID"},
		{name: "CIDv0", cid: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", problem: "is a CIDv0 (atproto links are CIDv1)"},
		{name: "dag-pb codec", cid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", problem: "has codec 0x70 (atproto links use dag-cbor, 0x71, or raw, 0x55)"},
		{name: "base58 multibase", cid: "zdpuAyvkgEDQm9TenwGkd5eNaosSxjgEYd8QatfPetgB1CdEZ", problem: `is not in lower-case base32 with the "b" prefix (the string encoding of atproto links)`},
		{name: "upper-case base32", cid: "BAFYREIBQQY2CCPGTE4BPU7RNKCXD47F7YDWKDHND6CBQH3GGUZ4CO3JLRY", problem: `is not in lower-case base32 with the "b" prefix (the string encoding of atproto links)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := BlessedCID(tc.cid); got != tc.blessed {
				t.Fatalf("BlessedCID: got %v, want %v", got, tc.blessed)
			}
			if !tc.blessed {
				if got := linkCIDProblem(tc.cid); got != tc.problem {
					t.Errorf("linkCIDProblem: got %q, want %q", got, tc.problem)
				}
			}
		})
	}
}
