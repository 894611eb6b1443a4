// Command loadextract times hcmatom's extract loading on a file, for the
// comparison with gpg --decrypt that bench-vs-gpg.sh makes; nothing in the
// module imports it.
//
//	loadextract -generate 1000000 > extract.csv
//	loadextract -key private.asc -mode load extract.csv.gpg
//
// -mode decrypt only decrypts (as gpg --decrypt -o /dev/null does), parse
// also reads the rows, load also loads them into a roster.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/internal/extractgen"
)

func main() {
	generate := flag.Int("generate", 0, "write a synthetic extract of this many rows to stdout and exit")
	keyFile := flag.String("key", "", "armored private key (not passphrase-protected)")
	mode := flag.String("mode", "load", "decrypt, parse or load")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	if *generate > 0 {
		if _, err := extractgen.Write(os.Stdout, *generate); err != nil {
			log.Fatal(err)
		}
		return
	}
	key, err := os.ReadFile(*keyFile)
	if err != nil {
		log.Fatal(err)
	}
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, nil))
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	var what string
	switch *mode {
	case "decrypt":
		p, err := d.Decrypt(f)
		if err != nil {
			log.Fatal(err)
		}
		n, err := io.Copy(io.Discard, p)
		if err != nil {
			log.Fatal(err)
		}
		what = fmt.Sprintf("%d bytes", n)
	case "parse":
		p, err := d.Decrypt(f)
		if err != nil {
			log.Fatal(err)
		}
		x, err := hcmatom.NewExtractReader(p)
		if err != nil {
			log.Fatal(err)
		}
		n := 0
		for _, err := range x.Rows() {
			if err != nil {
				log.Fatal(err)
			}
			n++
		}
		what = fmt.Sprintf("%d rows", n)
	case "load":
		r := hcmatom.NewRoster()
		sum, err := r.LoadExtract(context.Background(), d, f)
		if err != nil {
			log.Fatal(err)
		}
		took := time.Since(start)
		// The roster is what stays live once the garbage of the load is
		// collected: peak RSS less the roster is what the load itself
		// costs.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		runtime.KeepAlive(r)
		fmt.Fprintf(os.Stderr, "loadextract -mode load: %d rows, %d persons in %.3f s (roster: %d MB of live heap)\n",
			sum.Rows, sum.Persons, took.Seconds(), ms.HeapAlloc>>20)
		return
	default:
		log.Fatalf("-mode %q", *mode)
	}
	fmt.Fprintf(os.Stderr, "loadextract -mode %s: %s in %.3f s\n", *mode, what, time.Since(start).Seconds())
}
