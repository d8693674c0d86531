/* fuzz-model.c - libFuzzer target for the model file reader (mtcnn_model_load_memory).
 *
 * Each input is loaded twice: as it is, and with its checksum recomputed. Without the second
 * pass almost every mutation would stop at "checksum mismatch" and the table, shape, offset
 * and value checks behind it would never see fuzzed data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtcnn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t crc_table[256];

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static void load_once(const uint8_t *data, size_t size)
{
    mtcnn_model *m = NULL;
    if (mtcnn_model_load_memory(data, size, "fuzz.mtcnn", &m) == 0) {
        (void)mtcnn_model_has_lnet(m);
        mtcnn_model_free(m);
    } else if (m != NULL || mtcnn_last_error()[0] == '\0') {
        abort(); /* a failure must leave no model behind and must say why */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once(data, size);
    /* bytes 12..15 hold the CRC-32 of everything from byte 16 on (docs/model-format.md) */
    if (size >= 16) {
        uint8_t *copy = malloc(size);
        if (!copy)
            return 0;
        memcpy(copy, data, size);
        uint32_t crc = crc32_ieee(copy + 16, size - 16);
        for (int i = 0; i < 4; i++)
            copy[12 + i] = (uint8_t)(crc >> (8 * i));
        load_once(copy, size);
        free(copy);
    }
    return 0;
}
