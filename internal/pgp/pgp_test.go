package pgp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Test values used by testdata/make-vectors.sh.
const (
	keyPassphrase = "customer-key-passphrase"
	msgPassphrase = "extract-passphrase"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The customer key is protected with gpg's default S2K count, which costs a
// noticeable fraction of a second to unlock: do it once.
var (
	keysOnce              sync.Once
	customer, second, hcm openpgp.EntityList
	stranger              openpgp.EntityList
	keysErr               error
	plaintextOnce         sync.Once
	plaintext             []byte
)

func keys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		load := func(name string, pass []byte) openpgp.EntityList {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err == nil {
				var l openpgp.EntityList
				if l, err = ReadKeys(bytes.NewReader(b)); err == nil {
					if pass != nil {
						err = Unlock(l, pass)
					}
					if err == nil {
						return l
					}
				}
			}
			keysErr = errors.Join(keysErr, err)
			return nil
		}
		customer = load("customer.asc", []byte(keyPassphrase))
		second = load("second.asc", []byte{})
		hcm = load("hcm-signer.pub.asc", nil)
		stranger = load("stranger.pub.asc", nil)
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
}

func wantPlaintext(t testing.TB) []byte {
	plaintextOnce.Do(func() { plaintext = readFile(t, "extract.csv") })
	return plaintext
}

// open decrypts a whole vector and returns the plaintext, the Info and the
// error of the Read that ended it (nil when it ended with io.EOF).
func open(t *testing.T, name string, o Options) ([]byte, Info, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(readFile(t, name)), o)
	if err != nil {
		return nil, Info{}, err
	}
	got, err := io.ReadAll(r)
	return got, r.Info(), err
}

func TestDecryptGPGVectors(t *testing.T) {
	keys(t)
	tests := []struct {
		file      string
		o         Options
		armored   bool
		symmetric bool
		signer    bool
	}{
		{file: "zip-aes256.gpg", o: Options{Keys: customer}},
		{file: "zlib-aes128.asc", o: Options{Keys: customer}, armored: true},
		{file: "bzip2-aes192.gpg", o: Options{Keys: customer}},
		{file: "none-aes256.gpg", o: Options{Keys: customer}},
		{file: "signed-zlib-aes256.gpg", o: Options{Keys: customer, Signers: hcm}, signer: true},
		{file: "signed-zip-aes128.asc", o: Options{Keys: customer, Signers: hcm}, armored: true, signer: true},
		{file: "two-recipients.gpg", o: Options{Keys: customer}},
		{file: "two-recipients.gpg", o: Options{Keys: second}},
		{file: "signed-second.gpg", o: Options{Keys: second, Signers: hcm}, signer: true},
		{file: "passphrase-aes256.gpg", o: Options{Passphrase: []byte(msgPassphrase)}, symmetric: true},
		{file: "passphrase-aes128.asc", o: Options{Passphrase: []byte(msgPassphrase)}, armored: true, symmetric: true},
		// A key and a passphrase together: whichever fits.
		{file: "passphrase-aes256.gpg", o: Options{Keys: customer, Passphrase: []byte(msgPassphrase)}, symmetric: true},
		// Signed, but no signer asked for: the signature is not checked.
		{file: "signed-zlib-aes256.gpg", o: Options{Keys: customer}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, info, err := open(t, tt.file, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, wantPlaintext(t)) {
				t.Fatalf("plaintext differs from extract.csv:\n%q", got)
			}
			if info.Armored != tt.armored || info.Symmetric != tt.symmetric {
				t.Errorf("Info = %+v, want armored %v symmetric %v", info, tt.armored, tt.symmetric)
			}
			if !tt.symmetric && info.DecryptedWith == "" {
				t.Errorf("Info.DecryptedWith empty")
			}
			if tt.signer && info.Signer != Fingerprints(hcm)[0] {
				t.Errorf("Info.Signer = %q, want %q", info.Signer, Fingerprints(hcm)[0])
			}
			if info.FileName != "extract.csv" {
				t.Errorf("Info.FileName = %q", info.FileName)
			}
			if info.Bytes != int64(len(got)) {
				t.Errorf("Info.Bytes = %d, want %d", info.Bytes, len(got))
			}
		})
	}
}

func TestDecryptRefusals(t *testing.T) {
	keys(t)
	tests := []struct {
		name string
		file string
		o    Options
		want error
	}{
		{"wrong key", "stranger.gpg", Options{Keys: customer}, ErrWrongKey},
		{"no key given", "zip-aes256.gpg", Options{}, ErrWrongKey},
		{"only the other recipient", "zip-aes256.gpg", Options{Keys: second}, ErrWrongKey},
		{"wrong passphrase", "passphrase-aes256.gpg", Options{Passphrase: []byte("not it")}, ErrWrongKey},
		{"key for a passphrase message", "passphrase-aes256.gpg", Options{Keys: customer}, ErrWrongKey},
		{"tampered", "tampered.gpg", Options{Keys: customer}, ErrIntegrity},
		{"tampered compressed armored", "tampered-zlib.asc", Options{Keys: customer}, ErrIntegrity},
		{"truncated", "truncated.gpg", Options{Keys: customer}, ErrIntegrity},
		{"no MDC", "no-mdc.gpg", Options{Keys: customer}, ErrNoIntegrity},
		{"no MDC passphrase", "no-mdc-passphrase.gpg", Options{Passphrase: []byte(msgPassphrase)}, ErrNoIntegrity},
		{"not signed", "zip-aes256.gpg", Options{Keys: customer, Signers: hcm}, ErrSignature},
		{"signed by another key", "impostor-signed.gpg", Options{Keys: customer, Signers: hcm}, ErrSignature},
		{"signature does not match", "bad-signature.gpg", Options{Keys: customer, Signers: hcm}, ErrSignature},
		{"signed, not encrypted", "signed-only.gpg", Options{Keys: customer}, ErrNotEncrypted},
		{"plain CSV", "extract.csv", Options{Keys: customer}, ErrNotOpenPGP},
		{"a key file", "customer.pub.asc", Options{Keys: customer}, ErrNotOpenPGP},
		{"too large, compressed", "zip-aes256.gpg", Options{Keys: customer, MaxPlaintext: 100}, ErrTooLarge},
		{"too large, uncompressed", "none-aes256.gpg", Options{Keys: customer, MaxPlaintext: 100}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := open(t, tt.file, tt.o)
			t.Log(err)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			for _, secret := range []string{keyPassphrase, msgPassphrase} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q reveals a passphrase", err)
				}
			}
		})
	}
}

// Without a signer to check against, a message whose content was changed
// by someone holding only the recipient's public key decrypts: this is what
// Options.Signers is for.
func TestBadSignatureUncheckedWithoutSigners(t *testing.T) {
	keys(t)
	got, info, err := open(t, "bad-signature.gpg", Options{Keys: customer})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte("Green, Jon")) || !info.Signed || info.Signer != "" {
		t.Fatalf("Info = %+v, plaintext changed: %v", info, bytes.Contains(got, []byte("Green, Jon")))
	}
}

// The customer's key decrypts with its subkey: Info names the subkey, and
// the primary key it belongs to.
func TestDecryptedWithNamesTheSubkey(t *testing.T) {
	keys(t)
	_, info, err := open(t, "zip-aes256.gpg", Options{Keys: customer})
	if err != nil {
		t.Fatal(err)
	}
	primary := Fingerprints(customer)[0]
	sub := strings.ToUpper(hex.EncodeToString(customer[0].Subkeys[0].PublicKey.Fingerprint))
	if info.DecryptedWith != sub || info.DecryptedWithPrimary != primary {
		t.Errorf("DecryptedWith %s (primary %s), want the subkey %s of %s", info.DecryptedWith, info.DecryptedWithPrimary, sub, primary)
	}
}

// Without signers, no signature is checked, not even a bad one by the
// recipient's own key, which the library could check because it holds it
// to decrypt (bad-self-signature.gpg: signed by the customer's key, then
// changed inside, with an intact MDC).
func TestSelfSignatureUncheckedWithoutSigners(t *testing.T) {
	keys(t)
	got, info, err := open(t, "bad-self-signature.gpg", Options{Keys: customer})
	if err != nil {
		t.Fatalf("without signers: %v", err)
	}
	if !bytes.Contains(got, []byte("Green, Jon")) || !info.Signed || info.Signer != "" {
		t.Fatalf("Info = %+v", info)
	}
	// Given as a signer, the same key's bad signature is refused.
	if _, _, err := open(t, "bad-self-signature.gpg", Options{Keys: customer, Signers: PublicOnly(customer)}); !errors.Is(err, ErrSignature) {
		t.Fatalf("with the customer's key as signer: %v", err)
	}
}

// A failed check must never look like the end of the data: the last Read
// returns the error, never io.EOF, and keeps returning it.
func TestFailureIsNeverEOF(t *testing.T) {
	keys(t)
	for _, tc := range []struct {
		file string
		o    Options
	}{
		{"tampered.gpg", Options{Keys: customer}},
		{"bad-signature.gpg", Options{Keys: customer, Signers: hcm}},
		{"zip-aes256.gpg", Options{Keys: customer, Signers: hcm}},
	} {
		r, err := NewReader(bytes.NewReader(readFile(t, tc.file)), tc.o)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 7) // small reads: the error comes after data
		var last error
		for last == nil {
			_, last = r.Read(buf)
		}
		if last == io.EOF {
			t.Fatalf("%s: Read reached io.EOF", tc.file)
		}
		if _, again := r.Read(buf); again != last {
			t.Errorf("%s: error not sticky: %v then %v", tc.file, last, again)
		}
	}
}

func TestReadKeysAndUnlock(t *testing.T) {
	b := readFile(t, "customer.asc")
	l, err := ReadKeys(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	err = Unlock(l, []byte("Tr0ub4dor&3"))
	if !errors.Is(err, ErrKeyPassphrase) {
		t.Fatalf("Unlock with a wrong passphrase: %v", err)
	}
	if strings.Contains(err.Error(), "Tr0ub4dor&3") {
		t.Errorf("error %q holds the passphrase", err)
	}
	pub, err := ReadKeys(bytes.NewReader(readFile(t, "customer.pub.asc")))
	if err != nil {
		t.Fatal(err)
	}
	if err := Unlock(pub, nil); !errors.Is(err, ErrBadKey) {
		t.Errorf("Unlock of a public key: %v, want ErrBadKey", err)
	}
	for _, bad := range []string{"", "hello", "-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----\n"} {
		if _, err := ReadKeys(strings.NewReader(bad)); !errors.Is(err, ErrBadKey) {
			t.Errorf("ReadKeys(%q) = %v, want ErrBadKey", bad, err)
		}
	}
	if _, err := ReadKeys(io.MultiReader(strings.NewReader("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"), strings.NewReader(strings.Repeat("A", MaxKeyFile)))); !errors.Is(err, ErrBadKey) {
		t.Errorf("oversized key file: %v", err)
	}
	// Binary keys are read too.
	var bin bytes.Buffer
	if err := pub[0].Serialize(&bin); err != nil {
		t.Fatal(err)
	}
	if l, err := ReadKeys(&bin); err != nil || len(l) != 1 {
		t.Errorf("binary key: %v", err)
	}
}

func TestGenerateRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pass := []byte("kept in the vault")
	kp, err := Generate(KeySpec{Name: "Acme EMS", Email: "ems@example.com", Bits: 2048, Passphrase: pass, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(kp.Public, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) ||
		!bytes.HasPrefix(kp.Private, []byte("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
		t.Fatalf("armor headers:\n%s\n%s", kp.Public[:40], kp.Private[:40])
	}
	pub, err := ReadKeys(bytes.NewReader(kp.Public))
	if err != nil {
		t.Fatal(err)
	}
	if pub[0].PrivateKey != nil {
		t.Fatal("public half holds a private key")
	}
	if got := Fingerprints(pub)[0]; got != kp.Fingerprint {
		t.Errorf("fingerprint %s, want %s", got, kp.Fingerprint)
	}
	if _, ok := pub[0].Identities["Acme EMS <ems@example.com>"]; !ok {
		t.Errorf("identities: %v", pub[0].Identities)
	}
	priv, err := ReadKeys(bytes.NewReader(kp.Private))
	if err != nil {
		t.Fatal(err)
	}
	if !priv[0].PrivateKey.Encrypted {
		t.Error("private key not protected by the passphrase")
	}
	if err := Unlock(priv, []byte("not it")); !errors.Is(err, ErrKeyPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := Unlock(priv, pass); err != nil {
		t.Fatal(err)
	}

	// What HCM would do with the public half, and back.
	for _, c := range []struct {
		comp  packet.CompressionAlgo
		armor bool
	}{{CompressNone, false}, {CompressZIP, true}, {CompressZLIB, false}} {
		var msg bytes.Buffer
		w, err := Encrypt(&msg, EncryptOptions{To: pub, Compression: c.comp, Armor: c.armor, FileName: "x.csv"})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, "PersonNumber\n1\n")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(&msg, Options{Keys: priv})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != "PersonNumber\n1\n" || r.Info().Armored != c.armor {
			t.Fatalf("round trip %+v: %q, %v", c, got, err)
		}
	}

	// Unprotected private key.
	kp2, err := Generate(KeySpec{Name: "No passphrase", Bits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ReadKeys(bytes.NewReader(kp2.Private))
	if err != nil || l[0].PrivateKey.Encrypted || Unlock(l, nil) != nil {
		t.Fatalf("unprotected key: %v", err)
	}
}

func TestGenerateValidates(t *testing.T) {
	for _, spec := range []KeySpec{{}, {Name: "x", Bits: 1024}, {Name: "x", Lifetime: -time.Hour}} {
		if _, err := Generate(spec); err == nil {
			t.Errorf("Generate(%+v) succeeded", spec)
		}
	}
}

func TestEncryptSignedAndPassphrase(t *testing.T) {
	keys(t)
	signer, err := Generate(KeySpec{Name: "HCM", Bits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	sk, err := ReadKeys(bytes.NewReader(signer.Private))
	if err != nil {
		t.Fatal(err)
	}
	var msg bytes.Buffer
	w, err := Encrypt(&msg, EncryptOptions{To: PublicOnly(customer), Signer: sk[0], Compression: CompressZLIB})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "data")
	w.Close()
	sealed := msg.Bytes()
	r, err := NewReader(bytes.NewReader(sealed), Options{Keys: customer, Signers: PublicOnly(sk)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || string(got) != "data" || r.Info().Signer != signer.Fingerprint {
		t.Fatalf("%q %v %+v", got, err, r.Info())
	}
	// The same message checked against another signer fails.
	r, _ = NewReader(bytes.NewReader(sealed), Options{Keys: customer, Signers: hcm})
	if _, err := io.ReadAll(r); !errors.Is(err, ErrSignature) {
		t.Fatalf("other signer: %v", err)
	}

	msg.Reset()
	w, err = Encrypt(&msg, EncryptOptions{Passphrase: []byte("p"), Armor: true})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "data")
	w.Close()
	r, err = NewReader(&msg, Options{Passphrase: []byte("p")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || string(got) != "data" || !r.Info().Symmetric {
		t.Fatalf("%q %v", got, err)
	}

	for _, o := range []EncryptOptions{{}, {To: customer, Passphrase: []byte("p")}, {Passphrase: []byte("p"), Signer: sk[0]}} {
		if _, err := Encrypt(io.Discard, o); err == nil {
			t.Errorf("Encrypt(%+v) succeeded", o)
		}
	}
}

// Readers built from the same key ring run in parallel (the intake serves
// several uploads at once); -race checks it.
func TestConcurrentDecrypt(t *testing.T) {
	keys(t)
	var wg sync.WaitGroup
	for _, tc := range []struct {
		file    string
		signers openpgp.EntityList
	}{
		{"zip-aes256.gpg", nil}, {"signed-zlib-aes256.gpg", hcm}, {"two-recipients.gpg", nil},
		{"signed-zip-aes128.asc", hcm}, {"zip-aes256.gpg", nil}, {"signed-zlib-aes256.gpg", hcm},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := NewReader(bytes.NewReader(readFile(t, tc.file)), Options{Keys: customer, Signers: tc.signers})
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if err != nil {
				t.Error(tc.file, err)
			}
		}()
	}
	wg.Wait()
}

// AEAD-protected messages (RFC 9580 SEIPD v2, as gpg 2.3+ and other modern
// implementations write them) are integrity protected too: accepted, and a
// flipped bit is caught. gpg 2.2 cannot write them; go-crypto does.
func TestAEADMessages(t *testing.T) {
	var msg bytes.Buffer
	cfg := &packet.Config{AEADConfig: &packet.AEADConfig{}, DefaultCipher: packet.CipherAES256}
	w, err := openpgp.SymmetricallyEncrypt(&msg, []byte("p"), &openpgp.FileHints{IsBinary: true}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, strings.Repeat("PersonNumber,AssignmentId\n", 2000))
	w.Close()
	sealed := msg.Bytes()

	r, err := NewReader(bytes.NewReader(sealed), Options{Passphrase: []byte("p")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || len(got) != 26*2000 {
		t.Fatalf("%d bytes, %v", len(got), err)
	}

	if _, err := NewReader(bytes.NewReader(sealed), Options{Passphrase: []byte("q")}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong passphrase: %v", err)
	}

	tampered := bytes.Clone(sealed)
	tampered[len(tampered)/2] ^= 1
	r, err = NewReader(bytes.NewReader(tampered), Options{Passphrase: []byte("p")})
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if !errors.Is(err, ErrIntegrity) {
		t.Fatalf("tampered AEAD message: %v", err)
	}
}

// An armored key block whose packets cannot be read is a bad key that says
// why, not "no key found" (staticcheck's SA4006 found the reason dropped).
func TestReadKeysReportsABadArmoredBody(t *testing.T) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0x99, 0x01, 0xff, 0x04}) // a public-key packet cut short
	w.Close()
	list, err := ReadKeys(&buf)
	if !errors.Is(err, ErrBadKey) || strings.Contains(err.Error(), "no key found") {
		t.Fatalf("ReadKeys = %d keys, %v; want ErrBadKey with the reading error", len(list), err)
	}
}

// Generate's keys ask for ZLIB first, so that a sender that follows the
// recipient's preferences (gpg) compresses the extract.
func TestGeneratePrefersZLIB(t *testing.T) {
	kp, err := Generate(KeySpec{Name: "Acme EMS", Email: "ems@example.com", Bits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadKeys(bytes.NewReader(kp.Public))
	if err != nil {
		t.Fatal(err)
	}
	id := pub[0].PrimaryIdentity()
	if got := id.SelfSignature.PreferredCompression; len(got) == 0 || got[0] != uint8(packet.CompressionZLIB) {
		t.Fatalf("preferred compression %v, want ZLIB (2) first", got)
	}
	// The re-signed self-signature still verifies.
	if err := pub[0].PrimaryKey.VerifyUserIdSignature(id.Name, pub[0].PrimaryKey, id.SelfSignature); err != nil {
		t.Fatalf("self-signature: %v", err)
	}
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Log("gpg is not installed: what gpg does with the key is not checked")
		return
	}
	home := t.TempDir()
	t.Cleanup(func() { exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run() })
	run := func(stdin []byte, args ...string) []byte {
		cmd := exec.Command(gpg, append([]string{"--homedir", home, "--batch", "--no-tty", "--quiet", "--trust-model", "always"}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("gpg %v: %v: %s", args, err, stderr.String())
		}
		return out.Bytes()
	}
	run(kp.Public, "--import")
	plain := bytes.Repeat([]byte("966169008890736,300100591016284,Green Joe,EMP,300100032736497\n"), 2000)
	msg := run(plain, "--encrypt", "-r", "ems@example.com")
	if len(msg) >= len(plain)/4 {
		t.Errorf("gpg wrote %d bytes for %d of repetitive text: not compressed", len(msg), len(plain))
	}
}
