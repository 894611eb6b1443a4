package opt

import (
	"encoding/json"
	"testing"
)

func TestGivenEmptyIsNotAbsent(t *testing.T) {
	var absent Value[string]
	empty := Of("")
	if absent.IsSet() || !empty.IsSet() {
		t.Fatal("IsSet cannot tell absent from empty")
	}
	if v, ok := empty.Get(); v != "" || !ok {
		t.Errorf("Get = %q, %v", v, ok)
	}
	if absent.Or("x") != "x" || empty.Or("x") != "" {
		t.Error("Or wrong")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	type rec struct {
		Phone  Value[string] `json:"phone,omitzero"`
		Mobile Value[string] `json:"mobile,omitzero"`
		Count  Value[int]    `json:"count"`
	}
	in := rec{Phone: Of("")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"phone":"","count":null}` {
		t.Errorf("json = %s", b)
	}
	var out rec
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"count":"x"}`), &out); err == nil {
		t.Error("wrong type accepted")
	}
}
