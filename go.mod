module github.com/hrbridge/hrbridge

go 1.24

require github.com/google/go-cmp v0.7.0

require github.com/hooklift/gowsdl v0.5.0 // indirect

tool github.com/hooklift/gowsdl/cmd/gowsdl
