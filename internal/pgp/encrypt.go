package pgp

import (
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Compression algorithms for [EncryptOptions]. BZIP2 can be read but not
// written (the Go library has no bzip2 compressor).
const (
	CompressNone = packet.CompressionNone
	CompressZIP  = packet.CompressionZIP
	CompressZLIB = packet.CompressionZLIB
)

// EncryptOptions says how [Encrypt] writes a message, the way HCM would
// send one. Exactly one of To and Passphrase is given.
type EncryptOptions struct {
	To          openpgp.EntityList     // recipients' public keys
	Passphrase  []byte                 // or a passphrase (gpg --symmetric)
	Signer      *openpgp.Entity        // signs when set (not with Passphrase); unlocked
	Compression packet.CompressionAlgo // CompressNone, CompressZIP or CompressZLIB
	Armor       bool                   // ASCII armor the output
	FileName    string                 // stored in the literal data packet
}

// Encrypt returns a writer that encrypts what is written to it into w; Close
// it to finish the message. The message is integrity protected (SEIPD with
// MDC) with AES-256, or AES-128 when a recipient does not list AES-256.
func Encrypt(w io.Writer, o EncryptOptions) (io.WriteCloser, error) {
	if (len(o.To) == 0) == (o.Passphrase == nil) {
		return nil, errors.New("pgp: encrypt needs recipients or a passphrase, not both")
	}
	if o.Passphrase != nil && o.Signer != nil {
		return nil, errors.New("pgp: a passphrase message cannot be signed here")
	}
	cfg := &packet.Config{
		DefaultCipher:          packet.CipherAES256,
		DefaultCompressionAlgo: o.Compression,
		// gpg's level, so that benchmarks decompress what HCM would send.
		CompressionConfig: &packet.CompressionConfig{Level: packet.DefaultCompression},
	}
	out := w
	var aw io.WriteCloser
	if o.Armor {
		var err error
		if aw, err = armor.Encode(w, "PGP MESSAGE", nil); err != nil {
			return nil, err
		}
		out = aw
	}
	hints := &openpgp.FileHints{IsBinary: true, FileName: o.FileName}
	var (
		pw  io.WriteCloser
		err error
	)
	if o.Passphrase != nil {
		pw, err = openpgp.SymmetricallyEncrypt(out, o.Passphrase, hints, cfg)
	} else {
		pw, err = openpgp.Encrypt(out, o.To, o.Signer, hints, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("pgp: encrypt: %w", err)
	}
	return &encryptWriter{pw: pw, aw: aw}, nil
}

type encryptWriter struct {
	pw, aw io.WriteCloser
}

func (e *encryptWriter) Write(p []byte) (int, error) { return e.pw.Write(p) }

func (e *encryptWriter) Close() error {
	if err := e.pw.Close(); err != nil {
		return err
	}
	if e.aw != nil {
		return e.aw.Close()
	}
	return nil
}
