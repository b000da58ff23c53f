package validator

// Options change how values are checked. They are part of a compiled
// schema's identity.
type Options struct {
	// AllowUnresolved treats references the catalog cannot supply as valid;
	// every one that a value reaches is listed in Result.Unresolved. When
	// false, a value that reaches such a reference is invalid.
	AllowUnresolved bool
	// Lenient accepts legacy blobs ({"cid", "mimeType"}).
	Lenient bool
}
