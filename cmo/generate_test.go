package cmo

import (
	"testing"

	"github.com/hrbridge/hrbridge/internal/gentest"
)

// TestGeneratedModelsAreCurrent fails when the committed models differ from
// what generate.go's commands make of the WSDL.
func TestGeneratedModelsAreCurrent(t *testing.T) {
	gentest.CheckGenerated(t, "internal/hrimport/hrimport.go")
}
