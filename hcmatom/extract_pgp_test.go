package hcmatom_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// The gpg-made vectors and their test passphrases (see
// internal/pgp/testdata/make-vectors.sh).
const (
	vectors       = "../internal/pgp/testdata"
	keyPassphrase = "customer-key-passphrase"
	msgPassphrase = "extract-passphrase"
)

func vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Unlocking the customer key costs gpg's S2K work: share one Decrypter.
var (
	decOnce                sync.Once
	customerDec, signedDec *hcmatom.Decrypter
	passphraseDec          *hcmatom.Decrypter
	decErr                 error
)

func decrypters(t testing.TB) {
	t.Helper()
	decOnce.Do(func() {
		key := vector(t, "customer.asc")
		customerDec, decErr = hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, []byte(keyPassphrase)))
		if decErr != nil {
			return
		}
		signedDec, decErr = hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, []byte(keyPassphrase)),
			hcmatom.WithSigner(vector(t, "hcm-signer.pub.asc")))
		if decErr != nil {
			return
		}
		passphraseDec, decErr = hcmatom.NewDecrypter(hcmatom.WithPassphrase([]byte(msgPassphrase)))
	})
	if decErr != nil {
		t.Fatal(decErr)
	}
}

// decryptRows decrypts a vector and reads its rows: the whole path an
// upload takes.
func decryptRows(t *testing.T, d *hcmatom.Decrypter, name string) (readResult, *hcmatom.Plaintext) {
	t.Helper()
	p, err := d.Decrypt(bytes.NewReader(vector(t, name)))
	if err != nil {
		return readResult{err: err}, nil
	}
	return readExtract(t, p), p
}

func TestDecryptExtractVectors(t *testing.T) {
	decrypters(t)
	for _, tc := range []struct {
		file string
		d    **hcmatom.Decrypter
	}{
		{"zip-aes256.gpg", &customerDec},
		{"zlib-aes128.asc", &customerDec},
		{"bzip2-aes192.gpg", &customerDec},
		{"none-aes256.gpg", &customerDec},
		{"two-recipients.gpg", &customerDec},
		{"signed-zlib-aes256.gpg", &signedDec},
		{"signed-zip-aes128.asc", &signedDec},
		{"passphrase-aes256.gpg", &passphraseDec},
		{"passphrase-aes128.asc", &passphraseDec},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, p := decryptRows(t, *tc.d, tc.file)
			if res.err != nil || len(res.bad) != 0 || len(res.rows) != 7 {
				t.Fatalf("%d rows, bad %v, err %v", len(res.rows), res.bad, res.err)
			}
			if res.rows[6].PersonName != "Müller, Jürgen" {
				t.Errorf("last row: %+v", res.rows[6])
			}
			info := p.Info()
			if info.FileName != "extract.csv" || info.Bytes != int64(len(vector(t, "extract.csv"))) {
				t.Errorf("Info: %+v", info)
			}
			if *tc.d == signedDec && info.Signer == "" {
				t.Errorf("signer not reported: %+v", info)
			}
		})
	}
}

func TestDecryptExtractRefusals(t *testing.T) {
	decrypters(t)
	for _, tc := range []struct {
		file string
		d    **hcmatom.Decrypter
		want error
	}{
		{"stranger.gpg", &customerDec, hcmatom.ErrWrongKey},
		{"passphrase-aes256.gpg", &customerDec, hcmatom.ErrWrongKey},
		{"zip-aes256.gpg", &passphraseDec, hcmatom.ErrWrongKey},
		{"tampered.gpg", &customerDec, hcmatom.ErrIntegrity},
		{"tampered-zlib.asc", &customerDec, hcmatom.ErrIntegrity},
		{"truncated.gpg", &customerDec, hcmatom.ErrIntegrity},
		{"no-mdc.gpg", &customerDec, hcmatom.ErrNoIntegrity},
		{"no-mdc-passphrase.gpg", &passphraseDec, hcmatom.ErrNoIntegrity},
		{"zip-aes256.gpg", &signedDec, hcmatom.ErrSignature},
		{"impostor-signed.gpg", &signedDec, hcmatom.ErrSignature},
		{"bad-signature.gpg", &signedDec, hcmatom.ErrSignature},
		{"signed-only.gpg", &customerDec, hcmatom.ErrNotEncrypted},
		{"extract.csv", &customerDec, hcmatom.ErrNotPGP},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, _ := decryptRows(t, *tc.d, tc.file)
			if !errors.Is(res.err, tc.want) {
				t.Fatalf("err = %v, want %v", res.err, tc.want)
			}
			t.Log(res.err)
		})
	}
}

// A signature problem shows only at the end, after every row has been
// read: the rows must not be used, and the error must come.
func TestDecryptExtractSignatureAfterRows(t *testing.T) {
	decrypters(t)
	res, _ := decryptRows(t, signedDec, "bad-signature.gpg")
	if len(res.rows) != 7 || !errors.Is(res.err, hcmatom.ErrSignature) {
		t.Fatalf("%d rows then %v", len(res.rows), res.err)
	}
}

func TestNewDecrypterValidates(t *testing.T) {
	key := vector(t, "customer.asc")
	for name, opts := range map[string][]hcmatom.DecryptOption{
		"nothing":          nil,
		"wrong passphrase": {hcmatom.WithPrivateKey(key, []byte("Tr0ub4dor&3"))},
		"public key":       {hcmatom.WithPrivateKey(vector(t, "customer.pub.asc"), nil)},
		"not a key":        {hcmatom.WithPrivateKey([]byte("hello"), nil)},
		"signer not a key": {hcmatom.WithPassphrase([]byte("p")), hcmatom.WithSigner(vector(t, "zip-aes256.gpg"))},
		"empty passphrase": {hcmatom.WithPassphrase(nil)},
		"max plaintext":    {hcmatom.WithPassphrase([]byte("p")), hcmatom.WithMaxPlaintextBytes(0)},
	} {
		if _, err := hcmatom.NewDecrypter(opts...); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "Tr0ub4dor&3") {
			t.Errorf("%s: error reveals the passphrase: %v", name, err)
		}
	}
	_, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, []byte("Tr0ub4dor&3")))
	if !errors.Is(err, hcmatom.ErrKeyPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
}

func TestMaxPlaintextBytes(t *testing.T) {
	d, err := hcmatom.NewDecrypter(hcmatom.WithPassphrase([]byte(msgPassphrase)), hcmatom.WithMaxPlaintextBytes(200))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := decryptRows(t, d, "passphrase-aes256.gpg")
	if !errors.Is(res.err, hcmatom.ErrPlaintextTooLarge) {
		t.Fatalf("err = %v", res.err)
	}
}

// Secrets: neither a passphrase nor private key material shows in errors,
// in fmt output of the values holding them, or in slog lines.
func TestExtractSecretsNeverShown(t *testing.T) {
	const keyPass = "k3y-Passphrase-Secret"
	const msgPass = "msg-Passphrase-Secret"
	kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "Secrets test", Bits: 2048, Passphrase: []byte(keyPass)})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "Unprotected", Bits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte(keyPass)),
		hcmatom.WithPrivateKey(plain.PrivateKey, nil), hcmatom.WithPassphrase([]byte(msgPass)))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	_, err = hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte(msgPass)))
	texts = append(texts, err.Error())
	for _, f := range []string{"stranger.gpg", "tampered.gpg", "no-mdc.gpg", "passphrase-aes256.gpg", "extract.csv"} {
		res, _ := decryptRows(t, d, f)
		if res.err == nil {
			t.Fatalf("%s: no error", f)
		}
		texts = append(texts, res.err.Error())
	}
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Debug("decrypter", "d", d, "pair", kp, "plain", plain)
	slog.New(slog.NewJSONHandler(&log, nil)).Info("decrypter", "d", d, "pair", kp)
	texts = append(texts, log.String(), fmt.Sprintf("%v %+v %#v %s", d, d, d, d), fmt.Sprintf("%v %+v %#v", kp, kp, plain))

	// Pieces of the armored private keys' bodies.
	var secrets = []string{keyPass, msgPass}
	for _, k := range [][]byte{kp.PrivateKey, plain.PrivateKey} {
		lines := strings.Split(string(k), "\n")
		secrets = append(secrets, lines[len(lines)/2], lines[len(lines)/2+1])
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("secret %q shown in %q", s, text)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(d), kp.Fingerprint) {
		t.Errorf("Decrypter's String does not name its keys: %v", d)
	}
}

func TestGenerateKeyPairExchange(t *testing.T) {
	kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "Acme EMS", Email: "ems@example.com", Bits: 2048, Passphrase: []byte("vault")})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(kp.PublicKey, []byte("BEGIN PGP PUBLIC KEY BLOCK")) || bytes.Contains(kp.PublicKey, []byte("PRIVATE")) {
		t.Fatalf("public key:\n%s", kp.PublicKey)
	}
	// The public half is not a private key...
	if _, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PublicKey, nil)); !errors.Is(err, hcmatom.ErrBadKey) {
		t.Errorf("public half as private key: %v", err)
	}
	// ...but a signer key, and the private half decrypts.
	if _, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte("vault")), hcmatom.WithSigner(kp.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if _, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "x", Bits: 1000}); err == nil {
		t.Error("1000-bit key accepted")
	}
}

func TestDecryptConcurrent(t *testing.T) {
	decrypters(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := []string{"zip-aes256.gpg", "two-recipients.gpg"}[i%2]
			p, err := customerDec.Decrypt(bytes.NewReader(vector(t, f)))
			if err == nil {
				_, err = io.Copy(io.Discard, p)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// Without WithSigner no signature is checked, as its doc says: not even a
// bad one by the customer's own key, which the Decrypter holds to decrypt.
// The file is loaded, its Info says it is signed, and names no signer; the
// key that opened it is the customer key's encryption subkey.
func TestDecryptWithoutSignerChecksNoSignature(t *testing.T) {
	decrypters(t)
	res, p := decryptRows(t, customerDec, "bad-self-signature.gpg")
	if res.err != nil || len(res.rows) == 0 {
		t.Fatalf("without WithSigner: %v", res.err)
	}
	info := p.Info()
	if !info.Signed || info.Signer != "" || info.DecryptedWith == "" || info.DecryptedWithPrimary == "" ||
		info.DecryptedWith == info.DecryptedWithPrimary {
		t.Errorf("Info %+v", info)
	}
	if !strings.Contains(customerDec.String(), info.DecryptedWithPrimary) {
		t.Errorf("the primary key %s is not the Decrypter's %s", info.DecryptedWithPrimary, customerDec)
	}
}
