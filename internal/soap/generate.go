package soap

// The test model internal/greeter is generated from testdata/greeter.wsdl
// with the gowsdl version pinned as a tool in go.mod.
//go:generate go tool gowsdl -d internal -p greeter -o greeter.go testdata/greeter.wsdl
