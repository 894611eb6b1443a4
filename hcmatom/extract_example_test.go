package hcmatom_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
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
	// bad row: hrbridge: hcmatom: extract line 3 (PersonNumber 966169008890236, AssignmentId 300100591026173): EffectiveStartDate: date "2023-08-32" is not in the layout YYYY-MM-DD
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
