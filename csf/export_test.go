package csf

// WithRequestContexts makes the client send the RequestContexts next gives,
// for tests that compare the bytes on the wire with the seed's samples.
func WithRequestContexts(next func() string) Option {
	return func(c *config) error {
		c.newRequestID = next
		return nil
	}
}

// Wire helpers for the fuzz targets.
var (
	FilterFromWire = filterFromWire
)
