#!/usr/bin/env bash
# Makes the Lambda bundle of one release binary: DEST/bootstrap, the binary stripped, and with a
# ZIP argument a zip whose only entry is bootstrap.
#
# The zip is deflated twice: zip -9 writes it, then advzip (AdvanceCOMP) deflates the entry again
# with 7-Zip's deflate encoder. Still a plain deflate zip that Lambda and every unzip read; measured
# on the UptimeChecker's zip, 7.99 MB by zip -9 against 7.71 MB, in 2.4 s (docs/development.md).
#
# The binary must be one statically linked executable (make release links it so: the Swift runtime,
# a libcurl built for HTTP and HTTPS over OpenSSL, OpenSSL and expat all inside): no program
# interpreter and no shared library needed, so it runs on provided.al2023 whatever its glibc and
# whatever Lambda puts in LD_LIBRARY_PATH. This script refuses anything else.
#
# usage: bundle-lambda.sh BINARY DEST [ZIP]
set -euo pipefail
binary=$1 dest=$2 zip=${3:+$(realpath -m "$3")}

for tool in strip readelf zip advzip; do
    command -v "$tool" >/dev/null || { echo "bundle-lambda: $tool is missing (make deps installs it)" >&2; exit 1; }
done
[[ -x "$binary" ]] || { echo "bundle-lambda: no binary at $binary (build it first)" >&2; exit 1; }
if readelf --program-headers "$binary" | grep -q 'Requesting program interpreter'; then
    echo "bundle-lambda: $binary asks for a program interpreter: it is not a static executable (make release links one)" >&2
    exit 1
fi
if readelf --dynamic "$binary" | grep -q '(NEEDED)'; then
    echo "bundle-lambda: $binary needs shared libraries: $(readelf --dynamic "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')" >&2
    exit 1
fi

rm -rf "$dest"
mkdir -p "$dest"
cp "$binary" "$dest/bootstrap"
strip --strip-all "$dest/bootstrap"
chmod 755 "$dest/bootstrap"

if [[ -n "$zip" ]]; then
    rm -f "$zip"
    (cd "$dest" && zip -q -9 -X "$zip" bootstrap)
    advzip --quiet --recompress -2 "$zip"
    echo "==> $(basename "$zip"): $(du -k "$zip" | cut -f1) KiB zipped, bootstrap $(du -k "$dest/bootstrap" | cut -f1) KiB (one static executable)"
else
    echo "==> $(basename "$dest")/bootstrap: $(du -k "$dest/bootstrap" | cut -f1) KiB (one static executable)"
fi
