package paging

import (
	"errors"
	"testing"
)

func TestGuardStopsOnARepeatedPage(t *testing.T) {
	var g Guard
	for _, k := range []string{"1", "", "2", "", "3"} {
		if err := g.Seen(k); err != nil {
			t.Fatalf("Seen(%q): %v", k, err)
		}
	}
	if err := g.Seen("2"); !errors.Is(err, ErrRepeatedPage) {
		t.Fatalf("Seen(2) again = %v, want ErrRepeatedPage", err)
	}
}
