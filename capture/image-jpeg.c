/* image-jpeg.c - JPEG -> RGB24 with libjpeg(-turbo), errors and corrupt-data warnings caught
 * with setjmp so bad data comes back as an error code instead of exit() or a grey picture.
 * Two warnings lose no picture data and are recovered, as ImageMagick and ffmpeg do: a missing
 * end marker (the data ends after the last scan is complete) and extraneous bytes before a
 * marker. The decode then succeeds and capture_image_warning() says what was stepped over. */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "err.h"
#include "image-decoders.h"
#include "image-file.h"

typedef struct jpeg_fail {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int saw_eof;       /* the data ran out (JWRN_JPEG_EOF): complete only if nothing was missing */
    int recovered;     /* warnings stepped over in this decode */
    char first[JMSG_LENGTH_MAX]; /* the first of them */
} jpeg_fail;

/* What the last successful decode of this thread stepped over ("" when it was clean). */
static _Thread_local char last_warning[512];

const char *capture_image_warning(void) { return last_warning; }

void capture__image_set_warning(const char *msg)
{
    snprintf(last_warning, sizeof last_warning, "%s", msg ? msg : "");
}

struct capture_image_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    jpeg_fail fail;
    uint8_t *cmyk_row; /* scratch for CMYK/YCCK images, which libjpeg cannot turn into RGB */
    size_t cmyk_cap;
};

static void on_error(j_common_ptr cinfo)
{
    jpeg_fail *fail = (jpeg_fail *)cinfo->err;
    fail->pub.format_message(cinfo, fail->message);
    longjmp(fail->jump, 1);
}

/* Level < 0 is a warning: libjpeg carries on past corrupt data (filling grey or skipping
 * bytes), which would hand the detector a damaged picture without anyone knowing. Treat it as
 * an error, except the two that lose nothing: the end of the data, which libjpeg-turbo's
 * memory source reports when it has to make up the end marker (if data was missing as well,
 * JWRN_HIT_MARKER follows and fails the decode; a progressive file is checked for missing
 * scans at the end), and bytes skipped between segments. Levels >= 0 are trace messages:
 * ignore them (library code never prints). */
static void on_message(j_common_ptr cinfo, int level)
{
    if (level >= 0)
        return;
    jpeg_fail *fail = (jpeg_fail *)cinfo->err;
    int code = fail->pub.msg_code;
    if (code == JWRN_JPEG_EOF)
        fail->saw_eof = 1;
    if (code != JWRN_JPEG_EOF && code != JWRN_EXTRANEOUS_DATA)
        on_error(cinfo);
    if (fail->recovered++ == 0)
        fail->pub.format_message(cinfo, fail->first);
}

/* A progressive file that ended early may have lost its last scans without any data segment
 * being cut: complete means every coefficient of every component was refined down to bit 0. */
static int progressive_complete(j_decompress_ptr cinfo)
{
    if (!cinfo->progressive_mode)
        return 1;
    if (!cinfo->coef_bits)
        return 0;
    for (int c = 0; c < cinfo->num_components; c++)
        for (int k = 0; k < DCTSIZE2; k++)
            if (cinfo->coef_bits[c][k] != 0)
                return 0;
    return 1;
}

int capture_image_jpeg_decoder_create(capture_image_jpeg_decoder **out)
{
    *out = NULL;
    capture_image_jpeg_decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return mtcam_set_error(MTCNN_ENOMEM, "JPEG decoder: out of memory");
    dec->cinfo.err = jpeg_std_error(&dec->fail.pub);
    dec->fail.pub.error_exit = on_error;
    dec->fail.pub.emit_message = on_message;
    if (setjmp(dec->fail.jump)) {
        /* Only an allocation failure can land here. */
        int rc = mtcam_set_error(MTCNN_ENOMEM, "JPEG decoder: %s", dec->fail.message);
        free(dec);
        return rc;
    }
    jpeg_create_decompress(&dec->cinfo);
    *out = dec;
    return 0;
}

void capture_image_jpeg_decoder_destroy(capture_image_jpeg_decoder *dec)
{
    if (!dec)
        return;
    jpeg_destroy_decompress(&dec->cinfo);
    free(dec->cmyk_row);
    free(dec);
}

/* Adobe writes CMYK inverted (0 = full ink), which is what libjpeg hands back when the file
 * has an Adobe marker; then R = C * K / 255. Without the marker the values are plain ink. */
static void cmyk_to_rgb(const uint8_t *src, uint8_t *dst, int width, int inverted)
{
    for (int x = 0; x < width; x++, src += 4, dst += 3) {
        unsigned c = src[0], m = src[1], y = src[2], k = src[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        dst[0] = (uint8_t)((c * k + 127) / 255);
        dst[1] = (uint8_t)((m * k + 127) / 255);
        dst[2] = (uint8_t)((y * k + 127) / 255);
    }
}

static int fail_code(const jpeg_fail *fail)
{
    return fail->pub.msg_code == JERR_OUT_OF_MEMORY ? MTCNN_ENOMEM : MTCNN_EFORMAT;
}

int capture_image_jpeg_decode(capture_image_jpeg_decoder *dec, const void *data, size_t size,
                              const char *name, mtcam_frame *frame)
{
    if (!dec || !frame || (!data && size))
        return mtcam_set_error(MTCNN_EINVAL, "%s: invalid argument", name ? name : "JPEG");
    if (size == 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: empty JPEG data", name);
    if (size > (size_t)CAPTURE_IMAGE_MAX_FILE_BYTES)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: JPEG data too large (%zu bytes)", name, size);

    struct jpeg_decompress_struct *cinfo = &dec->cinfo;
    last_warning[0] = '\0';
    dec->fail.saw_eof = 0;
    dec->fail.recovered = 0;
    dec->fail.first[0] = '\0';
    /* The error path below reads nothing that changes after setjmp, so no volatiles. */
    if (setjmp(dec->fail.jump)) {
        jpeg_abort_decompress(cinfo); /* back to a reusable state for the next frame */
        if (dec->fail.saw_eof && dec->fail.pub.msg_code != JERR_OUT_OF_MEMORY)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated JPEG data", name);
        return mtcam_set_error(fail_code(&dec->fail), "%s: bad JPEG data: %s", name,
                               dec->fail.message);
    }
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    if (jpeg_read_header(cinfo, TRUE) != JPEG_HEADER_OK) {
        jpeg_abort_decompress(cinfo);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: JPEG tables without an image", name);
    }
    int rc = capture__image_check_size(name, cinfo->image_width, cinfo->image_height);
    if (rc) {
        jpeg_abort_decompress(cinfo);
        return rc;
    }
    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(cinfo); /* a progressive file is read whole here */
    if (dec->fail.saw_eof && !progressive_complete(cinfo)) {
        jpeg_abort_decompress(cinfo);
        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated JPEG data (progressive scans missing)",
                               name);
    }
    int width = (int)cinfo->output_width, height = (int)cinfo->output_height;
    rc = capture__image_prepare_frame(frame, width, height, name);
    if (rc) {
        jpeg_abort_decompress(cinfo);
        return rc;
    }
    if (cmyk && dec->cmyk_cap < (size_t)width * 4) {
        free(dec->cmyk_row);
        dec->cmyk_cap = 0;
        dec->cmyk_row = malloc((size_t)width * 4);
        if (!dec->cmyk_row) {
            jpeg_abort_decompress(cinfo);
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", name);
        }
        dec->cmyk_cap = (size_t)width * 4;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *dst = frame->data + (ptrdiff_t)cinfo->output_scanline * frame->stride;
        JSAMPROW row = cmyk ? dec->cmyk_row : dst;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
            break; /* cannot happen with a memory source; the loop guard stays honest */
        if (cmyk)
            cmyk_to_rgb(dec->cmyk_row, dst, width, cinfo->saw_Adobe_marker);
    }
    jpeg_finish_decompress(cinfo);
    if (dec->fail.recovered) {
        char more[48] = "";
        if (dec->fail.recovered > 1)
            snprintf(more, sizeof more, " (and %d more)", dec->fail.recovered - 1);
        if (dec->fail.saw_eof && dec->fail.recovered == 1)
            snprintf(last_warning, sizeof last_warning,
                     "%s: the JPEG end marker is missing; decoded (no picture data is lost)",
                     name);
        else
            snprintf(last_warning, sizeof last_warning, "%s: decoded despite: %s%s", name,
                     dec->fail.first, more);
    }
    return 0;
}

int capture_image_decode_jpeg(const void *data, size_t size, const char *name,
                              mtcam_frame *frame)
{
    capture_image_jpeg_decoder *dec;
    int rc = capture_image_jpeg_decoder_create(&dec);
    if (rc)
        return rc;
    rc = capture_image_jpeg_decode(dec, data, size, name, frame);
    capture_image_jpeg_decoder_destroy(dec);
    return rc;
}
