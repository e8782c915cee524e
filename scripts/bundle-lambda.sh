#!/usr/bin/env bash
# Makes the Lambda bundle of one release binary: DEST/bootstrap plus DEST/lib/ with the dynamic
# loader and every shared library the binary needs, taken from this machine.
#
# Why: provided.al2023 has glibc 2.34 and a Swift binary built here needs GLIBC_2.35. So the
# bundle brings its own glibc and loader and uses nothing of the host image: the interpreter is
# /var/task/lib/ld-linux-x86-64.so.2 (Lambda unzips to /var/task) and DT_RPATH (not RUNPATH) is
# $ORIGIN/lib, which is searched before Lambda's LD_LIBRARY_PATH for every library the program
# loads. $ORIGIN is resolved through /proc, which Lambda has.
#
# usage: bundle-lambda.sh BINARY DEST [ZIP]
set -euo pipefail
binary=$1 dest=$2 zip=${3:+$(realpath -m "$3")}
loader=ld-linux-x86-64.so.2

for tool in patchelf strip ldd readelf; do
    command -v "$tool" >/dev/null || { echo "bundle-lambda: $tool is missing (make deps installs it)" >&2; exit 1; }
done
[[ -x "$binary" ]] || { echo "bundle-lambda: no binary at $binary (build it first)" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$dest/lib"
cp "$binary" "$dest/bootstrap"
strip --strip-all "$dest/bootstrap"

# Every library ldd resolves, under the name the binary asks for; the loader under its own name.
while read -r name path; do
    if [[ "$name" == */"$loader" ]]; then
        cp -L "$name" "$dest/lib/$loader"
    elif [[ -n "$path" && "$path" == /* ]]; then
        cp -L "$path" "$dest/lib/$name"
        strip --strip-unneeded "$dest/lib/$name"
    fi
done < <(ldd "$binary" | awk '/=>/ { print $1, $3; next } /ld-linux/ { print $1 }')

[[ -f "$dest/lib/$loader" ]] || { echo "bundle-lambda: ldd did not name $loader" >&2; exit 1; }
for library in "$dest"/lib/*.so*; do
    # A library with its own RUNPATH would look for its dependencies outside the bundle.
    if readelf -d "$library" | grep -q '(RUNPATH)'; then
        echo "bundle-lambda: $(basename "$library") has a RUNPATH; the bundle would not be self-contained" >&2
        exit 1
    fi
done
chmod 644 "$dest"/lib/*
chmod 755 "$dest/bootstrap" "$dest/lib/$loader"
patchelf --set-interpreter "/var/task/lib/$loader" --force-rpath --set-rpath '$ORIGIN/lib' "$dest/bootstrap"

if [[ -n "$zip" ]]; then
    rm -f "$zip"
    (cd "$dest" && zip -q -9 -r -X "$zip" bootstrap lib)
    echo "==> $(basename "$zip"): $(du -k "$zip" | cut -f1) KiB zipped, $(du -sk "$dest" | cut -f1) KiB unzipped ($(ls "$dest/lib" | wc -l) libraries)"
else
    echo "==> $(basename "$dest"): $(du -sk "$dest" | cut -f1) KiB ($(ls "$dest/lib" | wc -l) libraries)"
fi
