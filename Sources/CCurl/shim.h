#ifndef INSTANCE_WATCH_CCURL_SHIM_H
#define INSTANCE_WATCH_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers are the only way the Swift code reaches them.

// The version of the libcurl actually linked (a static binary carries its own), e.g. "7.88.1".
static inline const char *iw_curl_version(void) {
    return curl_version_info(CURLVERSION_NOW)->version;
}

typedef size_t (*iw_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode iw_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode iw_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode iw_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode iw_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode iw_curl_set_headers(CURL *handle, struct curl_slist *headers) {
    return curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
}

static inline CURLcode iw_curl_set_callback(CURL *handle, CURLoption option, iw_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode iw_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode iw_curl_get_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
