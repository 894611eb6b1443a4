package ohris_test

import (
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
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
