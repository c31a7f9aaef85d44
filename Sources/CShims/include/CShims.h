#ifndef CSHIMS_H
#define CSHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>

/* curl_global_init with the default flags (a macro Swift cannot import). */
CURLcode cshims_global_init(void);

/* Fixed-signature wrappers around libcurl's variadic setopt/getinfo, which Swift cannot call. */
CURLcode cshims_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode cshims_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode cshims_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
typedef size_t (*cshims_write_callback)(char *data, size_t size, size_t count, void *userdata);
CURLcode cshims_setopt_write_function(CURL *handle, CURLoption option, cshims_write_callback callback);
typedef int (*cshims_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
CURLcode cshims_setopt_xferinfo_function(CURL *handle, cshims_xferinfo_callback callback);
CURLcode cshims_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode cshims_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

/* gzip through zlib (deflateInit2/inflateInit2 are macros, so they live here).
 * Results are malloc'd; release them with cshims_free. */
enum {
    CSHIMS_GZIP_OK = 0,
    CSHIMS_GZIP_TOO_LARGE = 1,
    CSHIMS_GZIP_CORRUPT = 2,
    CSHIMS_GZIP_NO_MEMORY = 3,
};
int cshims_gzip(const uint8_t *input, size_t input_length, int level, uint8_t **output, size_t *output_length);
/* Inflates gzip data, refusing (CSHIMS_GZIP_TOO_LARGE) once the output would exceed max_output:
 * the guard against gzip bombs. */
int cshims_gunzip(const uint8_t *input, size_t input_length, size_t max_output, uint8_t **output, size_t *output_length);
void cshims_free(void *pointer);

/* One piece of a raw deflate stream, compressed on its own and ended on a byte boundary with a
 * sync flush or, when `last`, with the final block: pieces compressed in parallel and written in
 * order make one valid stream (as pigz does). The result is malloc'd, like cshims_gzip's. */
int cshims_deflate_piece(const uint8_t *input, size_t input_length, int level, int last, uint8_t **output, size_t *output_length);
/* zlib's CRC-32 of `data` continuing `crc`, and the CRC of two pieces from each one's. */
uint32_t cshims_crc32(uint32_t crc, const uint8_t *data, size_t length);
uint32_t cshims_crc32_combine(uint32_t first, uint32_t second, size_t second_length);

/* mallopt(M_ARENA_MAX, arenas) where glibc has it (a macro Swift does not import); 0 elsewhere. */
int cshims_limit_malloc_arenas(int arenas);

/* sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) (variadic): SQLite stops counting its memory,
 * which takes a global mutex on every allocation. Only before SQLite is first used. */
int cshims_sqlite_disable_memstatus(void);

#endif
