/* y4m.c - YUV4MPEG2 video files: 8-bit 4:2:0 (all chroma sitings), 4:2:2, 4:4:4 and mono,
 * converted to RGB24 with BT.601 limited range (convert.c) and paced at the file's rate. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "align.h"
#include "convert.h"
#include "err.h"
#include "source.h"

typedef struct y4m_source {
    capture_source base;
    FILE *f;
    int width, height;
    int sx, sy, mono;      /* chroma subsampling shifts; mono = luma only */
    size_t y_bytes, c_bytes, frame_bytes;
    ptrdiff_t c_stride;
    uint8_t *buf;          /* one frame of planar data */
    off_t data_start;      /* first FRAME header */
    mtcam_frame frame;
    capture_playback play;
    uint64_t file_frame;   /* frame number within the file (for messages) */
    uint64_t good_this_pass;
    int ended;             /* the data ran out or went bad: next read loops or ends */
} y4m_source;

/* Reads one '\n'-terminated line of at most size-1 bytes. Returns its length, -1 at a clean
 * end of file (nothing read), -2 when too long or cut short. */
static int read_line(FILE *f, char *buf, size_t size)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            buf[n] = 0;
            return (int)n;
        }
        if (n + 1 >= size)
            return -2;
        buf[n++] = (char)c;
    }
    return n == 0 ? -1 : -2;
}

/* A header number: 0..INT_MAX, or -1 when it is not one or out of range (atoi and sscanf
 * have no defined result on overflow). *end, when asked, is where the digits stop. */
static int header_int(const char *p, const char **end)
{
    char *stop;
    errno = 0;
    long v = strtol(p, &stop, 10);
    if (end)
        *end = stop;
    if (stop == p || errno == ERANGE || v < 0 || v > INT_MAX)
        return -1;
    return (int)v;
}

static int parse_header(y4m_source *s, char *line, double *fps, char *cs_name, size_t cs_size)
{
    const char *path = s->base.spec;
    long fn = 0, fd = 0;
    snprintf(cs_name, cs_size, "420jpeg"); /* the format's default */
    char *save = NULL;
    strtok_r(line, " ", &save); /* "YUV4MPEG2" */
    for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        switch (tok[0]) {
        case 'W':
            s->width = header_int(tok + 1, NULL);
            break;
        case 'H':
            s->height = header_int(tok + 1, NULL);
            break;
        case 'F': {
            const char *rest;
            fn = header_int(tok + 1, &rest);
            fd = *rest == ':' ? header_int(rest + 1, NULL) : 0;
            break;
        }
        case 'C':
            snprintf(cs_name, cs_size, "%s", tok + 1);
            break;
        default: /* I (interlacing: read as progressive), A (aspect), X (comments) */
            break;
        }
    }
    if (s->width <= 0 || s->height <= 0 || s->width > 16384 || s->height > 16384)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: invalid or missing frame size W%d H%d", path,
                               s->width, s->height);
    *fps = (fn > 0 && fd > 0) ? (double)fn / (double)fd : 0;
    if (!capture__file_fps_ok(*fps)) /* absurd (F1:1000000000): as if absent, the default */
        *fps = 0;
    if (strncmp(cs_name, "420", 3) == 0 &&
        (!cs_name[3] || !strcmp(cs_name + 3, "jpeg") || !strcmp(cs_name + 3, "mpeg2") ||
         !strcmp(cs_name + 3, "paldv"))) {
        s->sx = s->sy = 1;
    } else if (!strcmp(cs_name, "422")) {
        s->sx = 1;
    } else if (!strcmp(cs_name, "444")) {
        s->sx = s->sy = 0;
    } else if (!strcmp(cs_name, "mono")) {
        s->mono = 1;
    } else {
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: Y4M colour space C%s not supported (8-bit 420, 420jpeg, "
                               "420mpeg2, 420paldv, 422, 444 and mono are)",
                               path, cs_name);
    }
    s->y_bytes = (size_t)s->width * (size_t)s->height;
    if (s->mono) {
        s->c_bytes = 0;
    } else {
        size_t cw = ((size_t)s->width + (1u << s->sx) - 1) >> s->sx;
        size_t ch = ((size_t)s->height + (1u << s->sy) - 1) >> s->sy;
        s->c_stride = (ptrdiff_t)cw;
        s->c_bytes = cw * ch;
    }
    s->frame_bytes = s->y_bytes + 2 * s->c_bytes;
    return 0;
}

/* Reads and converts the next frame of the file into s->frame. MTCNN_EEOF at the end (after
 * looping when asked). */
static int next_frame(capture_source *src)
{
    y4m_source *s = (y4m_source *)src;
    const char *path = s->base.spec;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (s->ended) {
            if (!s->base.opt.loop || s->good_this_pass == 0)
                return mtcam_set_error(MTCNN_EEOF, "%s: end of file", path);
            if (fseeko(s->f, s->data_start, SEEK_SET) != 0)
                return mtcam_set_error(MTCNN_EIO, "%s: cannot seek back to start: %s", path,
                                       strerror(errno));
            s->ended = 0;
            s->good_this_pass = 0;
            s->file_frame = 0;
        }
        char line[1024];
        int n = read_line(s->f, line, sizeof line);
        if (n == -1) { /* clean end of file */
            s->ended = 1;
            continue;
        }
        uint64_t k = s->file_frame++;
        if (n < 5 || memcmp(line, "FRAME", 5) != 0 || (line[5] && line[5] != ' ')) {
            s->ended = 1;
            return mtcam_set_error(MTCNN_EFORMAT, "%s: frame %llu: bad frame header", path,
                                   (unsigned long long)k);
        }
        size_t got = fread(s->buf, 1, s->frame_bytes, s->f);
        if (got != s->frame_bytes) {
            s->ended = 1;
            if (ferror(s->f))
                return mtcam_set_error(MTCNN_EIO, "%s: frame %llu: %s", path,
                                       (unsigned long long)k, strerror(errno));
            return mtcam_set_error(MTCNN_EFORMAT, "%s: frame %llu truncated (%zu of %zu bytes)",
                                   path, (unsigned long long)k, got, s->frame_bytes);
        }
        if (s->mono)
            capture_convert_gray(s->buf, s->width, s->width, s->height, s->frame.data,
                                 s->frame.stride);
        else
            capture_convert_yuv_planar(s->buf, s->width, s->buf + s->y_bytes,
                                       s->buf + s->y_bytes + s->c_bytes, s->c_stride, s->sx,
                                       s->sy, s->width, s->height, s->frame.data,
                                       s->frame.stride);
        s->good_this_pass++;
        return 0;
    }
    return mtcam_set_error(MTCNN_EEOF, "%s: end of file", path);
}

static int y4m_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    y4m_source *s = (y4m_source *)src;
    return capture__playback_read(src, &s->play, next_frame, &s->frame, timeout_ms, frame);
}

static void y4m_close(capture_source *src)
{
    y4m_source *s = (y4m_source *)src;
    if (s->f)
        fclose(s->f);
    mtcam_free_aligned(s->buf);
    mtcam_frame_free(&s->frame);
}

static const capture_source_ops y4m_ops = {"y4m", 0, y4m_read, y4m_close};

int capture__open_y4m(const char *spec, const capture_options *opt, capture_source **out)
{
    y4m_source *s = (y4m_source *)capture__source_new(sizeof *s, &y4m_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", spec);
    int rc;
    s->f = fopen(spec, "rb");
    if (!s->f) {
        rc = mtcam_set_error(mtcam_errno_code(errno), "%s: %s", spec, strerror(errno));
        goto fail;
    }
    char line[1024];
    int n = read_line(s->f, line, sizeof line);
    if (n < 10 || memcmp(line, "YUV4MPEG2 ", 10) != 0) {
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: not a Y4M file (bad or truncated header)",
                             spec);
        goto fail;
    }
    double fps = 0;
    char cs[64];
    rc = parse_header(s, line, &fps, cs, sizeof cs);
    if (rc)
        goto fail;
    s->data_start = ftello(s->f);
    s->buf = mtcam_alloc_aligned(s->frame_bytes);
    if (!s->buf) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for a %dx%d frame", spec, s->width,
                             s->height);
        goto fail;
    }
    rc = mtcam_frame_alloc(&s->frame, s->width, s->height);
    if (rc)
        goto fail;
    double rate = fps > 0 ? fps : 25;
    s->base.rate = rate;
    capture__pacer_init(&s->play.pacer, rate, opt->as_fast_as_possible);
    snprintf(s->base.description, sizeof s->base.description, "%s: Y4M %dx%d C%s %.4g fps%s%s%s",
             spec, s->width, s->height, cs, rate, fps > 0 ? "" : " (no rate in file)",
             opt->as_fast_as_possible ? ", as fast as possible" : "",
             opt->loop ? ", looping" : "");
    *out = &s->base;
    return 0;
fail:
    capture_close(&s->base);
    return rc;
}
