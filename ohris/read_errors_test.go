package ohris_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// A file that cannot be read is ErrInvalid, and says where once.
func TestReaderFatalErrorsAreInvalid(t *testing.T) {
	for _, doc := range []string{
		`<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x "y">]><utilisateurs>&x;</utilisateurs>`,
		"<utilisateurs>\xff</utilisateurs>",
		"<utilisateurs><a/></utilisateurs>",
		"<utilisateurs>",
	} {
		var err error
		for _, e := range ohris.NewReader(strings.NewReader(doc)).Users() {
			if e != nil {
				err = e
				break
			}
		}
		if !errors.Is(err, ohris.ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", doc, err)
		}
		if err != nil && strings.Count(err.Error(), "ohris:") != 1 {
			t.Errorf("%q: %v: the prefix more than once", doc, err)
		}
	}
}
