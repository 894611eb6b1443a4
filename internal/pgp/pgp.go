// Package pgp decrypts OpenPGP messages (RFC 4880, RFC 9580) as a stream,
// with the policy hrbridge applies to the files an HR system sends: the
// message must be encrypted, it must be integrity protected (MDC or AEAD),
// and when signers are given it must carry a good signature by one of them.
//
// It is built on github.com/ProtonMail/go-crypto (package openpgp). Oracle's
// integration guide for entitlement management systems ("Initial Sync", see
// docs/hcmatom.md) has HCM export the initial extract as a PGP-encrypted CSV
// file that the integration decrypts as `gpg --decrypt` would; this package
// is that step, without a gpg binary.
//
// A decrypted message is read through a [Reader]. OpenPGP can only tell
// whether a message was tampered with, and whether its signature is good,
// once the last byte has been read: a Reader therefore returns io.EOF only
// after every check has passed, and any failure as the error of its last
// Read. Callers must treat the plaintext as untrusted until they have seen
// io.EOF, and commit nothing before.
package pgp

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Sentinel errors. Every error of this package wraps exactly one of them, so
// that callers can tell the cases apart with errors.Is. None of them ever
// holds a passphrase or key material.
var (
	// ErrNotOpenPGP: the input is not an OpenPGP message at all (for
	// example a plain CSV file).
	ErrNotOpenPGP = errors.New("pgp: not an OpenPGP message")
	// ErrMalformed: the input starts like an OpenPGP message but its
	// packets are broken or truncated before decryption could start.
	ErrMalformed = errors.New("pgp: malformed OpenPGP message")
	// ErrNotEncrypted: the message is a valid OpenPGP message but is not
	// encrypted; an HR extract must be.
	ErrNotEncrypted = errors.New("pgp: message is not encrypted")
	// ErrNoIntegrity: the message is encrypted without integrity
	// protection (neither MDC nor AEAD), so tampering could not be
	// detected. Such messages are refused.
	ErrNoIntegrity = errors.New("pgp: message is not integrity protected")
	// ErrWrongKey: none of the private keys or passphrases given can open
	// the message.
	ErrWrongKey = errors.New("pgp: no key given can decrypt the message")
	// ErrIntegrity: the encrypted data failed its integrity check: it was
	// modified, corrupted or truncated.
	ErrIntegrity = errors.New("pgp: message failed its integrity check")
	// ErrSignature: a signature was required and is missing, was made by
	// a key that is not one of the signers given, or does not verify.
	ErrSignature = errors.New("pgp: signature missing or invalid")
	// ErrTooLarge: the plaintext is larger than the limit set.
	ErrTooLarge = errors.New("pgp: plaintext larger than the limit")
	// ErrBadKey: a key file could not be read as OpenPGP keys, or holds
	// no key of the kind needed.
	ErrBadKey = errors.New("pgp: unusable key")
	// ErrKeyPassphrase: a private key could not be unlocked with the
	// passphrase given.
	ErrKeyPassphrase = errors.New("pgp: wrong passphrase for private key")
)

// Options says how to open messages. The zero Options opens nothing: give
// at least Keys or a Passphrase.
type Options struct {
	// Keys are the recipient's private keys, already unlocked (see
	// [Unlock]). A message encrypted to any of them can be opened.
	Keys openpgp.EntityList
	// Passphrase opens messages encrypted with a passphrase (gpg
	// --symmetric). Nil means such messages are refused.
	Passphrase []byte
	// Signers, when not empty, makes a signature mandatory: the message
	// must be signed by one of these keys and the signature must verify.
	// When empty, no signature is checked, not even one by a key of Keys.
	Signers openpgp.EntityList
	// MaxPlaintext bounds the size of the decrypted (and decompressed)
	// data, a defence against compression bombs. Zero or less means no
	// bound.
	MaxPlaintext int64
}

// Info describes an opened message. Its signature and integrity fields are
// only meaningful once the Reader has returned io.EOF.
type Info struct {
	// Armored is true when the input was ASCII armored.
	Armored bool
	// Symmetric is true when the message was opened with the passphrase.
	Symmetric bool
	// DecryptedWith is the fingerprint (upper-case hex) of the key that
	// opened the message: the encryption subkey, as a rule, or the
	// primary key when it encrypts itself; empty for Symmetric.
	DecryptedWith string
	// DecryptedWithPrimary is the fingerprint of DecryptedWith's primary
	// key, the one a key pair is known by (gpg --list-keys shows it
	// first); equal to DecryptedWith when the primary key opened it.
	DecryptedWithPrimary string
	// Recipients are the key IDs (16 upper-case hex digits) the message is
	// encrypted to.
	Recipients []string
	// Signed is true when the message carries a signature.
	Signed bool
	// Signer is the fingerprint of the signer's primary key when the
	// signature was verified against one of Options.Signers; "" when no
	// signers were given (nothing was checked).
	Signer string
	// FileName is the file name stored in the message, if any.
	FileName string
	// Bytes is the number of plaintext bytes read so far.
	Bytes int64
}

// Reader streams the plaintext of a message. Its Read returns io.EOF only
// after the whole message has been read and found intact and, if signers were
// given, correctly signed; otherwise the last Read returns the error. Errors
// are sticky.
type Reader struct {
	md      *openpgp.MessageDetails
	signers openpgp.EntityList
	max     int64
	err     error
	info    Info
}

// NewReader reads the header of the OpenPGP message in r (binary or ASCII
// armored, detected from its first bytes), finds a key or the passphrase that
// opens it and returns a Reader of its plaintext. It reads r only as far as
// needed; the rest is read as the plaintext is.
func NewReader(r io.Reader, o Options) (pr *Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			pr, err = nil, fmt.Errorf("%w: the OpenPGP library failed on this input: %v", ErrMalformed, p)
		}
	}()
	br := bufio.NewReaderSize(r, 64<<10)
	armored, err := sniff(br)
	if err != nil {
		return nil, err
	}
	var in io.Reader = br
	if armored {
		block, err := armor.Decode(br)
		if err != nil {
			return nil, fmt.Errorf("%w: bad ASCII armor: %v", ErrMalformed, err)
		}
		if block.Type != "PGP MESSAGE" {
			return nil, fmt.Errorf("%w: armor holds a %q block, not a PGP MESSAGE", ErrNotOpenPGP, block.Type)
		}
		in = block.Body
	}

	keyring := make(openpgp.EntityList, 0, len(o.Keys)+len(o.Signers))
	keyring = append(keyring, o.Keys...)
	keyring = append(keyring, o.Signers...)
	cfg := &packet.Config{}
	if o.MaxPlaintext > 0 {
		// The library's own bound on decompression reports itself as a
		// parse failure; give it room so that Read's count trips first
		// and says what happened.
		limit := o.MaxPlaintext + 1<<20
		cfg.MaxDecompressedMessageSize = &limit
	}
	prompted := false
	prompt := func(keys []openpgp.Key, symmetric bool) ([]byte, error) {
		// The keys given are unlocked beforehand, so the library only
		// asks when none of them fits; it asks again forever on a
		// wrong passphrase, so answer once.
		if !symmetric || o.Passphrase == nil || prompted {
			return nil, ErrWrongKey
		}
		prompted = true
		return o.Passphrase, nil
	}
	md, err := openpgp.ReadMessage(in, keyring, prompt, cfg)
	if err != nil {
		var decErr pgperrors.DecryptWithSessionKeyError
		if prompted && errors.As(err, &decErr) && !errors.Is(err, pgperrors.ErrAEADTagVerification) {
			// RFC 9580 dropped the quick check that told a wrong
			// passphrase at once: a wrong one yields garbage that
			// fails to parse as the first packet inside. (With AEAD,
			// a wrong passphrase fails on the session key; a tag
			// that fails after it is damage.)
			return nil, fmt.Errorf("%w: the passphrase does not open the message (or the message is damaged)", ErrWrongKey)
		}
		return nil, classifyOpen(err)
	}
	if !md.IsEncrypted {
		return nil, ErrNotEncrypted
	}
	pr = &Reader{md: md, signers: o.Signers, max: o.MaxPlaintext}
	pr.info.Armored = armored
	pr.info.Symmetric = md.DecryptedWith.Entity == nil
	if k := md.DecryptedWith; k.Entity != nil {
		pr.info.DecryptedWithPrimary = fingerprint(k.Entity)
		pr.info.DecryptedWith = pr.info.DecryptedWithPrimary
		if k.PublicKey != nil {
			pr.info.DecryptedWith = strings.ToUpper(hex.EncodeToString(k.PublicKey.Fingerprint))
		}
	}
	for _, id := range md.EncryptedToKeyIds {
		pr.info.Recipients = append(pr.info.Recipients, fmt.Sprintf("%016X", id))
	}
	pr.info.Signed = md.IsSigned
	if md.LiteralData != nil {
		pr.info.FileName = md.LiteralData.FileName
	}
	return pr, nil
}

// Info returns what is known of the message so far; see [Info].
func (r *Reader) Info() Info { return r.info }

// Read reads plaintext. See [Reader] for when it returns io.EOF.
func (r *Reader) Read(p []byte) (n int, err error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err = r.read(p)
	r.info.Bytes += int64(n)
	if r.max > 0 && r.info.Bytes > r.max {
		r.err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, r.max)
		return 0, r.err
	}
	switch {
	case err == io.EOF:
		if ferr := r.finish(); ferr != nil {
			r.err = ferr
			return n, ferr
		}
		r.err = io.EOF
	case err != nil:
		r.err = classifyRead(err)
	}
	return n, r.err
}

// read calls the library, turning a panic on hostile input into an error.
func (r *Reader) read(p []byte) (n int, err error) {
	defer func() {
		if v := recover(); v != nil {
			n, err = 0, fmt.Errorf("%w: the OpenPGP library failed on this input: %v", ErrIntegrity, v)
		}
	}()
	return r.md.UnverifiedBody.Read(p)
}

// finish runs the checks that OpenPGP can only run at the end: the
// signature (integrity protection has been checked by the library when it
// reported EOF).
func (r *Reader) finish() error {
	md := r.md
	if len(r.signers) == 0 {
		// No signature is checked, as Options.Signers says: the library
		// verifies a signature by any key of the key ring, the
		// recipient's own among them, but a verdict against a key that
		// was not given as a signer proves nothing and must not fail
		// the message.
		return nil
	}
	if !md.IsSigned {
		return fmt.Errorf("%w: the message is not signed and a signature is required", ErrSignature)
	}
	if md.SignedBy == nil || !contains(r.signers, md.SignedBy.Entity) {
		return fmt.Errorf("%w: the message is signed by key %016X, which is not one of the signers given", ErrSignature, md.SignedByKeyId)
	}
	if md.SignatureError != nil {
		return fmt.Errorf("%w: signature by key %016X does not verify: %v", ErrSignature, md.SignedByKeyId, md.SignatureError)
	}
	if md.Signature == nil {
		return fmt.Errorf("%w: no signature packet by key %016X", ErrSignature, md.SignedByKeyId)
	}
	r.info.Signer = fingerprint(md.SignedBy.Entity)
	return nil
}

// sniff tells binary from ASCII-armored input by its first bytes, and
// refuses what is neither.
func sniff(br *bufio.Reader) (armored bool, err error) {
	head, err := br.Peek(64)
	if len(head) == 0 {
		if err == io.EOF {
			return false, fmt.Errorf("%w: the input is empty", ErrNotOpenPGP)
		}
		return false, err
	}
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		return false, fmt.Errorf("%w: it starts with a UTF-8 byte-order mark, as a plaintext file does (was it encrypted?)", ErrNotOpenPGP)
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP ")) ||
		len(trimmed) > 0 && len(trimmed) < 15 && bytes.HasPrefix([]byte("-----BEGIN PGP "), trimmed) {
		return true, nil
	}
	if !messageTag(head[0]) {
		// The bytes themselves are not quoted: a plaintext extract
		// uploaded by mistake starts with personal data.
		return false, fmt.Errorf("%w: it starts with neither an OpenPGP message packet nor an ASCII armor line (was it encrypted?)", ErrNotOpenPGP)
	}
	return false, nil
}

// messageTag reports whether b is the header byte of a packet that can
// start an OpenPGP message (RFC 9580, 4.2 and 10.3): a key packet (1, 3),
// encrypted data (9, 18, 20), or for messages that are not encrypted
// compressed data, literal data, signatures or a marker (8, 11, 2, 4, 10).
func messageTag(b byte) bool {
	if b&0x80 == 0 {
		return false
	}
	tag := b & 0x3f // new format
	if b&0x40 == 0 {
		tag = (b >> 2) & 0x0f // legacy format
	}
	switch tag {
	case 1, 2, 3, 4, 8, 9, 10, 11, 18, 20:
		return true
	}
	return false
}

// classifyOpen maps an error from the start of a message to a sentinel.
func classifyOpen(err error) error {
	switch {
	case errors.Is(err, ErrWrongKey), errors.Is(err, pgperrors.ErrKeyIncorrect):
		return fmt.Errorf("%w", ErrWrongKey)
	case err == pgperrors.UnsupportedError("message is not integrity protected"):
		return fmt.Errorf("%w (Symmetrically Encrypted Data packet without MDC, deprecated by RFC 9580)", ErrNoIntegrity)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: the message is truncated", ErrMalformed)
	}
	var (
		decErr pgperrors.DecryptWithSessionKeyError
		sigErr pgperrors.SignatureError
	)
	if errors.As(err, &decErr) || errors.As(err, &sigErr) {
		return fmt.Errorf("%w: %v", ErrIntegrity, err)
	}
	if isTooLarge(err) {
		return fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// classifyRead maps an error met while reading the plaintext to a sentinel.
// Anything wrong inside the encrypted data is an integrity failure: the
// library hides the details on purpose (they would help an attacker).
func classifyRead(err error) error {
	if isTooLarge(err) {
		return fmt.Errorf("%w: %v", ErrTooLarge, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the message is truncated", ErrIntegrity)
	}
	return fmt.Errorf("%w: %v", ErrIntegrity, err)
}

func isTooLarge(err error) bool {
	return err != nil && strings.Contains(err.Error(), "decompressed message size exceeds")
}

// contains reports whether e is in list, by primary key fingerprint.
func contains(list openpgp.EntityList, e *openpgp.Entity) bool {
	if e == nil {
		return false
	}
	for _, c := range list {
		if bytes.Equal(c.PrimaryKey.Fingerprint, e.PrimaryKey.Fingerprint) {
			return true
		}
	}
	return false
}

func fingerprint(e *openpgp.Entity) string {
	return strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
}
