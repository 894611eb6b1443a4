package cmo

// The request and response models in internal/hrimport are generated from
// internal/hrimport/HRImport.wsdl with the gowsdl version pinned as a tool in
// go.mod (v0.5.0), then fixgen.go repairs two things gowsdl gets wrong: a
// space in some struct tags (go vet rejects it) and the elements of mixed
// content holding xs:any (xmlData and the results, .NET's XmlNode), which
// gowsdl makes empty structs and fixgen makes AnyType, whose InnerXML keeps
// the XML as is. TestGeneratedModelsAreCurrent runs these commands and fails
// when the committed models differ from their output.
//go:generate go tool gowsdl -d internal -p hrimport -o hrimport.go internal/hrimport/HRImport.wsdl
//go:generate go run fixgen.go internal/hrimport
