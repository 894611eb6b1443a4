#!/usr/bin/env bash
# make-vectors.sh regenerates the OpenPGP test vectors of this directory with
# real GnuPG (Debian package gnupg; made with gpg 2.2.40), in a throwaway
# GNUPGHOME. CI does not run it: the tests read the committed files.
#
#   internal/pgp/testdata/make-vectors.sh
#
# Every run makes new keys, so it rewrites every file below together. The
# plaintext is extract.csv (committed, written by hand). Passphrases are test
# values, known to the tests (pgp_test.go): customer-key-passphrase protects
# customer.asc; extract-passphrase opens the passphrase messages.
#
# Keys:
#   customer.asc / .pub.asc  the key pair the customer gives HCM: RSA 3072, primary
#                            key signs, subkey encrypts; private half passphrase-protected
#   second.asc               a second recipient: Ed25519 + Curve25519, no passphrase
#   hcm-signer.pub.asc       the key HCM signs extracts with (RSA 2048)
#   stranger.pub.asc         a key that is none of the above (RSA 2048)
# Messages (plaintext extract.csv unless said otherwise), to customer unless said:
#   zip-aes256.gpg           binary, ZIP, AES-256
#   zlib-aes128.asc          armored, ZLIB, AES-128
#   bzip2-aes192.gpg         binary, BZIP2, AES-192
#   none-aes256.gpg          binary, uncompressed, AES-256
#   signed-zlib-aes256.gpg   signed by hcm-signer, binary
#   signed-zip-aes128.asc    signed by hcm-signer, armored
#   two-recipients.gpg       to customer and second
#   signed-second.gpg        to second only, signed by hcm-signer (cheap to open:
#                            the fuzz target uses it, RSA is slow under coverage)
#   passphrase-aes256.gpg    gpg --symmetric, binary
#   passphrase-aes128.asc    gpg --symmetric, armored
#   stranger.gpg             to stranger only: the customer's key cannot open it
#   impostor-signed.gpg      signed by stranger's key, not hcm-signer's
#   bad-signature.gpg        signed by hcm-signer, then "Green, Joe" changed to
#                            "Green, Jon" inside and re-encrypted with an intact
#                            MDC (gpg cannot make this one: testdata/rawencrypt)
#   bad-self-signature.gpg   the same, signed by the customer's own key: a signature the
#                            library can check with the decryption key alone
#   tampered.gpg             none-aes256.gpg with one bit flipped mid-file
#   tampered-zlib.asc        zlib-aes128 (binary form) with one bit flipped, then armored
#   truncated.gpg            zip-aes256.gpg without its last 40 bytes
#   no-mdc.gpg               gpg --rfc2440: Symmetrically Encrypted Data, no MDC
#   no-mdc-passphrase.gpg    the same with a passphrase
#   signed-only.gpg          gpg --sign: signed, not encrypted
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../.. && pwd)

GNUPGHOME=$(mktemp -d)
export GNUPGHOME
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT

KEYPASS=customer-key-passphrase
MSGPASS=extract-passphrase
gpg=(gpg --batch --yes --quiet --pinentry-mode loopback --trust-model always --no-auto-key-locate --s2k-count 65536)

newkey() { # uid algo subalgo passphrase
	"${gpg[@]}" --passphrase "$4" --quick-gen-key "$1" "$2" sign never
	fpr=$("${gpg[@]}" --with-colons --list-keys "$1" | awk -F: '/^fpr:/ {print $10; exit}')
	"${gpg[@]}" --passphrase "$4" --quick-add-key "$fpr" "$3" encr never
}
newkey 'Acme EMS (test) <ems@example.com>' rsa3072 rsa3072 "$KEYPASS"
newkey 'Second recipient (test) <second@example.com>' ed25519 cv25519 ''
newkey 'Oracle HCM signer (test) <hcm@example.com>' rsa2048 rsa2048 ''
newkey 'Stranger (test) <stranger@example.com>' rsa2048 rsa2048 ''
C=ems@example.com S2=second@example.com H=hcm@example.com X=stranger@example.com

"${gpg[@]}" --passphrase "$KEYPASS" --armor --export-secret-keys "$C" >customer.asc
"${gpg[@]}" --armor --export "$C" >customer.pub.asc
"${gpg[@]}" --passphrase '' --armor --export-secret-keys "$S2" >second.asc
"${gpg[@]}" --armor --export "$H" >hcm-signer.pub.asc
"${gpg[@]}" --armor --export "$X" >stranger.pub.asc

enc() { # out recipient-args... -- extra args
	out=$1
	shift
	"${gpg[@]}" -o "$out" "$@" --encrypt extract.csv
}
enc zip-aes256.gpg -r "$C" --compress-algo zip --cipher-algo AES256
enc zlib-aes128.asc -r "$C" --compress-algo zlib --cipher-algo AES128 --armor
enc bzip2-aes192.gpg -r "$C" --compress-algo bzip2 --cipher-algo AES192
enc none-aes256.gpg -r "$C" --compress-algo none --cipher-algo AES256
enc signed-zlib-aes256.gpg -r "$C" --compress-algo zlib --cipher-algo AES256 --sign -u "$H"
enc signed-zip-aes128.asc -r "$C" --compress-algo zip --cipher-algo AES128 --sign -u "$H" --armor
enc two-recipients.gpg -r "$C" -r "$S2" --compress-algo zlib --cipher-algo AES256
enc signed-second.gpg -r "$S2" --compress-algo zip --cipher-algo AES256 --sign -u "$H"
enc stranger.gpg -r "$X" --compress-algo zlib --cipher-algo AES256
enc impostor-signed.gpg -r "$C" --compress-algo zlib --cipher-algo AES256 --sign -u "$X"

"${gpg[@]}" --passphrase "$MSGPASS" --cipher-algo AES256 --compress-algo zlib -o passphrase-aes256.gpg --symmetric extract.csv
"${gpg[@]}" --passphrase "$MSGPASS" --cipher-algo AES128 --compress-algo zip --armor -o passphrase-aes128.asc --symmetric extract.csv

# Without integrity protection: gpg 2.2 still writes the old Symmetrically
# Encrypted Data packet (tag 9, no MDC) under --rfc2440, with a warning.
"${gpg[@]}" --rfc2440 -r "$C" --cipher-algo AES256 --compress-algo zlib -o no-mdc.gpg --encrypt extract.csv 2>/dev/null
"${gpg[@]}" --rfc2440 --passphrase "$MSGPASS" --cipher-algo AES256 --compress-algo zlib -o no-mdc-passphrase.gpg --symmetric extract.csv 2>/dev/null

"${gpg[@]}" --sign -u "$H" --compress-algo none -o signed-only.gpg extract.csv
(cd "$root" && go run ./internal/pgp/testdata/rawencrypt -to internal/pgp/testdata/customer.pub.asc \
	-replace 'Green, Joe=Green, Jon') <signed-only.gpg >bad-signature.gpg
"${gpg[@]}" --passphrase "$KEYPASS" --sign -u "$C" --compress-algo none -o signed-customer.gpg extract.csv
(cd "$root" && go run ./internal/pgp/testdata/rawencrypt -to internal/pgp/testdata/customer.pub.asc \
	-replace 'Green, Joe=Green, Jon') <signed-customer.gpg >bad-self-signature.gpg
rm signed-customer.gpg

flip() { # file offset: flips the lowest bit of the byte at offset
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp none-aes256.gpg tampered.gpg
flip tampered.gpg $(($(stat -c %s tampered.gpg) / 2))
"${gpg[@]}" -r "$C" --compress-algo zlib --cipher-algo AES128 -o tampered-zlib.gpg --encrypt extract.csv
flip tampered-zlib.gpg $(($(stat -c %s tampered-zlib.gpg) / 2))
"${gpg[@]}" --enarmor <tampered-zlib.gpg | sed 's/ARMORED FILE/MESSAGE/' >tampered-zlib.asc
rm tampered-zlib.gpg
head -c $(($(stat -c %s zip-aes256.gpg) - 40)) zip-aes256.gpg >truncated.gpg

# Check what gpg itself says of each vector, as a record of the intent.
for f in zip-aes256.gpg zlib-aes128.asc bzip2-aes192.gpg none-aes256.gpg signed-zlib-aes256.gpg \
	signed-zip-aes128.asc two-recipients.gpg; do
	"${gpg[@]}" --passphrase "$KEYPASS" --decrypt "$f" 2>/dev/null | cmp -s - extract.csv || { echo "gpg cannot read $f back" >&2; exit 1; }
done
for f in tampered.gpg tampered-zlib.asc truncated.gpg no-mdc.gpg; do
	if "${gpg[@]}" --passphrase "$KEYPASS" --decrypt "$f" >/dev/null 2>&1; then echo "gpg accepts $f" >&2; exit 1; fi
done
ls -l ./*.gpg ./*.asc
