/* image-pnm.c - Netpbm PPM (P6 binary, P3 ASCII) and PGM (P5, P2) -> RGB24, maxval 1..65535. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "image-decoders.h"

typedef struct pnm_reader {
    const uint8_t *data;
    size_t size, pos;
} pnm_reader;

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (which run to the end of the line). */
static void skip_blanks(pnm_reader *r)
{
    while (r->pos < r->size) {
        uint8_t c = r->data[r->pos];
        if (c == '#') {
            while (r->pos < r->size && r->data[r->pos] != '\n' && r->data[r->pos] != '\r')
                r->pos++;
        } else if (is_space(c)) {
            r->pos++;
        } else {
            break;
        }
    }
}

/* Reads an unsigned decimal number no larger than `max`. 0 on success, 1 at the end of data,
 * -1 when the next token is not such a number. */
static int read_number(pnm_reader *r, unsigned long max, unsigned long *out)
{
    skip_blanks(r);
    if (r->pos >= r->size)
        return 1;
    unsigned long v = 0;
    size_t start = r->pos;
    while (r->pos < r->size && r->data[r->pos] >= '0' && r->data[r->pos] <= '9') {
        v = v * 10 + (unsigned long)(r->data[r->pos++] - '0');
        if (v > max)
            return -1;
    }
    if (r->pos == start ||
        (r->pos < r->size && !is_space(r->data[r->pos]) && r->data[r->pos] != '#'))
        return -1;
    *out = v;
    return 0;
}

static uint8_t scale_sample(unsigned long v, unsigned long maxval)
{
    return (uint8_t)((v * 255 + maxval / 2) / maxval);
}

int capture__image_decode_pnm(const uint8_t *data, size_t size, const char *name,
                              mtcam_frame *frame)
{
    if (size < 2 || data[0] != 'P')
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a PPM/PGM file", name);
    char kind = (char)data[1];
    if (kind == '1' || kind == '4')
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: PBM bitmaps are not supported", name);
    if (kind == '7')
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: PAM files are not supported", name);
    if (kind != '2' && kind != '3' && kind != '5' && kind != '6')
        return mtcam_set_error(MTCNN_EFORMAT, "%s: not a PPM/PGM file", name);
    int color = kind == '3' || kind == '6', ascii = kind == '2' || kind == '3';
    const char *fmt = color ? "PPM" : "PGM";

    pnm_reader r = {.data = data, .size = size, .pos = 2};
    unsigned long width, height, maxval;
    int rc = read_number(&r, 1000000, &width);
    if (!rc)
        rc = read_number(&r, 1000000, &height);
    if (!rc)
        rc = read_number(&r, 65535, &maxval);
    if (rc > 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated %s header", name, fmt);
    if (rc < 0)
        return mtcam_set_error(MTCNN_EFORMAT,
                               "%s: bad %s header (size or maxval not a number "
                               "in range)",
                               name, fmt);
    if (maxval == 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: bad %s header: maxval 0", name, fmt);
    rc = capture__image_check_size(name, (long long)width, (long long)height);
    if (rc)
        return rc;

    int channels = color ? 3 : 1;
    size_t samples = (size_t)width * height * (size_t)channels;
    size_t sample_bytes = maxval > 255 ? 2 : 1;
    if (!ascii) {
        /* Exactly one whitespace byte separates maxval from the raster. */
        r.pos++;
        if (r.pos > size || size - r.pos < samples * sample_bytes)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated %s data", name, fmt);
    }
    rc = capture__image_prepare_frame(frame, (int)width, (int)height, name);
    if (rc)
        return rc;

    for (unsigned long y = 0; y < height; y++) {
        uint8_t *dst = frame->data + (ptrdiff_t)y * frame->stride;
        for (unsigned long x = 0; x < width; x++, dst += 3) {
            for (int c = 0; c < channels; c++) {
                unsigned long v;
                if (ascii) {
                    rc = read_number(&r, 65535, &v);
                    if (rc > 0)
                        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated %s data", name, fmt);
                    if (rc < 0)
                        return mtcam_set_error(MTCNN_EFORMAT, "%s: bad %s sample at row %lu", name,
                                               fmt, y);
                } else if (sample_bytes == 2) {
                    v = (unsigned long)data[r.pos] << 8 | data[r.pos + 1]; /* big-endian */
                    r.pos += 2;
                } else {
                    v = data[r.pos++];
                }
                if (v > maxval)
                    return mtcam_set_error(MTCNN_EFORMAT, "%s: %s sample %lu exceeds maxval %lu",
                                           name, fmt, v, maxval);
                dst[c] = scale_sample(v, maxval);
            }
            if (!color)
                dst[1] = dst[2] = dst[0];
        }
    }
    return 0;
}
