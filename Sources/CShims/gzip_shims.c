#include "CShims.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* windowBits 15 + 16 selects the gzip wrapper rather than raw zlib; inflating accepts any window. */
#define GZIP_WINDOW_BITS (15 + 16)

/* Deflates all of `input` in one call, ending with `flush`: Z_FINISH ends the stream, and
 * Z_SYNC_FLUSH ends the output on a byte boundary with the stream left open. */
static int deflate_once(const uint8_t *input, size_t input_length, int level, int window_bits, int memory_level, int flush,
                        uint8_t **output, size_t *output_length) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, level, Z_DEFLATED, window_bits, memory_level, Z_DEFAULT_STRATEGY) != Z_OK) {
        return CSHIMS_GZIP_NO_MEMORY;
    }
    /* deflateBound does not count a sync flush's marker: a few bytes more. */
    size_t capacity = deflateBound(&stream, (uLong)input_length) + 64;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return CSHIMS_GZIP_NO_MEMORY;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_length;
    stream.next_out = buffer;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, flush);
    int complete = flush == Z_FINISH ? status == Z_STREAM_END : (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0);
    deflateEnd(&stream);
    if (!complete) {
        free(buffer);
        return CSHIMS_GZIP_CORRUPT;
    }
    *output = buffer;
    *output_length = stream.total_out;
    return CSHIMS_GZIP_OK;
}

int cshims_gzip(const uint8_t *input, size_t input_length, int level, uint8_t **output, size_t *output_length) {
    /* No match reaches back further than the input's start, so a window (and hash table)
       larger than the input compresses no better, while zlib allocates and clears it for
       every call: for the hub's answers of a few kB that cost more than compressing them. */
    int window_bits = 9;
    while (window_bits < 15 && ((size_t)1 << window_bits) < input_length) window_bits++;
    int memory_level = window_bits - 7 < 1 ? 1 : window_bits - 7;
    return deflate_once(input, input_length, level, window_bits + 16, memory_level, Z_FINISH, output, output_length);
}

int cshims_gunzip(const uint8_t *input, size_t input_length, size_t max_output, uint8_t **output, size_t *output_length) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit2(&stream, GZIP_WINDOW_BITS) != Z_OK) {
        return CSHIMS_GZIP_NO_MEMORY;
    }
    size_t capacity = input_length * 4 + 1024;
    if (capacity > max_output + 1) capacity = max_output + 1;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
        inflateEnd(&stream);
        return CSHIMS_GZIP_NO_MEMORY;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_length;
    int result = CSHIMS_GZIP_OK;
    for (;;) {
        if (stream.total_out >= capacity) {
            if (capacity > max_output) {
                result = CSHIMS_GZIP_TOO_LARGE;
                break;
            }
            size_t grown = capacity * 2;
            if (grown > max_output + 1) grown = max_output + 1;
            uint8_t *larger = realloc(buffer, grown);
            if (larger == NULL) {
                result = CSHIMS_GZIP_NO_MEMORY;
                break;
            }
            buffer = larger;
            capacity = grown;
        }
        stream.next_out = buffer + stream.total_out;
        stream.avail_out = (uInt)(capacity - stream.total_out);
        int status = inflate(&stream, Z_NO_FLUSH);
        if (status == Z_STREAM_END) {
            if (stream.total_out > max_output) result = CSHIMS_GZIP_TOO_LARGE;
            /* Trailing bytes after the gzip member are not a valid request body. */
            else if (stream.avail_in != 0) result = CSHIMS_GZIP_CORRUPT;
            break;
        }
        if (status != Z_OK && status != Z_BUF_ERROR) {
            result = CSHIMS_GZIP_CORRUPT;
            break;
        }
        if (status == Z_BUF_ERROR && stream.avail_in == 0 && stream.avail_out != 0) {
            result = CSHIMS_GZIP_CORRUPT; /* truncated input */
            break;
        }
    }
    inflateEnd(&stream);
    if (result != CSHIMS_GZIP_OK) {
        free(buffer);
        return result;
    }
    *output = buffer;
    *output_length = stream.total_out;
    return CSHIMS_GZIP_OK;
}

void cshims_free(void *pointer) {
    free(pointer);
}

int cshims_deflate_piece(const uint8_t *input, size_t input_length, int level, int last, uint8_t **output, size_t *output_length) {
    /* Negative window bits: raw deflate, no header or trailer (a ZIP entry keeps its own). */
    return deflate_once(input, input_length, level, -15, 8, last ? Z_FINISH : Z_SYNC_FLUSH, output, output_length);
}

uint32_t cshims_crc32(uint32_t crc, const uint8_t *data, size_t length) {
    return (uint32_t)crc32_z(crc, data, length);
}

uint32_t cshims_crc32_combine(uint32_t first, uint32_t second, size_t second_length) {
    return (uint32_t)crc32_combine(first, second, (z_off_t)second_length);
}
