package canonical

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/hcmscim"
)

// hcmJoe is Joe Green of the Oracle guide as HCM holds him on his hire: a
// user HCM named, no e-mail yet, the employee role HCM gives everyone.
func hcmJoe() hcmscim.User {
	return hcmscim.User{ID: "FE8B6B1DE81B22FFE053A3561BACA0B5", UserName: "JGREEN", Active: hcmscim.Some(true),
		Name:  hcmscim.Name{GivenName: "Joe", FamilyName: "Green"},
		Roles: []hcmscim.UserRole{{ID: "40C4", Value: "ORA_PER_EMPLOYEE_ABSTRACT"}},
		FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: "966169008890736",
			BusinessUnit: "300100032736497", Job: "300100037637824"}, UserCategory: "DEFAULT"}}
}

// emsJoe is Joe as the entitlement system provisioned him.
func emsJoe() Person {
	return Person{Key: "966169008890736", Logins: map[string]string{"ad": "Joe.Green"},
		Emails:      []Email{{Type: "personal", Address: "joe@home.example"}, {Type: "work", Address: "joe.green@mail.com", Primary: true}},
		Assignments: []Assignment{{ID: "a1", Roles: []string{"ORA_PER_EMPLOYEE_ABSTRACT", "EMS_TRAINING_EMPLOYEE"}}}}
}

func TestSCIMWriteBack(t *testing.T) {
	m := SCIM{LoginSystem: "ad"}
	joe, u := emsJoe(), hcmJoe()
	patch, ok := m.Patch(&joe, &u)
	want := hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green"),
		Emails: hcmscim.Some([]hcmscim.Email{{Value: "joe.green@mail.com", Type: "W", Primary: true}})}
	if !ok || !cmp.Equal(patch, want, exportOpt) {
		t.Errorf("patch %+v", patch)
	}
	ops, err := m.WriteBack(&joe, &u, map[string]string{"EMS_TRAINING_EMPLOYEE": "R1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, op := range ops {
		got = append(got, op.BulkID+" "+op.Method+" "+op.Path)
	}
	if fmt.Sprint(got) != "[966169008890736-user PATCH /Users/FE8B6B1DE81B22FFE053A3561BACA0B5 966169008890736-role-EMS_TRAINING_EMPLOYEE PATCH /Roles/R1]" {
		t.Errorf("operations %v", got)
	}

	// In line already (user name differing only in case): nothing to do.
	u.UserName, u.Emails = "JOE.GREEN", []hcmscim.Email{{Value: "Joe.Green@mail.com", Type: "W", Primary: true}}
	u.Roles = append(u.Roles, hcmscim.UserRole{Value: "EMS_TRAINING_EMPLOYEE"})
	if ops, err := m.WriteBack(&joe, &u, nil); err != nil || len(ops) != 0 {
		t.Errorf("in line: %v %v", ops, err)
	}

	// Not given leaves HCM alone.
	bare := Person{Key: joe.Key}
	if _, ok := m.Patch(&bare, &u); ok {
		t.Error("a person who says nothing patched HCM")
	}
}

func TestSCIMWriteBackErrors(t *testing.T) {
	m := SCIM{}
	joe, u := emsJoe(), hcmJoe()
	joe.Assignments = append(joe.Assignments, Assignment{ID: "a2", Roles: []string{"EMS_A", "EMS_B"}})
	_, err := m.WriteBack(&joe, &u, map[string]string{"EMS_A": "RA"})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Record != "person 966169008890736" || ie.Field != "assignments.roles" {
		t.Fatalf("error %v", err)
	}
	for _, r := range []string{"EMS_B", "EMS_TRAINING_EMPLOYEE"} {
		if !strings.Contains(err.Error(), r) {
			t.Errorf("error %v does not name %s", err, r)
		}
	}
	u.FA.WorkerInformation.PersonNumber = "1"
	if _, err := m.WriteBack(&joe, &u, nil); !errors.As(err, &ie) || ie.Field != "key" {
		t.Errorf("another person's user: %v", err)
	}
	if _, err := m.FromUser(&hcmscim.User{ID: "X", UserName: "FUSION_APPS_ADMIN"}); !errors.As(err, &ie) {
		t.Errorf("user without person number: %v", err)
	}
}

func TestSCIMFromUser(t *testing.T) {
	m := SCIM{LoginSystem: "ad"}
	u := hcmJoe()
	u.Emails = []hcmscim.Email{{Value: "joe.green@mail.com", Type: "W", Primary: true}, {Value: "joe@home.example", Type: "H"}}
	u.FA.WorkerInformation.Manager = "Mary.King"
	p, err := m.FromUser(&u)
	if err != nil {
		t.Fatal(err)
	}
	want := Person{
		Key: "966169008890736", UserName: Some("JGREEN"), Logins: map[string]string{"ad": "JGREEN"},
		Name:       Name{Given: Some("Joe"), Family: Some("Green")},
		Emails:     []Email{{Type: "work", Address: "joe.green@mail.com", Primary: true}, {Type: "H", Address: "joe@home.example"}},
		Employment: Employment{Status: Some(StatusActive)},
		Assignments: []Assignment{{ID: "hcm:966169008890736", Primary: Some(true), BusinessUnit: Some("300100032736497"),
			Job: Some("300100037637824"), Roles: []string{"ORA_PER_EMPLOYEE_ABSTRACT"}}},
		Attributes: map[string]string{AttrHCMUserID: u.ID, AttrHCMManager: "Mary.King", AttrHCMUserCategory: "DEFAULT"},
	}
	if diff := cmp.Diff(want, p, exportOpt); diff != "" {
		t.Errorf("person (-want +got):\n%s", diff)
	}
	// What HCM holds, mapped back, needs no write-back.
	if ops, err := m.WriteBack(&p, &u, nil); err != nil || len(ops) != 0 {
		t.Errorf("round trip: %v %v", ops, err)
	}
	u.Active = hcmscim.Some(false)
	if p, _ := m.FromUser(&u); p.Employment.Status.Or("") != StatusInactive {
		t.Errorf("inactive user: %v", p.Employment.Status)
	}
}
