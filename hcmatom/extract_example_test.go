package hcmatom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// Reading the rows of a decrypted extract: columns are found by name, a bad
// row is reported with its line and reading goes on (WithMaxBadRows).
func ExampleNewExtractReader() {
	csv := "PersonNumber,PeriodOfServiceId,AssignmentId,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType," +
		"BusinessUnitId,OrganizationId,PositionId,LocationId,JobId,EffectiveStartDate,PrimaryFlag,Badge\n" +
		`966169008890736,300100591016284,300100591078074,"Green, Joe",joe.green@mail.com,650-849-5931,EMP,` +
		"300100032736497,300100037658514,300100037658162,300100037658196,300100037637824,2023-08-01,Y,B-17\n" +
		`966169008890236,300100591078068,300100591026173,"King, Mary",,919-234-9182,EMP,` +
		"300100032736497,300100037658514,300100037658660,300100037658196,300100037658485,2023-08-32,Y,B-18\n"
	x, err := hcmatom.NewExtractReader(strings.NewReader(csv), hcmatom.WithMaxBadRows(10))
	if err != nil {
		log.Fatal(err)
	}
	for row, err := range x.Rows() {
		var bad *hcmatom.RowError
		if errors.As(err, &bad) {
			fmt.Println("bad row:", bad)
			continue
		}
		fmt.Println(row.Line, row.PersonNumber, row.PersonName, row.EffectiveStartDate, row.Extra["Badge"])
	}
	// Output:
	// 2 966169008890736 Green, Joe 2023-08-01 B-17
	// bad row: hcmatom: extract line 3 (PersonNumber 966169008890236, AssignmentId 300100591026173): EffectiveStartDate: date "2023-08-32" is not in the layout YYYY-MM-DD
}

// Decrypting an extract HCM encrypted to the customer's key and signed: the
// rows can be trusted only once the reading has ended without error.
func ExampleDecrypter() {
	key, _ := os.ReadFile("../internal/pgp/testdata/customer.asc")
	signer, _ := os.ReadFile("../internal/pgp/testdata/hcm-signer.pub.asc")
	d, err := hcmatom.NewDecrypter(
		hcmatom.WithPrivateKey(key, []byte("customer-key-passphrase")),
		hcmatom.WithSigner(signer),
	)
	if err != nil {
		log.Fatal(err)
	}
	upload, _ := os.ReadFile("../internal/pgp/testdata/signed-zlib-aes256.gpg")
	plain, err := d.Decrypt(bytes.NewReader(upload))
	if err != nil {
		log.Fatal(err)
	}
	x, err := hcmatom.NewExtractReader(plain)
	if err != nil {
		log.Fatal(err)
	}
	var rows []hcmatom.ExtractRow
	for row, err := range x.Rows() {
		if err != nil {
			log.Fatal(err) // ErrIntegrity, ErrSignature, a bad row...
		}
		rows = append(rows, row)
	}
	fmt.Println(len(rows), "rows, signed:", plain.Info().Signer != "")
	// Output: 7 rows, signed: true
}

// The key exchange the seed asks for: the public half goes to the
// customer, who registers it in HCM; the private half stays with the
// integration.
func ExampleGenerateKeyPair() {
	kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{
		Name:       "Acme EMS",
		Email:      "ems@acme.example",
		Bits:       2048, // 3072 by default; 2048 keeps the example quick
		Passphrase: []byte("from the secret store"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.SplitN(string(kp.PublicKey), "\n", 2)[0])
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte("from the secret store")))
	fmt.Println(d != nil, err)
	// Output:
	// -----BEGIN PGP PUBLIC KEY BLOCK-----
	// true <nil>
}

// The initial sync: an extract HCM encrypted and signed, loaded into the
// roster that the feeds then keep current.
func ExampleRoster_LoadExtract() {
	key, _ := os.ReadFile("../internal/pgp/testdata/customer.asc")
	signer, _ := os.ReadFile("../internal/pgp/testdata/hcm-signer.pub.asc")
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, []byte("customer-key-passphrase")), hcmatom.WithSigner(signer))
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open("../internal/pgp/testdata/signed-zlib-aes256.gpg")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	roster := hcmatom.NewRoster()
	sum, err := roster.LoadExtract(context.Background(), d, f)
	if err != nil {
		log.Fatal(err) // nothing was loaded
	}
	fmt.Printf("%d rows: %d persons, %d work relationships, %d assignments\n",
		sum.Rows, sum.Persons, sum.WorkRelationships, sum.Assignments)
	mary, _ := roster.Person("966169008890236")
	a, _ := mary.PrimaryAssignment()
	fmt.Println(mary.Name, "has", len(mary.WorkRelationships[0].Assignments), "assignments; primary:", a.AssignmentID)
	// Output:
	// 7 rows: 5 persons, 6 work relationships, 7 assignments
	// King, Mary has 2 assignments; primary: 300100591026173
}

// The REST upload of the extract: the customer (or HCM) posts the
// encrypted file; the answer says what was loaded.
func ExampleExtractIntake() {
	key, _ := os.ReadFile("../internal/pgp/testdata/customer.asc")
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, []byte("customer-key-passphrase")))
	if err != nil {
		log.Fatal(err)
	}
	roster := hcmatom.NewRoster()
	srv := httptest.NewServer(&hcmatom.ExtractIntake{Roster: roster, Decrypter: d, MaxUploadBytes: 64 << 20})
	defer srv.Close()

	upload, _ := os.ReadFile("../internal/pgp/testdata/zlib-aes128.asc")
	resp, err := http.Post(srv.URL, "application/pgp-encrypted", bytes.NewReader(upload))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var sum hcmatom.ExtractSummary
	json.NewDecoder(resp.Body).Decode(&sum)
	fmt.Println(resp.Status, sum.Rows, "rows,", roster.Len(), "persons")

	// The same file again: its persons are already there.
	resp2, err := http.Post(srv.URL, "application/pgp-encrypted", bytes.NewReader(upload))
	if err != nil {
		log.Fatal(err)
	}
	resp2.Body.Close()
	fmt.Println(resp2.Status)
	// Output:
	// 200 OK 7 rows, 5 persons
	// 409 Conflict
}
