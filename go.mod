module github.com/hrbridge/hrbridge

go 1.24.0

require (
	github.com/pkg/sftp v1.13.10
	golang.org/x/crypto v0.48.0
)

require (
	github.com/hooklift/gowsdl v0.5.0 // indirect
	github.com/kr/fs v0.1.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
)

tool github.com/hooklift/gowsdl/cmd/gowsdl
