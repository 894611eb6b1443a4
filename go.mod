module github.com/hrbridge/hrbridge

go 1.24.0

require (
	github.com/ProtonMail/go-crypto v1.5.2
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/hooklift/gowsdl v0.5.0
	github.com/pkg/sftp v1.13.10
	golang.org/x/crypto v0.48.0
	golang.org/x/oauth2 v0.35.0
)

require (
	github.com/cloudflare/circl v1.6.3 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/kr/fs v0.1.0 // indirect
	golang.org/x/sys v0.41.0 // indirect
)

tool github.com/hooklift/gowsdl/cmd/gowsdl
