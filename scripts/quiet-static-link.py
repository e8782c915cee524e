#!/usr/bin/env python3
"""Filters `swift build -static-executable` output: the linker warnings every static glibc executable
gets are counted and summed up in one line; every other line, any other warning among them, passes
through as it came.

glibc warns, for each function that goes through its NSS or dlopen machinery (getaddrinfo,
gethostbyname, getpwnam_r, dlopen…), that a static binary would need glibc's shared libraries at run
time to use it. The bundles do not: libcurl resolves names through glibc's built-in DNS and
/etc/hosts reader (no NSS module is loaded for those), and nothing calls the rest. LambdaBundleTests
proves it on every `make test`: each bundle runs in an empty root (no shared library at all) and
resolves its endpoint through DNS or /etc/hosts, and speaks TLS. FoundationEssentials' `mktemp`
warning is the same kind: a function in the Swift runtime's archive that the functions never call.
"""
import re
import sys

KNOWN = re.compile(
    r"^\S+\.a\([^)]*\).*: warning: ("
    r"Using '(getaddrinfo|gethostbyname|dlopen|getpwuid_r|getpwnam_r|getgrgid_r|getgrnam_r)' in statically linked "
    r"applications requires at runtime the shared libraries from the glibc version used for linking"
    r"|the use of `mktemp' is dangerous, better use `mkstemp' or `mkdtemp')$")

hidden, functions = 0, set()
for line in sys.stdin:
    match = KNOWN.match(line.rstrip("\n"))
    if match:
        hidden += 1
        functions.add(match.group(2) or "mktemp")
        continue
    sys.stdout.write(line)
    sys.stdout.flush()
if hidden:
    print(f"note: {hidden} linker warnings that every static glibc executable gets ({', '.join(sorted(functions))}) are expected: "
          "names resolve through glibc's built-in DNS and /etc/hosts reader, and LambdaBundleTests runs each bundle in an "
          "empty root, with no shared library, to prove it (scripts/quiet-static-link.py)")
