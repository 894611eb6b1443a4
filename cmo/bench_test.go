package cmo

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/soap"
)

// benchUsers returns n users with every standard field given.
func benchUsers(n int) []User {
	users := make([]User, n)
	for i := range users {
		login := fmt.Sprintf("user%05d", i)
		users[i] = User{
			LoginName:         login,
			FirstName:         Some("Firstname"),
			LastName:          Some(fmt.Sprintf("Lastname-%d", i)),
			Email:             Some(login + "@example.com"),
			UserRole:          Some("Super User"),
			JobTitle:          Some("Administration Assistant"),
			Classification:    Some("Employee"),
			ADLogin:           Some("CORP\\" + login),
			Phone:             Some("0395217077"),
			Mobile:            Some("0477710068"),
			EmailReminders:    Some(true),
			MobileAccess:      Some(false),
			ManagerLoginNames: Some([]string{"user00000", "user00001"}),
			UserGroups:        Some([]string{"Administrators", "Auditors & Risk"}),
			IsADUser:          Some(true),
			ADUserObjectID:    Some("4CADA701-616F-4BE3-A4B1-78944411B6F5"),
			DeactivationStart: Some(Date{Year: 2025, Month: time.March, Day: 15}),
			Info:              []InfoField{{Name: "CostCentre", Value: "CC-1234"}},
			Assignments:       Some([]Assignment{{UserRole: "Super User", OrgUnit: "QLD", Entity: "Western Village"}}),
		}
	}
	return users
}

// BenchmarkEncodeUsers encodes 10,000 users into the import envelopes the
// client sends (batches of 500, as by default): payload, generated request,
// SOAP envelope. Validation is measured apart.
func BenchmarkEncodeUsers(b *testing.B) {
	const n = 10000
	users := benchUsers(n)
	c, err := NewClient("https://acme.cmo-compliance.com", WithLogin("cmoadmin", "cmoadmin15!"))
	if err != nil {
		b.Fatal(err)
	}
	j := c.usersJob(users)
	encode := func() (size int, calls int) {
		bt := &batcher{j: j, size: c.cfg.batchSize}
		for {
			xmlData, batch, err := bt.next()
			if err != nil {
				b.Fatal(err)
			}
			if batch == nil {
				return size, calls
			}
			env, err := soap.Marshal(nil, c.request(j.op, xmlData))
			if err != nil {
				b.Fatal(err)
			}
			size += len(env)
			calls++
		}
	}
	size, calls := encode()
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		encode()
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/n, "allocs/user")
	b.ReportMetric(float64(calls), "envelopes")
}

// BenchmarkValidateUsers validates 10,000 users, as ImportUsers does before
// encoding them.
func BenchmarkValidateUsers(b *testing.B) {
	users := benchUsers(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := validateUsers(users, true); err != nil {
			b.Fatal(err)
		}
	}
}
