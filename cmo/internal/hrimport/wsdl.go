package hrimport

import _ "embed"

// WSDL is HRImport.wsdl, the description this package's models are generated
// from, which cmotest serves at HRImport.asmx?WSDL.
//
//go:embed HRImport.wsdl
var WSDL []byte
