package validator

import "github.com/lexval/lexval/lexdoc"

// Temporary: Lint reads type names as strings until it moves to lexdoc.

type Catalog = lexdoc.Catalog

const (
	typeBoolean       = string(lexdoc.TypeBoolean)
	typeInteger       = string(lexdoc.TypeInteger)
	typeString        = string(lexdoc.TypeString)
	typeBytes         = string(lexdoc.TypeBytes)
	typeCIDLink       = string(lexdoc.TypeCIDLink)
	typeBlob          = string(lexdoc.TypeBlob)
	typeArray         = string(lexdoc.TypeArray)
	typeObject        = string(lexdoc.TypeObject)
	typeParams        = string(lexdoc.TypeParams)
	typePermission    = string(lexdoc.TypePermission)
	typeToken         = string(lexdoc.TypeToken)
	typeRef           = string(lexdoc.TypeRef)
	typeUnion         = string(lexdoc.TypeUnion)
	typeUnknown       = string(lexdoc.TypeUnknown)
	typeRecord        = string(lexdoc.TypeRecord)
	typeQuery         = string(lexdoc.TypeQuery)
	typeProcedure     = string(lexdoc.TypeProcedure)
	typeSubscription  = string(lexdoc.TypeSubscription)
	typePermissionSet = string(lexdoc.TypePermissionSet)
)

func isPrimaryType(t string) bool { return lexdoc.Type(t).IsPrimary() }
func hasDataForm(t string) bool   { return lexdoc.Type(t).HasDataForm() }
func isVariantType(t string) bool { return lexdoc.Type(t).IsVariant() }
func isParamType(t string) bool   { return lexdoc.Type(t).IsParam() }
func withArticle(t string) string { return lexdoc.Type(t).WithArticle() }
func validDefName(n string) bool  { return lexdoc.ValidDefName(n) }
