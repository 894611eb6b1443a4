package ohris_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// The benchmarks write and read files of 1,000, 10,000 and 100,000 users,
// with the streaming Writer and Reader and, for comparison, with
// encoding/xml marshalling and unmarshalling the whole document at once.
//
// Besides ns/op, B/op and allocs/op they report MB/s (of file), allocs/user
// and live-MB: the most heap still in use after a garbage collection, above
// what was in use before the run (the input file, for the readers), taken at
// ten points of the run for the streaming code and at the end for
// encoding/xml, with the timer stopped. Streaming keeps live-MB flat as the
// number of users grows; encoding/xml does not.
//
//	go test ./ohris -run '^$' -bench . -benchtime 2x -benchmem

var benchSizes = []int{1_000, 10_000, 100_000}

// cycled yields n users taken in turn from a pool of 1,000, so that
// producing them allocates nothing and the writer's own allocations show.
func cycled(n int) iter.Seq2[ohris.User, error] {
	var pool []ohris.User
	for u := range generated(1000) {
		pool = append(pool, u)
	}
	return func(yield func(ohris.User, error) bool) {
		for i := range n {
			if !yield(pool[i%len(pool)], nil) {
				return
			}
		}
	}
}

// generated yields n distinct users without holding them.
func generated(n int) iter.Seq2[ohris.User, error] {
	return func(yield func(ohris.User, error) bool) {
		u := seedUsers()[0]
		u.Manager = ohris.Some("")
		for i := range n {
			u.EmployeeNumber = strconv.Itoa(100000 + i)
			u.Login = "user" + u.EmployeeNumber
			u.Email = ohris.Some(u.Login + "@example.com")
			if !yield(u, nil) {
				return
			}
		}
	}
}

// sampledGenerated yields the users of generated(n), sampling the heap at
// ten points of each pass.
func sampledGenerated(n int, h *heapMeter) iter.Seq2[ohris.User, error] {
	return func(yield func(ohris.User, error) bool) {
		i := 0
		for u := range generated(n) {
			if i++; i%every(n) == 0 {
				h.sample()
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

// heapMeter measures the live heap above a baseline, and allocations.
type heapMeter struct {
	b             *testing.B
	base, peak    uint64
	mallocs, gcMs uint64
}

func newHeapMeter(b *testing.B) *heapMeter {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return &heapMeter{b: b, base: ms.HeapAlloc, mallocs: ms.Mallocs}
}

// sample collects garbage, with the timer stopped, and notes the heap in
// use. Its own allocations are not counted.
func (h *heapMeter) sample() {
	h.b.StopTimer()
	defer h.b.StartTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.Mallocs
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > h.base && ms.HeapAlloc-h.base > h.peak {
		h.peak = ms.HeapAlloc - h.base
	}
	h.gcMs += ms.Mallocs - before
}

// every returns how many users apart the streaming benchmarks sample.
func every(users int) int { return max(users/10, 1) }

// report reports live-MB and allocs/user for users users per op.
func (h *heapMeter) report(users int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.b.ReportMetric(float64(h.peak)/(1<<20), "live-MB")
	h.b.ReportMetric(float64(ms.Mallocs-h.mallocs-h.gcMs)/float64(h.b.N*users), "allocs/user")
}

func BenchmarkWrite(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			var size countWriter
			writeGenerated(b, &size, n, nil)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			h := newHeapMeter(b)
			for range b.N {
				writeGenerated(b, io.Discard, n, h)
			}
			b.StopTimer()
			h.report(n)
		})
	}
}

func writeGenerated(b *testing.B, out io.Writer, n int, h *heapMeter) {
	w := ohris.NewWriter(out)
	for u := range cycled(n) {
		if err := w.Write(u); err != nil {
			b.Fatal(err)
		}
		if h != nil && w.Written()%every(n) == 0 {
			h.sample()
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// xmlUser is the flux file's utilisateur element for encoding/xml.
type xmlUser struct {
	Matricule            string       `xml:"matricule"`
	Nom                  string       `xml:"nom"`
	Prenom               string       `xml:"prenom"`
	Genre                string       `xml:"genre"`
	Login                string       `xml:"login"`
	AdresseMail          string       `xml:"adresseMail"`
	TypeContrat          string       `xml:"typeContrat"`
	Groupe               string       `xml:"groupe"`
	Societe              string       `xml:"societe"`
	Services             []xmlService `xml:"services>service"`
	DateDebutContrat     string       `xml:"dateDebutContrat"`
	DateFinContrat       string       `xml:"dateFinContrat"`
	Responsable          string       `xml:"responsable"`
	Cycle                string       `xml:"cycle"`
	DateAffectationCycle string       `xml:"dateAffectationCycle"`
	JoursFeries          string       `xml:"joursFeries"`
	Modules              []string     `xml:"modules>module"`
	Enfants              []string     `xml:"enfants>enfant"`
}

type xmlService struct {
	LibelleLong string `xml:"libellelong"`
	Code        string `xml:"code"`
}

type xmlDoc struct {
	XMLName xml.Name  `xml:"utilisateurs"`
	Users   []xmlUser `xml:"utilisateur"`
}

func toXMLDoc(n int) *xmlDoc {
	doc := &xmlDoc{}
	for u := range generated(n) {
		x := xmlUser{Matricule: u.EmployeeNumber, Nom: u.LastName, Prenom: u.FirstName, Genre: string(u.Gender),
			Login: u.Login, AdresseMail: u.Email.Or(""), TypeContrat: u.ContractType, Groupe: u.Group,
			Societe: u.Company, DateDebutContrat: u.ContractStart.String(), DateFinContrat: u.ContractEnd.Or(ohris.Date{}).String(),
			Responsable: u.Manager.Or(""), Cycle: u.Cycle, DateAffectationCycle: u.CycleStart.String(), JoursFeries: u.Holidays}
		for _, s := range u.Services {
			x.Services = append(x.Services, xmlService{s.LongName, s.Code})
		}
		for _, m := range u.Modules {
			x.Modules = append(x.Modules, string(m))
		}
		for _, d := range u.Children.Or(nil) {
			x.Enfants = append(x.Enfants, d.String())
		}
		doc.Users = append(doc.Users, x)
	}
	return doc
}

// BenchmarkWriteEncodingXML marshals the whole document with
// xml.MarshalIndent; the users are built beforehand, as encoding/xml needs
// them all at once, and their memory counts in peak-MB.
func BenchmarkWriteEncodingXML(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			var size int
			b.ReportAllocs()
			h := newHeapMeter(b)
			for range b.N {
				b.StopTimer()
				doc := toXMLDoc(n)
				b.StartTimer()
				out, err := xml.MarshalIndent(doc, "", "  ")
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
				h.sample()
				runtime.KeepAlive(doc)
			}
			b.StopTimer()
			b.SetBytes(int64(size))
			h.report(n)
		})
	}
}

func benchFile(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	writeGenerated(b, &buf, n, nil)
	return buf.Bytes()
}

func BenchmarkRead(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			data := benchFile(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			h := newHeapMeter(b)
			for range b.N {
				got := 0
				for _, err := range ohris.NewReader(bytes.NewReader(data)).Users() {
					if err != nil {
						b.Fatal(err)
					}
					if got++; got%every(n) == 0 {
						h.sample()
					}
				}
				if got != n {
					b.Fatalf("read %d users of %d", got, n)
				}
			}
			b.StopTimer()
			h.report(n)
		})
	}
}

func BenchmarkReadEncodingXML(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			data := benchFile(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			h := newHeapMeter(b)
			for range b.N {
				var doc xmlDoc
				if err := xml.Unmarshal(data, &doc); err != nil {
					b.Fatal(err)
				}
				h.sample()
				if len(doc.Users) != n {
					b.Fatalf("read %d users of %d", len(doc.Users), n)
				}
			}
			b.StopTimer()
			h.report(n)
		})
	}
}

// BenchmarkCheck runs every check, the rules across users included, which
// keep a few strings per user: its live-MB grows with the file, by design.
func BenchmarkCheck(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			h := newHeapMeter(b)
			for range b.N {
				rep, err := ohris.Check(sampledGenerated(n, h), ohris.References{})
				if err != nil || !rep.OK() {
					b.Fatal(err, rep)
				}
			}
			h.report(n)
		})
	}
}

var checkedSizes = flag.String("ohris.checked-users", "1000,100000",
	"numbers of users for BenchmarkWriteFile, comma-separated (1000000 for the figure in the notes)")

// BenchmarkWriteFile checks and writes a file of distinct users to
// io.Discard: the path of Client.Deliver (Check across users, then the
// Writer), without the SFTP transport, whose buffers do not grow with the
// file. live-MB is sampled at ten points of each pass over the users, so
// it shows what the checks across users hold at their peak.
//
//	go test ./ohris -run '^$' -bench WriteFile -benchtime 1x -ohris.checked-users 100000,1000000
func BenchmarkWriteFile(b *testing.B) {
	for _, s := range strings.Split(*checkedSizes, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			h := newHeapMeter(b)
			for range b.N {
				rep, err := ohris.WriteFile(io.Discard, sampledGenerated(n, h), ohris.WriteParams{})
				if err != nil || !rep.OK() {
					b.Fatal(err, rep)
				}
			}
			h.report(n)
		})
	}
}
