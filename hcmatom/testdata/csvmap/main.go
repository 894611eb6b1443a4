// Command csvmap is what a user would write instead of hcmatom's extract
// loading: gpg --decrypt piped into an encoding/csv loop that keeps every
// row in a map by person number. bench-vs-gpg.sh times it beside
// LoadExtract; nothing in the module imports it.
//
//	gpg --decrypt extract.csv.gpg | csvmap
//
// It checks nothing that LoadExtract checks (required columns, dates,
// flags, one person's rows agreeing, integrity before use: gpg writes the
// plaintext before it has checked the MDC), so it is a floor, not an
// equivalent.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"slices"
	"time"
)

func main() {
	start := time.Now()
	r := csv.NewReader(bufio.NewReaderSize(os.Stdin, 1<<20))
	header, err := r.Read()
	if err != nil {
		log.Fatal(err)
	}
	key := slices.Index(header, "PersonNumber")
	if key < 0 {
		log.Fatal("no PersonNumber column")
	}
	persons := map[string][][]string{}
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		persons[rec[key]] = append(persons[rec[key]], rec)
		rows++
	}
	took := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(persons)
	fmt.Fprintf(os.Stderr, "csvmap: %d rows, %d persons in %.3f s (map: %d MB of live heap)\n", rows, len(persons), took.Seconds(), ms.HeapAlloc>>20)
}
