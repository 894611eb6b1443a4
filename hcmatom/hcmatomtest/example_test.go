package hcmatomtest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// Code that reads the feeds, run against the fake, with a fault. In a test,
// hcmatomtest.NewServer(t) starts the same server and closes it when the
// test ends.
func ExampleStart() {
	pod, err := hcmatomtest.Start()
	if err != nil {
		panic(err)
	}
	defer pod.Close()
	pod.Hire(time.Date(2023, 6, 29, 9, 0, 0, 0, time.UTC), hcmatomtest.Worker{PersonNumber: "1001", Name: "Doe, Jane"})
	pod.Faults.Push(hcmatomtest.Fault{Status: 503, RetryAfter: "0"}) // the first request is refused

	c, _ := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	for ev, err := range c.Events(context.Background(), hcmatom.Query{Collection: hcmatom.NewHireFeed}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(ev.Raw().Entry.Title)
	}
	// The refused request never reached the fake: Faults stands before it.
	for _, r := range pod.Requests() {
		fmt.Println(r.Status, r.Path, r.Query.Get("orderBy"))
	}
	// Output:
	// Doe, Jane Hired
	// 200 /hcmRestApi/atomservlet/employee/newhire updated:asc
}
