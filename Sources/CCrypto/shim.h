#ifndef INSTANCE_WATCH_CCRYPTO_SHIM_H
#define INSTANCE_WATCH_CCRYPTO_SHIM_H

// Only what OpenSSL 3 has not deprecated: fetching an algorithm once, the one-shot digest, and
// library initialisation.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#endif
