#include "CShims.h"

CURLcode cshims_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode cshims_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode cshims_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode cshims_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode cshims_setopt_write_function(CURL *handle, CURLoption option, cshims_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode cshims_setopt_xferinfo_function(CURL *handle, cshims_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode cshims_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode cshims_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
