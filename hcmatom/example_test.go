package hcmatom_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// A sync from a (fake) pod into a roster, reporting joiners, movers and
// leavers.
func Example() {
	pod, err := hcmatomtest.Start()
	if err != nil {
		panic(err)
	}
	defer pod.Close()
	at := time.Date(2023, 6, 29, 9, 0, 0, 0, time.UTC)
	jane := pod.Hire(at, hcmatomtest.Worker{PersonNumber: "1001", Name: "Doe, Jane", JobID: "ENGINEER"})
	rick := pod.Hire(at.Add(time.Minute), hcmatomtest.Worker{PersonNumber: "1002", Name: "Roe, Richard"})
	pod.Promote(at.Add(time.Hour), jane.AssignmentID, map[string]string{"JobId": "LEAD"})
	pod.Terminate(at.Add(2*time.Hour), rick.PeriodOfServiceID, hcmatom.Date{Year: 2023, Month: 6, Day: 30})

	c, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		panic(err)
	}
	roster := hcmatom.NewRoster()
	sync := &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}}
	_, err = sync.Run(context.Background(), func(ctx context.Context, ev hcmatom.Event) error {
		out, err := roster.Apply(ev)
		if err != nil {
			return err
		}
		switch out.Lifecycle {
		case hcmatom.Joiner, hcmatom.Rehire, hcmatom.Mover, hcmatom.Leaver:
			fmt.Println(out.PersonNumber, out.Lifecycle)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	p, _ := roster.Person("1001")
	a, _ := p.PrimaryAssignment()
	fmt.Println(p.Name, a.JobID)
	// Output:
	// 1001 joiner
	// 1002 joiner
	// 1001 mover
	// 1002 leaver
	// Doe, Jane LEAD
}

// Decoding an entry of Oracle's pending-worker sample, whose Context names
// "PersonNumber" twice.
func ExampleDecode() {
	ev, err := hcmatom.Decode(hcmatom.NewHireFeed, hcmatom.Entry{ID: "EMP1", Content: `{ "Context" : [ { ` +
		`"PeriodOfServiceId" : "300100589792532", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", ` +
		`"PrimaryPhoneNumber" : "", "PersonNumber" : "300100589792517", "PeriodType" : "P", "WorkerType" : "PWK", ` +
		`"DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], ` +
		`"Changed Attributes" : [ { "PersonNumber" : "300100589792517" }, { "DateStart" : "2023-06-29" } ] }`})
	if err != nil {
		panic(err)
	}
	nh := ev.(*hcmatom.NewHire)
	fmt.Println(nh.PersonNumber, nh.PeriodOfServiceID, nh.WorkerType, nh.DateStart)
	for _, w := range nh.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// 966169008890210 300100589792532 PWK 2023-06-29
	// warning: Context has "PersonNumber" twice: "966169008890210" is used, "300100589792517" is ignored
	// warning: the changed attribute PersonNumber is "300100589792517", as is the Context's second PersonNumber (seemingly the PersonId); the Context's first PersonNumber "966169008890210" identifies the person
}

// Seeding a roster from the rows of an extract (one row per assignment),
// then applying a promotion.
func ExampleRoster_Load() {
	var b hcmatom.Batch
	for _, asg := range []string{"300100591078074", "300100591078075"} {
		err := b.Add(hcmatom.Person{PersonNumber: "966169008890236", Name: "King, Mary",
			WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591078068", Primary: true, PeriodType: "E", WorkerType: "EMP",
				Assignments: []hcmatom.Assignment{{AssignmentID: asg, Primary: asg == "300100591078074", ActionCode: "HIRE"}}}}})
		if err != nil {
			panic(err)
		}
	}
	roster := hcmatom.NewRoster()
	if err := roster.Load(&b); err != nil {
		panic(err)
	}
	promotion, _ := hcmatom.Decode(hcmatom.AssignmentFeed, hcmatom.Entry{ID: "EMP2", Content: `{ "Context" : [ { ` +
		`"AssignmentId" : "300100591078074", "PersonNumber" : "966169008890236", "DMLOperation" : "UPDATE", "EffectiveDate" : "2023-06-30" } ], ` +
		`"Changed Attributes" : [ { "ActionCode" : { "old" : "HIRE", "new" : "PROMOTION" } }, { "JobId" : { "old" : null, "new" : "300100037658485" } } ] }`})
	out, _ := roster.Apply(promotion)
	fmt.Println(out.Lifecycle)
	for _, c := range out.Changes {
		fmt.Println(c)
	}
	// Output:
	// mover
	// assignment 300100591078074: ActionCode "HIRE" → "PROMOTION"
	// assignment 300100591078074: JobId "" → "300100037658485"
}

// Reading every event of one feed after a timestamp.
func ExampleClient_Events() {
	pod, err := hcmatomtest.Start()
	if err != nil {
		panic(err)
	}
	defer pod.Close()
	at := time.Date(2023, 6, 29, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		pod.Hire(at.Add(time.Duration(i)*time.Minute), hcmatomtest.Worker{Name: fmt.Sprintf("Worker, %c", 'A'+i)})
	}
	c, _ := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	for ev, err := range c.Events(context.Background(), hcmatom.Query{Collection: hcmatom.NewHireFeed, After: at}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(ev.Raw().Entry.Title, ev.Raw().At.Format(time.Kitchen))
	}
	// Output:
	// Worker, B Hired 9:01AM
	// Worker, C Hired 9:02AM
}

// Reading a feed document from any stream.
func ExampleFeedReader() {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>EMP1</id><title type="text"><![CDATA[Meyerson, Barbara Hired]]></title>` +
		`<updated>2023-06-29T00:00:00.000Z</updated><content type="text"><![CDATA[{ "Context" : [ { "PersonNumber" : "966169008890206" } ] }]]></content></entry></feed>`
	fr := hcmatom.NewFeedReader(strings.NewReader(doc), 1<<20)
	for {
		e, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		fmt.Println(e.ID, e.Title, e.Content)
	}
	// Output:
	// EMP1 Meyerson, Barbara Hired { "Context" : [ { "PersonNumber" : "966169008890206" } ] }
}

// Naming what assignments give by id, from the workstructures feeds read
// first, as Oracle advises; an id no feed named is reported, not sent.
func ExampleWorkstructures_Resolve() {
	pod, err := hcmatomtest.Start()
	if err != nil {
		panic(err)
	}
	defer pod.Close()
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100037658514", "Finance")
	pod.ChangeWorkstructure(at, hcmatom.JobsFeed, "300100037637824", "Accountant")
	joe := pod.Hire(at, hcmatomtest.Worker{PersonNumber: "966169008890736", Name: "Green, Joe",
		OrganizationID: "300100037658514", JobID: "300100037637824", LocationID: "300100037658196"})

	c, _ := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	roster, names := hcmatom.NewRoster(), hcmatom.NewWorkstructures()
	sync := &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}}
	_, err = sync.Run(context.Background(), func(_ context.Context, ev hcmatom.Event) error {
		names.Apply(ev)
		_, err := roster.Apply(ev)
		return err
	})
	if err != nil {
		panic(err)
	}
	p, _ := roster.Person(joe.PersonNumber)
	byAssignment, err := names.Resolve(p)
	n := byAssignment[joe.AssignmentID]
	fmt.Printf("%s, %s, location %q\n", n.Organization, n.Job, n.Location)
	fmt.Println(err)
	// Output:
	// Finance, Accountant, location ""
	// hcmatom: no name known (from the workstructures feeds or the extract's name columns) for person 966169008890736, assignment 300100700000003: LocationId 300100037658196
}

// Reading a feed a page at a time, keeping each page's Next as the
// checkpoint to resume from after a restart.
func ExampleClient_EntriesPage() {
	pod, err := hcmatomtest.Start()
	if err != nil {
		panic(err)
	}
	defer pod.Close()
	at := time.Date(2023, 6, 29, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		pod.Hire(at.Add(time.Duration(i)*time.Minute), hcmatomtest.Worker{Name: fmt.Sprintf("Worker, %d", i+1)})
	}
	c, _ := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	q := hcmatom.Query{Collection: hcmatom.NewHireFeed, PageSize: 2}
	next := "" // or the checkpoint saved before a restart
	for {
		page, err := c.EntriesPage(context.Background(), q, next)
		if err != nil {
			panic(err)
		}
		for _, e := range page.Items {
			fmt.Println(e.Title)
		}
		if next = page.Next; next == "" {
			break
		}
		// save next here
	}
	// Output:
	// Worker, 1 Hired
	// Worker, 2 Hired
	// Worker, 3 Hired
}
