package csf

// The request and response models in internal/usermanager are generated from
// wsdl/UserManager.wsdl with the gowsdl version pinned as a tool in go.mod
// (v0.5.0), then fixmodels.go mends the two things gowsdl gets wrong for this
// WSDL: the namespace of the Filters element, which belongs to the Utilities
// schema, and the xsi:type of FilterMatch. TestGeneratedModelsAreCurrent runs
// these commands and fails when the committed models differ from their output.
//go:generate go tool gowsdl -d internal -p usermanager -o usermanager.go wsdl/UserManager.wsdl
//go:generate go run fixmodels.go internal/usermanager
