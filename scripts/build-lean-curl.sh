#!/usr/bin/env bash
# Builds a lean static libcurl from Debian's own curl source package, once: HTTP and HTTPS over
# OpenSSL, nothing else (no other protocol, HTTP/2, IDN, PSL, compression, cookies, LDAP, SSH,
# GSSAPI), so the Lambda bootstraps can be one static executable with nothing unused inside.
# Debian's package, not upstream's tarball: it carries Debian's security fixes for the version.
#
# usage: build-lean-curl.sh DEBIAN_VERSION PREFIX
#   DEBIAN_VERSION  the source package version to build, e.g. 7.88.1-10+deb12u15 (pinned in the Makefile)
#   PREFIX          where lib/libcurl.a, include/curl and lib/pkgconfig/libcurl.pc go (under .build/)
#
# The source comes through a private deb-src list and apt state under PREFIX, so the machine's own
# apt configuration is neither needed nor changed; apt checks the Sources index's signature and the
# files' checksums as for any package. A second run with the same version does nothing.
set -euo pipefail
version=$1
prefix=$(realpath -m "$2")
stamp="$prefix/.built-$version"
if [[ -f "$stamp" ]]; then
    exit 0
fi
for tool in apt-get dpkg-source make cc patch; do
    command -v "$tool" >/dev/null || { echo "build-lean-curl: $tool is missing (make deps installs it)" >&2; exit 1; }
done
upstream=${version%%-*}
work="$prefix.work"
rm -rf "$prefix" "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
cat > "$work/apt/sources.list" <<SOURCES
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main
SOURCES
apt=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" -o Debug::NoLocking=1
     -o APT::Sandbox::User=root)
echo "==> building libcurl $version from Debian's source package (HTTP and HTTPS over OpenSSL only), once"
apt-get "${apt[@]}" -qq update
if ! (cd "$work/src" && apt-get "${apt[@]}" -qq source "curl=$version" >/dev/null); then
    echo "build-lean-curl: Debian's mirrors no longer carry curl $version (a newer security release replaced it)." >&2
    echo "  Available: $(apt-cache "${apt[@]}" showsrc curl | awk '/^Version:/ {print $2}' | tr '\n' ' ')" >&2
    echo "  Set CURL_DEBIAN_VERSION in the Makefile to the newest of them." >&2
    exit 1
fi
source="$work/src/curl-$upstream"
# Debian builds its OpenSSL flavour without its last two patches (they rename the library for the
# GnuTLS and NSS flavours); so does this.
for flavour in 99_nss.patch 90_gnutls.patch; do
    patch --quiet -R -p1 -d "$source" < "$source/debian/patches/$flavour"
done
cd "$source"
# AM_MAINTAINER_MODE keeps the shipped configure and Makefile.in: Debian's packaging patches to
# configure.ac and Makefile.am only concern its own link flags.
./configure --quiet --prefix="$prefix" --disable-shared --enable-static --with-pic --disable-dependency-tracking \
    --with-openssl --without-gnutls --without-nss --without-wolfssl --without-mbedtls --without-rustls \
    --without-ca-bundle --without-ca-path --without-ca-fallback \
    --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
    --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
    --disable-manual --disable-ntlm --disable-ntlm-wb \
    --disable-cookies --disable-alt-svc --disable-hsts --disable-doh --disable-mime --disable-netrc \
    --disable-websockets --disable-unix-sockets --disable-libcurl-option --disable-sspi --disable-tls-srp \
    --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 --without-nghttp2 \
    --without-nghttp3 --without-ngtcp2 --without-quiche --without-msh3 --without-libssh2 --without-libssh \
    --without-librtmp --without-gssapi --without-libgsasl --without-hyper
make --quiet -j"$(nproc)" -C lib >/dev/null
make --quiet -C lib install >/dev/null
make --quiet -C include install >/dev/null
make --quiet install-pkgconfigDATA >/dev/null
# SwiftPM reads .pc files itself, for the plain (not --static) flags: list what the static library
# needs there, in link order.
# (CURL_STATICLIB only matters on Windows, and SwiftPM refuses -D flags from pkg-config.)
sed -i -e 's/^Libs: .*/Libs: -L${libdir} -lcurl -lssl -lcrypto -lpthread/' -e 's/^Cflags: .*/Cflags: -I${includedir}/' \
    "$prefix/lib/pkgconfig/libcurl.pc"
# The system's libcrypto.pc and expat.pc name -L/usr/lib/x86_64-linux-gnu, and the linker searches
# every -L directory for every -l in order: placed before this prefix, that finds Debian's own
# libcurl.a (which needs GSSAPI, LDAP, libssh2, PSL...). These two say the same without the -L.
printf 'Name: libcrypto\nDescription: OpenSSL libcrypto (the system'"'"'s static library)\nVersion: system\nLibs: -lcrypto\nCflags:\n' \
    > "$prefix/lib/pkgconfig/libcrypto.pc"
printf 'Name: expat\nDescription: expat (the system'"'"'s static library)\nVersion: system\nLibs: -lexpat\nCflags:\n' \
    > "$prefix/lib/pkgconfig/expat.pc"
protocols=$(sed -n 's/^supported_protocols="\(.*\)"/\1/p' "$prefix/lib/pkgconfig/libcurl.pc")
features=$(sed -n 's/^supported_features="\(.*\)"/\1/p' "$prefix/lib/pkgconfig/libcurl.pc")
rm -rf "$work"
touch "$stamp"
echo "==> libcurl $version built into $prefix: protocols $protocols; features $features"
