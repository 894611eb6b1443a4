package ohris_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

func TestFileName(t *testing.T) {
	d := date("2024-01-31")
	if got := ohris.FileName(d); got != "flux_utilisateurs_20240131.xml" {
		t.Errorf("FileName = %q", got)
	}
	for _, name := range []string{"flux_utilisateurs_20240131.xml", "depot/prod/flux_utilisateurs_20240131.xml"} {
		got, err := ohris.ParseFileName(name)
		if err != nil || got != d {
			t.Errorf("ParseFileName(%q) = %v, %v", name, got, err)
		}
	}
	for _, bad := range []string{"", "flux_utilisateurs_20240131.csv", "flux_utilisateurs_2024131.xml",
		"flux_utilisateurs_20240230.xml", "flux_utilisateurs_+0240131.xml", "flux_users_20240131.xml",
		".flux_utilisateurs_20240131.xml.1234.part", "flux_utilisateurs_20240131.xml.part"} {
		if d, err := ohris.ParseFileName(bad); err == nil {
			t.Errorf("ParseFileName(%q) = %v", bad, d)
		}
	}
}

func TestNewest(t *testing.T) {
	names := []string{"flux_utilisateurs_20240105.xml", "readme.txt", "flux_utilisateurs_20241231.xml",
		".flux_utilisateurs_20250101.xml.ab.part", "flux_utilisateurs_20240301.xml"}
	name, d, ok := ohris.Newest(names)
	if !ok || name != "flux_utilisateurs_20241231.xml" || d != date("2024-12-31") {
		t.Errorf("Newest = %q, %v, %v", name, d, ok)
	}
	if _, _, ok := ohris.Newest([]string{"a.xml"}); ok {
		t.Error("Newest found a file among none")
	}
}

// Only the names of temporary files count as leftovers, so that
// RemoveLeftover cannot remove anything else.
func TestLeftoverNames(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	for _, name := range []string{
		"flux_utilisateurs_20240131.xml", "flux_utilisateurs_20240131.xml.0123456789abcdef.part",
		".flux_utilisateurs_20240131.xml.0123456789ABCDEF.part", ".flux_utilisateurs_2024013.xml.0123456789abcdef.part",
		".notes.txt.0123456789abcdef.part", ".flux_utilisateurs_20240131.xml.0123456789abcdef.part/x",
	} {
		if err := c.RemoveLeftover(context.Background(), ohris.Prod, name); !errors.Is(err, ohris.ErrInvalid) {
			t.Errorf("RemoveLeftover(%q) = %v", name, err)
		}
	}
	err := c.RemoveLeftover(context.Background(), ohris.Prod, ".flux_utilisateurs_20240131.xml.0123456789abcdef.part")
	if !errors.Is(err, ohris.ErrNotFound) {
		t.Errorf("a leftover name that is not there: %v", err)
	}
}
