//go:build ignore

// Fixmodels mends the models gowsdl v0.5.0 generates from
// wsdl/UserManager.wsdl, where the WSDL is right and the generator is not:
//
//   - FilterSet refers to the element Filters of the Utilities schema
//     (<xs:element ref="ut:Filters"/>); gowsdl drops the namespace, so that
//     Filters would be sent in the IdentityManager namespace, unlike the
//     seed's samples (<Filters xmlns="http://www.microsoft.com/csf/21/Utilities">).
//   - FilterMatch is abstract: each criterion is sent as <FilterMatch
//     xsi:type="EqualityMatch"> with the fields of that extension. gowsdl
//     generates the base with its Name only, and no xsi:type; the base is
//     given here the xsi:type attribute and the fields of every extension
//     (Value; Initial, Any, Final for SubstringMatch; none for PresentMatch).
//
// It fails when a text it mends is not found, so that a change of gowsdl
// cannot slip through. Usage: go run fixmodels.go DIR (the directory of
// usermanager.go; go run would take a name ending in .go as its own source).
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

var fixes = []struct{ old, new string }{
	{
		"Filters *Filters `xml:\"Filters,omitempty\" json:\"Filters,omitempty\"`",
		"Filters *Filters `xml:\"http://www.microsoft.com/csf/21/Utilities Filters,omitempty\" json:\"Filters,omitempty\"`",
	},
	{
		"type FilterMatch struct {\n\tName string `xml:\"Name,omitempty\" json:\"Name,omitempty\"`\n}",
		"type FilterMatch struct {\n" +
			"\tXSIType string `xml:\"http://www.w3.org/2001/XMLSchema-instance type,attr,omitempty\" json:\"type,omitempty\"`\n\n" +
			"\tName string `xml:\"Name\" json:\"Name\"`\n\n" +
			"\tValue *string `xml:\"Value,omitempty\" json:\"Value,omitempty\"`\n\n" +
			"\tInitial *string `xml:\"Initial,omitempty\" json:\"Initial,omitempty\"`\n\n" +
			"\tAny []string `xml:\"Any,omitempty\" json:\"Any,omitempty\"`\n\n" +
			"\tFinal *string `xml:\"Final,omitempty\" json:\"Final,omitempty\"`\n}",
	},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run fixmodels.go DIR")
		os.Exit(2)
	}
	name := filepath.Join(os.Args[1], "usermanager.go")
	b, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, f := range fixes {
		if bytes.Count(b, []byte(f.old)) != 1 {
			fmt.Fprintf(os.Stderr, "fixmodels: %s: %q not found once: has gowsdl changed?\n", name, f.old)
			os.Exit(1)
		}
		b = bytes.Replace(b, []byte(f.old), []byte(f.new), 1)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
