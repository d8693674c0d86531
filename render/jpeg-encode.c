/* jpeg-encode.c - the reusable in-memory JPEG encoder of image-write.h (libjpeg-turbo). */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <stdlib.h>

#include <jerror.h>
#include <jpeglib.h>

#include "err.h"
#include "image-write.h"

struct render_image_jpeg_encoder {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_destination_mgr dest;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    uint8_t *buf; /* grows to the largest frame seen, then stays */
    size_t cap, size;
};

static render_image_jpeg_encoder *encoder_of(j_compress_ptr cinfo)
{
    /* cinfo is the first member, so the encoder starts at the same address. */
    return (render_image_jpeg_encoder *)cinfo;
}

static void on_error(j_common_ptr cinfo)
{
    render_image_jpeg_encoder *enc = encoder_of((j_compress_ptr)cinfo);
    enc->err.format_message(cinfo, enc->message);
    longjmp(enc->jump, 1);
}

/* The compressor only warns about odd parameters; nothing to report, and no printing. */
static void on_message(j_common_ptr cinfo, int level) {}

static int grow(render_image_jpeg_encoder *enc, size_t want)
{
    if (want <= enc->cap)
        return 0;
    uint8_t *p = realloc(enc->buf, want);
    if (!p)
        return -1;
    enc->buf = p;
    enc->cap = want;
    return 0;
}

static void dest_init(j_compress_ptr cinfo)
{
    render_image_jpeg_encoder *enc = encoder_of(cinfo);
    enc->dest.next_output_byte = enc->buf;
    enc->dest.free_in_buffer = enc->cap;
}

/* Called when the whole buffer is full: double it and carry on after the old end. */
static boolean dest_empty(j_compress_ptr cinfo)
{
    render_image_jpeg_encoder *enc = encoder_of(cinfo);
    size_t used = enc->cap;
    if (grow(enc, enc->cap * 2))
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
    enc->dest.next_output_byte = enc->buf + used;
    enc->dest.free_in_buffer = enc->cap - used;
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo)
{
    render_image_jpeg_encoder *enc = encoder_of(cinfo);
    enc->size = enc->cap - enc->dest.free_in_buffer;
}

int render_image_jpeg_encoder_create(render_image_jpeg_encoder **out)
{
    *out = NULL;
    render_image_jpeg_encoder *enc = calloc(1, sizeof *enc);
    if (!enc)
        return mtcam_set_error(MTCNN_ENOMEM, "JPEG encoder: out of memory");
    enc->cinfo.err = jpeg_std_error(&enc->err);
    enc->err.error_exit = on_error;
    enc->err.emit_message = on_message;
    if (setjmp(enc->jump)) {
        int rc = mtcam_set_error(MTCNN_ENOMEM, "JPEG encoder: %s", enc->message);
        free(enc);
        return rc;
    }
    jpeg_create_compress(&enc->cinfo);
    enc->dest.init_destination = dest_init;
    enc->dest.empty_output_buffer = dest_empty;
    enc->dest.term_destination = dest_term;
    enc->cinfo.dest = &enc->dest;
    *out = enc;
    return 0;
}

void render_image_jpeg_encoder_destroy(render_image_jpeg_encoder *enc)
{
    if (!enc)
        return;
    jpeg_destroy_compress(&enc->cinfo);
    free(enc->buf);
    free(enc);
}

int render_image_jpeg_encode(render_image_jpeg_encoder *enc, const mtcam_frame *frame,
                             int quality, const uint8_t **data, size_t *size)
{
    if (!enc || !frame || !frame->data || frame->width <= 0 || frame->height <= 0 || !data ||
        !size)
        return mtcam_set_error(MTCNN_EINVAL, "JPEG encoder: no frame to encode");
    /* A new variable: the parameter would be modified between setjmp and longjmp. */
    const int q = quality < 1 ? 1 : quality > 100 ? 100 : quality;
    /* Start with room for a typical frame, so most streams never grow the buffer mid-frame. */
    size_t guess = (size_t)frame->width * (size_t)frame->height / 2 + 65536;
    if (grow(enc, guess))
        return mtcam_set_error(MTCNN_ENOMEM, "JPEG encoder: out of memory for %zu bytes", guess);
    struct jpeg_compress_struct *cinfo = &enc->cinfo;
    if (setjmp(enc->jump)) {
        jpeg_abort_compress(cinfo);
        int code = enc->err.msg_code == JERR_OUT_OF_MEMORY ? MTCNN_ENOMEM : MTCNN_EINVAL;
        return mtcam_set_error(code, "JPEG encoder: %s", enc->message);
    }
    cinfo->image_width = (JDIMENSION)frame->width;
    cinfo->image_height = (JDIMENSION)frame->height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, q, TRUE);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        /* libjpeg's API takes non-const rows but only reads them. */
        JSAMPROW row = frame->data + (ptrdiff_t)cinfo->next_scanline * frame->stride;
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    *data = enc->buf;
    *size = enc->size;
    return 0;
}
