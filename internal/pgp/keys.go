package pgp

import (
	"bufio"
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// MaxKeyFile bounds the size of a key file: a key ring of a few keys is a
// few kilobytes.
const MaxKeyFile = 1 << 20

// ReadKeys reads the OpenPGP keys (public or private, one or more) in r,
// ASCII armored or binary. Private keys are returned locked when they are
// protected by a passphrase; see [Unlock].
func ReadKeys(r io.Reader) (list openpgp.EntityList, err error) {
	defer func() {
		if p := recover(); p != nil {
			list, err = nil, fmt.Errorf("%w: the OpenPGP library failed on this key file: %v", ErrBadKey, p)
		}
	}()
	data, err := io.ReadAll(io.LimitReader(r, MaxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxKeyFile {
		return nil, fmt.Errorf("%w: key file larger than %d bytes", ErrBadKey, MaxKeyFile)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP ")) {
		var block *armor.Block
		block, err = armor.Decode(bytes.NewReader(trimmed))
		if err != nil {
			return nil, fmt.Errorf("%w: bad ASCII armor: %v", ErrBadKey, err)
		}
		if block.Type != openpgp.PublicKeyType && block.Type != openpgp.PrivateKeyType {
			return nil, fmt.Errorf("%w: armor holds a %q block, not a key", ErrBadKey, block.Type)
		}
		list, err = openpgp.ReadKeyRing(block.Body)
	} else {
		list, err = openpgp.ReadKeyRing(bufio.NewReader(bytes.NewReader(data)))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: no key found", ErrBadKey)
	}
	return list, nil
}

// Unlock decrypts, in place, the private keys of list that are protected by
// a passphrase, and checks that at least one private key able to decrypt is
// there. Keys that are not protected need no passphrase (nil is fine). The
// passphrase never appears in an error.
func Unlock(list openpgp.EntityList, passphrase []byte) error {
	usable := 0
	for _, e := range list {
		if e.PrivateKey == nil {
			continue
		}
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			return fmt.Errorf("%w: key %s", ErrKeyPassphrase, fingerprint(e))
		}
		if len(openpgp.EntityList{e}.DecryptionKeys()) > 0 {
			usable++
		}
	}
	if usable == 0 {
		return fmt.Errorf("%w: the key file holds no private key able to decrypt", ErrBadKey)
	}
	return nil
}

// PublicOnly returns copies of the entities of list without their private
// parts, so that a signer's key ring cannot be used to decrypt.
func PublicOnly(list openpgp.EntityList) openpgp.EntityList {
	out := make(openpgp.EntityList, 0, len(list))
	for _, e := range list {
		c := *e
		c.PrivateKey = nil
		c.Subkeys = append([]openpgp.Subkey(nil), e.Subkeys...)
		for i := range c.Subkeys {
			c.Subkeys[i].PrivateKey = nil
		}
		out = append(out, &c)
	}
	return out
}

// Fingerprints returns the fingerprints of the primary keys of list,
// upper-case hex.
func Fingerprints(list openpgp.EntityList) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = fingerprint(e)
	}
	return out
}

// KeySpec says what key pair [Generate] makes.
type KeySpec struct {
	// Name and Email make the user ID "Name <Email>"; Name is required.
	Name, Email string
	// Bits is the RSA modulus size: 2048, 3072 or 4096; zero means 3072.
	Bits int
	// Passphrase, when not empty, protects the private key (iterated and
	// salted S2K, AES-256). Empty leaves it unprotected: the caller then
	// keeps it in a secret store.
	Passphrase []byte
	// Lifetime is how long the key is valid; zero means no expiry.
	Lifetime time.Duration
	// Now is the creation time; zero means time.Now.
	Now time.Time
}

// KeyPair is a generated key pair, both halves ASCII armored.
type KeyPair struct {
	Public      []byte // "PGP PUBLIC KEY BLOCK": what is handed over.
	Private     []byte // "PGP PRIVATE KEY BLOCK": what is kept.
	Fingerprint string // of the primary key, upper-case hex
}

// Generate makes an RSA key pair (a signing primary key and an encryption
// subkey, both of Bits bits), with AES-256, AES-128 and SHA-256 as preferred
// algorithms and ZLIB, ZIP, then none as preferred compression, the kind of
// key every OpenPGP implementation, Oracle's included, can encrypt to.
func Generate(spec KeySpec) (*KeyPair, error) {
	if spec.Name == "" {
		return nil, errors.New("pgp: a key needs a name")
	}
	bits := spec.Bits
	switch bits {
	case 0:
		bits = 3072
	case 2048, 3072, 4096:
	default:
		return nil, fmt.Errorf("pgp: RSA key size %d not offered (2048, 3072 or 4096)", bits)
	}
	if spec.Lifetime < 0 || spec.Lifetime.Seconds() > float64(^uint32(0)) {
		return nil, fmt.Errorf("pgp: key lifetime %s out of range", spec.Lifetime)
	}
	now := spec.Now
	if now.IsZero() {
		now = time.Now()
	}
	cfg := &packet.Config{
		Algorithm:     packet.PubKeyAlgoRSA,
		RSABits:       bits,
		DefaultHash:   crypto.SHA256,
		DefaultCipher: packet.CipherAES256,
		// Advertised so that senders compress: an extract is text.
		DefaultCompressionAlgo: packet.CompressionZLIB,
		KeyLifetimeSecs:        uint32(spec.Lifetime / time.Second),
		Time:                   func() time.Time { return now },
	}
	e, err := openpgp.NewEntity(spec.Name, "", spec.Email, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgp: generate key: %w", err)
	}
	// The library lists "no compression" first whatever the config says
	// (against compression side channels, which do not concern a file
	// extracted and sent once): gpg, which follows the recipient's order,
	// then sends the extract uncompressed. Put ZLIB first, ZIP next.
	for _, id := range e.Identities {
		id.SelfSignature.PreferredCompression = []uint8{uint8(packet.CompressionZLIB), uint8(packet.CompressionZIP), uint8(packet.CompressionNone)}
		if err := id.SelfSignature.SignUserId(id.UserId.Id, e.PrimaryKey, e.PrivateKey, cfg); err != nil {
			return nil, fmt.Errorf("pgp: generate key: %w", err)
		}
	}
	var pub bytes.Buffer
	if err := writeArmored(&pub, openpgp.PublicKeyType, e.Serialize); err != nil {
		return nil, err
	}
	if len(spec.Passphrase) > 0 {
		if err := e.EncryptPrivateKeys(spec.Passphrase, cfg); err != nil {
			return nil, fmt.Errorf("pgp: protect private key: %w", err)
		}
	}
	var priv bytes.Buffer
	if err := writeArmored(&priv, openpgp.PrivateKeyType, func(w io.Writer) error {
		return e.SerializePrivateWithoutSigning(w, cfg)
	}); err != nil {
		return nil, err
	}
	return &KeyPair{Public: pub.Bytes(), Private: priv.Bytes(), Fingerprint: fingerprint(e)}, nil
}

func writeArmored(w io.Writer, blockType string, body func(io.Writer) error) error {
	aw, err := armor.Encode(w, blockType, nil)
	if err != nil {
		return err
	}
	if err := body(aw); err != nil {
		return fmt.Errorf("pgp: serialize key: %w", err)
	}
	return aw.Close()
}
