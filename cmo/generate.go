package cmo

// The request and response models in internal/hrimport are generated from
// wsdl/HRImport.wsdl with the gowsdl version pinned as a tool in go.mod
// (v0.5.0), then fixtags.go drops a space gowsdl puts in some struct tags
// (go vet rejects it; encoding/xml does not care).
// TestGeneratedModelsAreCurrent runs these commands and fails when the
// committed models differ from their output.
//go:generate go tool gowsdl -d internal -p hrimport -o hrimport.go wsdl/HRImport.wsdl
//go:generate go run fixtags.go internal/hrimport
