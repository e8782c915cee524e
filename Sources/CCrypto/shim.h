#ifndef INSTANCE_WATCH_CCRYPTO_SHIM_H
#define INSTANCE_WATCH_CCRYPTO_SHIM_H

// Only the one-shot digest and HMAC functions, which OpenSSL 3 has not deprecated.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#endif
