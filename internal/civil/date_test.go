package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseFormatLayouts(t *testing.T) {
	for _, tc := range []struct{ layout, in, iso string }{
		{ISO, "2024-02-29", "2024-02-29"},
		{"02.01.2006", "31.12.2023", "2023-12-31"},
		{"20060102", "20250101", "2025-01-01"},
	} {
		d, err := Parse(tc.layout, tc.in)
		if err != nil {
			t.Fatalf("Parse(%q, %q): %v", tc.layout, tc.in, err)
		}
		if d.String() != tc.iso || d.Format(tc.layout) != tc.in {
			t.Errorf("Parse(%q, %q) = %v, formats back as %q", tc.layout, tc.in, d, d.Format(tc.layout))
		}
	}
}

func TestParseErrorsNameTheLayout(t *testing.T) {
	for _, in := range []string{"", "2023-02-30", "31.12.2023", "2023-1-1"} {
		_, err := ParseISO(in)
		if err == nil {
			t.Fatalf("ParseISO(%q) succeeded", in)
		}
		if want := "YYYY-MM-DD"; !contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// A date taken from an instant late in the evening west of Greenwich must not
// become the next day, and a parsed date must not depend on the local zone.
func TestNoShiftAcrossZones(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	evening := time.Date(2024, 3, 1, 23, 30, 0, 0, ny)
	if got := DateOf(evening); got != (Date{2024, time.March, 1}) {
		t.Errorf("DateOf(%v) = %v", evening, got)
	}
	d, _ := ParseISO("2024-03-01")
	if d.Format(time.RFC3339) != "2024-03-01T00:00:00Z" {
		t.Errorf("date became instant %s", d.Format(time.RFC3339))
	}
}

func TestCompareAndArithmetic(t *testing.T) {
	a := NewDate(2023, 12, 31)
	b := a.AddDays(1)
	if b != (Date{2024, time.January, 1}) || !a.Before(b) || !b.After(a) || a.Compare(a) != 0 {
		t.Errorf("AddDays/Compare wrong: %v %v", a, b)
	}
	if !(Date{2024, 2, 29}).IsValid() || (Date{2023, 2, 29}).IsValid() || (Date{}).IsValid() {
		t.Error("IsValid wrong")
	}
}

func TestJSON(t *testing.T) {
	type rec struct {
		Start Date `json:"start"`
		End   Date `json:"end"`
	}
	in := rec{Start: NewDate(2020, 5, 4)}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"start":"2020-05-04","end":""}` {
		t.Errorf("json = %s", b)
	}
	var out rec
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("round trip = %v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"start":"04.05.2020"}`), &out); err == nil {
		t.Error("bad date accepted")
	}
}
