package hcmatom

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/hrbridge/hrbridge/internal/pgp"
)

// Errors of extract decryption, for errors.Is. Their texts never hold a
// passphrase or key material.
var (
	// ErrNotPGP: the upload is not an OpenPGP message (a plaintext CSV,
	// a key file, anything else).
	ErrNotPGP = pgp.ErrNotOpenPGP
	// ErrMalformedPGP: the OpenPGP packets are broken or truncated.
	ErrMalformedPGP = pgp.ErrMalformed
	// ErrNotEncrypted: an OpenPGP message, but not encrypted.
	ErrNotEncrypted = pgp.ErrNotEncrypted
	// ErrNoIntegrity: encrypted without integrity protection (no MDC,
	// no AEAD), as gpg --rfc2440 does; refused.
	ErrNoIntegrity = pgp.ErrNoIntegrity
	// ErrWrongKey: no private key or passphrase given opens the message.
	ErrWrongKey = pgp.ErrWrongKey
	// ErrIntegrity: the encrypted data was modified, corrupted or
	// truncated.
	ErrIntegrity = pgp.ErrIntegrity
	// ErrSignature: a signer was given and the signature is missing, by
	// another key, or does not verify.
	ErrSignature = pgp.ErrSignature
	// ErrPlaintextTooLarge: the decrypted data passed
	// WithMaxPlaintextBytes.
	ErrPlaintextTooLarge = pgp.ErrTooLarge
	// ErrBadKey: a key given cannot be used (not an OpenPGP key, no
	// private key able to decrypt, ...).
	ErrBadKey = pgp.ErrBadKey
	// ErrKeyPassphrase: a private key did not unlock with its passphrase.
	ErrKeyPassphrase = pgp.ErrKeyPassphrase
)

// DefaultMaxPlaintextBytes bounds the decrypted size of an extract unless
// WithMaxPlaintextBytes says otherwise: a million rows are about 250 MB, so
// 16 GiB leaves room for the largest tenants while stopping a compression
// bomb.
const DefaultMaxPlaintextBytes = 16 << 30

// Decrypter opens encrypted extracts. Build it once from the keys and use it
// for every file; it is immutable and safe for concurrent use. The seed
// document's step "Decrypt the CSV file" (gpg --decrypt) is what it does.
//
// Every extract it opens must be encrypted (to one of the private keys, or
// with the passphrase) and integrity protected; with WithSigner it must also
// be signed by one of the signers.
type Decrypter struct {
	keys       openpgp.EntityList
	signers    openpgp.EntityList
	passphrase []byte
	max        int64
}

// DecryptOption configures a Decrypter.
type DecryptOption func(*Decrypter) error

// WithPrivateKey adds a private key that extracts are encrypted to: an
// OpenPGP key file, ASCII armored (as GenerateKeyPair writes it and gpg
// --armor --export-secret-keys does) or binary, with the passphrase that
// protects it (nil if none). Give it more than once to accept several keys,
// for example while a key is being replaced.
func WithPrivateKey(keyFile, passphrase []byte) DecryptOption {
	return func(d *Decrypter) error {
		list, err := pgp.ReadKeys(bytes.NewReader(keyFile))
		if err != nil {
			return fmt.Errorf("hcmatom: WithPrivateKey: %w", err)
		}
		if err := pgp.Unlock(list, passphrase); err != nil {
			return fmt.Errorf("hcmatom: WithPrivateKey: %w", err)
		}
		d.keys = append(d.keys, list...)
		return nil
	}
}

// WithPassphrase accepts extracts encrypted with this passphrase (gpg
// --symmetric) instead of to a key.
func WithPassphrase(passphrase []byte) DecryptOption {
	return func(d *Decrypter) error {
		if len(passphrase) == 0 {
			return fmt.Errorf("hcmatom: WithPassphrase: the passphrase is empty")
		}
		d.passphrase = bytes.Clone(passphrase)
		return nil
	}
}

// WithSigner makes a signature mandatory: every extract must be signed by
// the key in this public key file (ASCII armored or binary), or by one of
// the keys of other WithSigner options. Without it, signatures are not
// checked.
func WithSigner(publicKeyFile []byte) DecryptOption {
	return func(d *Decrypter) error {
		list, err := pgp.ReadKeys(bytes.NewReader(publicKeyFile))
		if err != nil {
			return fmt.Errorf("hcmatom: WithSigner: %w", err)
		}
		d.signers = append(d.signers, pgp.PublicOnly(list)...)
		return nil
	}
}

// WithMaxPlaintextBytes bounds the size of the decrypted (and
// decompressed) extract; DefaultMaxPlaintextBytes if not set.
func WithMaxPlaintextBytes(n int64) DecryptOption {
	return func(d *Decrypter) error {
		if n <= 0 {
			return fmt.Errorf("hcmatom: WithMaxPlaintextBytes(%d): must be positive", n)
		}
		d.max = n
		return nil
	}
}

// NewDecrypter returns a Decrypter for the keys given. It needs at least a
// private key or a passphrase.
func NewDecrypter(opts ...DecryptOption) (*Decrypter, error) {
	d := &Decrypter{max: DefaultMaxPlaintextBytes}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(d); err != nil {
			return nil, err
		}
	}
	if len(d.keys) == 0 && d.passphrase == nil {
		return nil, fmt.Errorf("hcmatom: NewDecrypter needs WithPrivateKey or WithPassphrase")
	}
	return d, nil
}

// String describes the Decrypter by its keys' fingerprints, never by their
// secrets; fmt and log/slog use it.
func (d *Decrypter) String() string {
	return fmt.Sprintf("hcmatom.Decrypter{keys: [%s], signers: [%s], passphrase: %t, max: %d}",
		strings.Join(pgp.Fingerprints(d.keys), " "), strings.Join(pgp.Fingerprints(d.signers), " "), d.passphrase != nil, d.max)
}

// GoString is String, for %#v.
func (d *Decrypter) GoString() string { return d.String() }

// Decrypt reads the start of the encrypted extract in src (binary or ASCII
// armored), finds the key or passphrase that opens it and returns its
// plaintext as a stream. See Plaintext for when the plaintext can be
// trusted.
func (d *Decrypter) Decrypt(src io.Reader) (*Plaintext, error) {
	r, err := pgp.NewReader(src, pgp.Options{Keys: d.keys, Passphrase: d.passphrase, Signers: d.signers, MaxPlaintext: d.max})
	if err != nil {
		return nil, fmt.Errorf("hcmatom: decrypt extract: %w", err)
	}
	return &Plaintext{r: r}, nil
}

// Plaintext streams a decrypted extract. OpenPGP can tell that a message was
// tampered with, or that its signature is wrong, only at its very end: Read
// returns io.EOF only once the whole message has been checked, and the
// failure otherwise (ErrIntegrity, ErrSignature, ...). Until io.EOF, treat
// what was read as untrusted: stage it, commit nothing.
type Plaintext struct {
	r *pgp.Reader
}

// Read reads decrypted bytes.
func (p *Plaintext) Read(b []byte) (int, error) { return p.r.Read(b) }

// Info describes the message; its Signer and Bytes are final once Read has
// returned io.EOF.
func (p *Plaintext) Info() DecryptInfo {
	i := p.r.Info()
	return DecryptInfo{
		Armored:              i.Armored,
		Symmetric:            i.Symmetric,
		DecryptedWith:        i.DecryptedWith,
		DecryptedWithPrimary: i.DecryptedWithPrimary,
		Recipients:           i.Recipients,
		Signed:               i.Signed,
		Signer:               i.Signer,
		FileName:             i.FileName,
		Bytes:                i.Bytes,
	}
}

// DecryptInfo describes a decrypted extract.
type DecryptInfo struct {
	Armored   bool `json:"armored"`   // the upload was ASCII armored
	Symmetric bool `json:"symmetric"` // opened with the passphrase
	// DecryptedWith is the fingerprint of the key that opened the file:
	// the encryption subkey (GenerateKeyPair's keys encrypt with a
	// subkey), and DecryptedWithPrimary that of its primary key, which
	// names the key pair (KeyPair.Fingerprint, gpg's first line).
	DecryptedWith        string   `json:"decryptedWith,omitempty"`
	DecryptedWithPrimary string   `json:"decryptedWithPrimary,omitempty"`
	Recipients           []string `json:"recipients,omitempty"` // key IDs it is encrypted to
	Signed               bool     `json:"signed"`               // it carries a signature
	Signer               string   `json:"signer,omitempty"`     // fingerprint of the signer, verified against WithSigner; "" without it
	FileName             string   `json:"fileName,omitempty"`   // name stored in the message
	Bytes                int64    `json:"bytes"`                // plaintext bytes read
}

// KeySpec says what key pair GenerateKeyPair makes.
type KeySpec struct {
	// Name and Email form the key's user ID, "Name <Email>". Name is
	// required.
	Name, Email string
	// Bits is the RSA key size: 2048, 3072 (the default, as gpg's) or
	// 4096. Making a 3072-bit key takes seconds.
	Bits int
	// Passphrase protects the private key; empty leaves it unprotected,
	// for a caller that keeps it in a secret store.
	Passphrase []byte
	// Lifetime is the key's validity; zero means it does not expire.
	Lifetime time.Duration
}

// KeyPair is the key pair of the PGP key exchange the integration guide asks
// the integration to provide ("the EMS must provide a mechanism to exchange
// PGP key"): the customer registers PublicKey in HCM, which encrypts the
// extracts to it, and the integration keeps PrivateKey to decrypt them
// (WithPrivateKey).
type KeyPair struct {
	PublicKey   []byte // ASCII armored public key, to hand over
	PrivateKey  []byte // ASCII armored private key, to keep secret
	Fingerprint string // of the primary key, upper-case hex
}

// String shows the fingerprint only, so that logging a KeyPair does not
// leak its private key. Its receiver is a value, so that a KeyPair printed by
// value (a field of the caller's own struct) is hidden as well.
func (k KeyPair) String() string { return "hcmatom.KeyPair{" + k.Fingerprint + "}" }

// GoString is String, for %#v.
func (k KeyPair) GoString() string { return k.String() }

// LogValue is String, for log/slog, whose JSON handler would otherwise
// write the private key in base64.
func (k KeyPair) LogValue() slog.Value { return slog.StringValue(k.String()) }

// GenerateKeyPair makes an RSA key pair (a signing primary key and an
// encryption subkey) preferring AES-256, SHA-256 and ZLIB: RSA rather than
// elliptic curves because every OpenPGP implementation an HCM tenant may
// use can encrypt to it.
func GenerateKeyPair(spec KeySpec) (*KeyPair, error) {
	kp, err := pgp.Generate(pgp.KeySpec{Name: spec.Name, Email: spec.Email, Bits: spec.Bits, Passphrase: spec.Passphrase, Lifetime: spec.Lifetime})
	if err != nil {
		return nil, err
	}
	return &KeyPair{PublicKey: kp.Public, PrivateKey: kp.Private, Fingerprint: kp.Fingerprint}, nil
}
