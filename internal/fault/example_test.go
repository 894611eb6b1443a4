package fault_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/hrbridge/hrbridge/internal/fault"
)

// A fake answers twice 503 with Retry-After, then normally; the Injector
// records what it did.
func Example() {
	fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	in := fault.New()
	srv := httptest.NewServer(in.Wrap(fake))
	defer srv.Close()

	in.Push(fault.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "2", Times: 2})
	for range 3 {
		res, err := srv.Client().Get(srv.URL + "/users")
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Printf("%d Retry-After=%q %q\n", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	fmt.Println(in.Requests(), "requests")
	for _, r := range in.Injected() {
		fmt.Println(r)
	}
	// Output:
	// 503 Retry-After="2" ""
	// 503 Retry-After="2" ""
	// 200 Retry-After="" "hello"
	// 3 requests
	// #1 GET /users: status 503, Retry-After 2
	// #2 GET /users: status 503, Retry-After 2
}

// The random mode draws its faults from a seeded generator: a run with the
// same seed and the same requests meets the same faults.
func ExampleInjector_Random() {
	fake := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	in := fault.New()
	h := in.Wrap(fake)

	in.Random(7, 0.3,
		fault.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"},
		fault.Fault{Status: http.StatusBadGateway})
	for range 10 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/feed", nil))
	}
	for _, r := range in.Injected() {
		fmt.Println(r)
	}
	// Output:
	// #5 GET /feed: status 502
	// #6 GET /feed: status 429, Retry-After 1
	// #8 GET /feed: status 429, Retry-After 1
	// #9 GET /feed: status 502
}
