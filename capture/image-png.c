/* image-png.c - PNG -> RGB24 with libpng: every colour type and depth, interlaced or not,
 * alpha composited on black. libpng errors are caught with its setjmp buffer. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "image-decoders.h"

typedef struct png_input {
    const uint8_t *data;
    size_t size, pos;
    int truncated;
    char message[160];
} png_input;

static void read_bytes(png_structp png, png_bytep out, size_t n)
{
    png_input *in = png_get_io_ptr(png);
    if (n > in->size - in->pos) {
        in->truncated = 1;
        png_error(png, "truncated PNG data");
    }
    memcpy(out, in->data + in->pos, n);
    in->pos += n;
}

static void on_error(png_structp png, png_const_charp msg)
{
    png_input *in = png_get_error_ptr(png);
    snprintf(in->message, sizeof in->message, "%s", msg);
    png_longjmp(png, 1);
}

/* Warnings are about ancillary chunks libpng skips (bad CRC in a text chunk, unknown sRGB
 * profile...): the pixels are intact, and library code never prints. */
static void on_warning(png_structp png, png_const_charp msg) {}

/* out = value * alpha / 255, rounded: the picture as it looks over a black background. */
static void composite_on_black(const uint8_t *rgba, uint8_t *rgb, int width)
{
    for (int x = 0; x < width; x++, rgba += 4, rgb += 3) {
        unsigned a = rgba[3];
        rgb[0] = (uint8_t)((rgba[0] * a + 127) / 255);
        rgb[1] = (uint8_t)((rgba[1] * a + 127) / 255);
        rgb[2] = (uint8_t)((rgba[2] * a + 127) / 255);
    }
}

int capture__image_decode_png(const uint8_t *data, size_t size, const char *name,
                              mtcam_frame *frame)
{
    png_input in = {.data = data, .size = size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &in, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the PNG decoder", name);
    }
    /* Assigned after setjmp and freed on the error path, hence volatile. */
    uint8_t *volatile scratch = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(scratch);
        if (in.truncated)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated PNG data", name);
        int code = strstr(in.message, "memory") ? MTCNN_ENOMEM : MTCNN_EFORMAT;
        return mtcam_set_error(code, "%s: bad PNG data: %s", name, in.message);
    }
    png_set_read_fn(png, &in, read_bytes);
    png_read_info(png, info);

    png_uint_32 width, height;
    int depth, color, interlace;
    png_get_IHDR(png, info, &width, &height, &depth, &color, &interlace, NULL, NULL);
    int rc = capture__image_check_size(name, width, height);
    if (rc) {
        png_destroy_read_struct(&png, &info, NULL);
        return rc;
    }
    if (color == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    int has_alpha = (color & PNG_COLOR_MASK_ALPHA) != 0;
    if (png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_tRNS_to_alpha(png);
        has_alpha = 1;
    }
    if (depth == 16)
        png_set_scale_16(png); /* rounds v * 255 / 65535, where strip_16 would truncate */
    if (!(color & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t channels = has_alpha ? 4 : 3;
    size_t row_bytes = (size_t)width * channels;
    if (png_get_rowbytes(png, info) != row_bytes) /* a transform combination we did not plan */
        png_error(png, "unexpected row layout after conversion");

    rc = capture__image_prepare_frame(frame, (int)width, (int)height, name);
    if (rc) {
        png_destroy_read_struct(&png, &info, NULL);
        return rc;
    }
    /* RGB goes straight into the frame. RGBA needs a 4-byte-per-pixel buffer: one row when
     * rows arrive once, the whole image when interlacing revisits them in later passes. */
    int interlaced = passes > 1;
    if (has_alpha) {
        scratch = malloc(row_bytes * (interlaced ? height : 1));
        if (!scratch)
            png_error(png, "out of memory for the RGBA rows");
    }
    for (int pass = 0; pass < passes; pass++) {
        for (png_uint_32 y = 0; y < height; y++) {
            uint8_t *dst = frame->data + (ptrdiff_t)y * frame->stride;
            uint8_t *row = has_alpha ? scratch + (interlaced ? y * row_bytes : 0) : dst;
            png_read_row(png, row, NULL);
            if (has_alpha && !interlaced)
                composite_on_black(row, dst, (int)width);
        }
    }
    if (has_alpha && interlaced)
        for (png_uint_32 y = 0; y < height; y++)
            composite_on_black(scratch + y * row_bytes, frame->data + (ptrdiff_t)y * frame->stride,
                               (int)width);
    png_read_end(png, NULL); /* checks the CRCs up to IEND: a cut-off file is an error */
    png_destroy_read_struct(&png, &info, NULL);
    free(scratch);
    return 0;
}
