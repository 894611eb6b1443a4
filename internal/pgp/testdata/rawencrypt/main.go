// Command rawencrypt builds the one test vector gpg cannot: a message whose
// encryption and integrity protection (SEIPD with MDC) are intact but whose
// signature does not match the signed data. It reads a signed, unencrypted,
// uncompressed OpenPGP message made by gpg on stdin, replaces a string inside
// its literal data (same length, so the packet lengths stay right), and
// encrypts the raw packets to the recipient with go-crypto's packet API.
//
//	go run ./internal/pgp/testdata/rawencrypt -to customer.pub.asc -replace 'Green, Joe=Green, Jon' < signed.gpg > bad-signature.gpg
//
// It is run by make-vectors.sh; nothing in the module imports it.
package main

import (
	"bytes"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func main() {
	to := flag.String("to", "", "armored public key of the recipient")
	replace := flag.String("replace", "", "old=new, same length, replaced once in the input")
	flag.Parse()
	f, err := os.Open(*to)
	if err != nil {
		log.Fatal(err)
	}
	keys, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		log.Fatal(err)
	}
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		log.Fatal(err)
	}
	oldNew := strings.SplitN(*replace, "=", 2)
	if len(oldNew) != 2 || len(oldNew[0]) != len(oldNew[1]) || !bytes.Contains(raw, []byte(oldNew[0])) {
		log.Fatalf("-replace %q: need old=new of the same length, old present in the input", *replace)
	}
	raw = bytes.Replace(raw, []byte(oldNew[0]), []byte(oldNew[1]), 1)

	key, ok := keys[0].EncryptionKey(time.Now())
	if !ok {
		log.Fatal("recipient has no encryption key")
	}
	sessionKey := make([]byte, 32)
	if _, err := rand.Read(sessionKey); err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	if err := packet.SerializeEncryptedKey(&out, key.PublicKey, packet.CipherAES256, sessionKey, nil); err != nil {
		log.Fatal(err)
	}
	w, err := packet.SerializeSymmetricallyEncrypted(&out, packet.CipherAES256, false, packet.CipherSuite{}, sessionKey, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Write(raw); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	if _, err := os.Stdout.Write(out.Bytes()); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "rawencrypt: wrote", out.Len(), "bytes")
}
