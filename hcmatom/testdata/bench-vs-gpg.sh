#!/usr/bin/env bash
# bench-vs-gpg.sh times gpg --decrypt and hcmatom's extract loading on the
# same encrypted extract, back to back, a few times each, with peak RSS from
# /usr/bin/time. The extract is synthetic (internal/extractgen), encrypted
# by gpg with its defaults (RSA 3072 key, AES-256, ZLIB), in a temporary
# directory that is removed at the end: nothing is committed. For the load,
# it also prints the roster's size (the live heap once the load's garbage
# is collected), to set against the peak RSS. Beside them, what a user would
# write instead: gpg --decrypt piped into an encoding/csv loop that keeps
# the rows in a map by person number (testdata/csvmap); its time and peak
# RSS are those of the whole pipeline (GNU time reports the larger of gpg's
# and csvmap's RSS).
#
#   hcmatom/testdata/bench-vs-gpg.sh [rows [runs]]     # defaults: 1000000 3
#
# Needs gpg, Go and GNU time (/usr/bin/time).
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
gpg=(gpg --batch --quiet --yes --pinentry-mode loopback --passphrase '' --trust-model always)

(cd "$root" && go build -o "$tmp/loadextract" ./hcmatom/testdata/loadextract && go build -o "$tmp/csvmap" ./hcmatom/testdata/csvmap)
"${gpg[@]}" --quick-gen-key 'bench <bench@example.com>' default default never 2>/dev/null
"${gpg[@]}" --armor --export-secret-keys bench@example.com >"$tmp/key.asc"
"$tmp/loadextract" -generate "$rows" >"$tmp/extract.csv"
"${gpg[@]}" -r bench@example.com -o "$tmp/extract.csv.gpg" --encrypt "$tmp/extract.csv"
echo "extract: $rows rows, $(stat -c %s "$tmp/extract.csv") bytes of CSV, $(stat -c %s "$tmp/extract.csv.gpg") bytes encrypted"
rm "$tmp/extract.csv"

t() { # label command...
	local label=$1
	shift
	/usr/bin/time -f "$label: %e s elapsed, %U s user, %S s sys, %M KB max RSS" "$@"
}
for _ in $(seq "$runs"); do
	t "gpg --decrypt -o /dev/null  " "${gpg[@]}" --decrypt -o /dev/null "$tmp/extract.csv.gpg"
	t "gpg --decrypt -o file       " "${gpg[@]}" --decrypt -o "$tmp/out.csv" "$tmp/extract.csv.gpg"
	rm -f "$tmp/out.csv"
	t "hcmatom decrypt only        " "$tmp/loadextract" -key "$tmp/key.asc" -mode decrypt "$tmp/extract.csv.gpg"
	t "hcmatom decrypt+read rows   " "$tmp/loadextract" -key "$tmp/key.asc" -mode parse "$tmp/extract.csv.gpg"
	t "hcmatom LoadExtract (roster)" "$tmp/loadextract" -key "$tmp/key.asc" -mode load "$tmp/extract.csv.gpg"
	t "gpg --decrypt | csv into map" bash -c 'f=$1 m=$2; shift 2; "$@" --decrypt "$f" | "$m"' - "$tmp/extract.csv.gpg" "$tmp/csvmap" "${gpg[@]}"
done 2>&1 | grep -v '^loadextract -mode [dp]'
