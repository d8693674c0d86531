#include "capture-test-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "mtcnn.h"

int tu_mkdtemp(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/mtcam-capture-test-XXXXXX");
    return mkdtemp(buf) ? 0 : -1;
}

void tu_rmtree(const char *dir)
{
    if (strncmp(dir, "/tmp/mtcam-capture-test-", 24) != 0)
        return; /* only ever remove what tu_mkdtemp made */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int tu_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, size, f);
    return (fclose(f) == 0 && w == size) ? 0 : -1;
}

uint8_t tu_y4m_luma(int x, int y, int k) { return (uint8_t)(16 + (x + 2 * y + 13 * k) % 220); }
uint8_t tu_y4m_cb(int cx, int cy, int k) { return (uint8_t)(100 + (3 * cx + cy + k) % 60); }
uint8_t tu_y4m_cr(int cx, int cy, int k) { return (uint8_t)(150 - (cx + 2 * cy + 5 * k) % 70); }

int tu_write_y4m(const char *path, int w, int h, const char *cs, int fps_num, int fps_den,
                 int n, long last_bytes)
{
    int sx = 0, sy = 0, mono = !strcmp(cs, "mono");
    if (!strncmp(cs, "420", 3))
        sx = sy = 1;
    else if (!strcmp(cs, "422"))
        sx = 1;
    int cw = (w + (1 << sx) - 1) >> sx, ch = (h + (1 << sy) - 1) >> sy;
    size_t frame = (size_t)w * h + (mono ? 0 : 2 * (size_t)cw * ch);
    uint8_t *buf = malloc(frame);
    FILE *f = fopen(path, "wb");
    if (!buf || !f) {
        free(buf);
        if (f)
            fclose(f);
        return -1;
    }
    fprintf(f, "YUV4MPEG2 W%d H%d F%d:%d Ip A1:1 C%s XYSCSS=TEST\n", w, h, fps_num, fps_den, cs);
    for (int k = 0; k < n; k++) {
        uint8_t *p = buf;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                *p++ = tu_y4m_luma(x, y, k);
        if (!mono) {
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++)
                    *p++ = tu_y4m_cb(x, y, k);
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++)
                    *p++ = tu_y4m_cr(x, y, k);
        }
        size_t len = (k == n - 1 && last_bytes >= 0) ? (size_t)last_bytes : frame;
        fputs(k == 1 ? "FRAME Ixyz\n" : "FRAME\n", f); /* frame parameters are allowed */
        fwrite(buf, 1, len, f);
    }
    free(buf);
    return fclose(f) == 0 ? 0 : -1;
}

/* ---- a tiny RIFF writer (just enough layouts to exercise the reader) ---- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}
static void put32(bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}
static void set32(bytes *b, size_t at, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    memcpy(b->p + at, x, 4);
}
static void put_fcc(bytes *b, const char *f) { put(b, f, 4); }
/* Starts a chunk (or LIST when `list` is set); returns where its size goes. */
static size_t begin(bytes *b, const char *id, const char *list)
{
    put_fcc(b, id);
    size_t at = b->n;
    put32(b, 0);
    if (list)
        put_fcc(b, list);
    return at;
}
static void end(bytes *b, size_t at, int zero)
{
    set32(b, at, zero ? 0 : (uint32_t)(b->n - at - 4));
    if (b->n & 1) {
        uint8_t z = 0;
        put(b, &z, 1);
    }
}

int tu_write_avi(const char *path, const uint8_t *const *jpegs, const size_t *sizes, int n,
                 int w, int h, int fps, int layout)
{
    bytes b = {0};
    int zero = (layout & TU_AVI_ZERO_SIZES) != 0;
    size_t riff = begin(&b, "RIFF", "AVI ");
    size_t hdrl = begin(&b, "LIST", "hdrl");
    size_t avih = begin(&b, "avih", NULL);
    put32(&b, (uint32_t)(1000000 / fps));
    for (int i = 0; i < 3; i++)
        put32(&b, 0);
    put32(&b, (uint32_t)n);
    put32(&b, 0);
    put32(&b, 1);
    put32(&b, 0);
    put32(&b, (uint32_t)w);
    put32(&b, (uint32_t)h);
    for (int i = 0; i < 4; i++)
        put32(&b, 0);
    end(&b, avih, 0);
    size_t strl = begin(&b, "LIST", "strl");
    size_t strh = begin(&b, "strh", NULL);
    put_fcc(&b, "vids");
    put_fcc(&b, "MJPG");
    put32(&b, 0);
    put32(&b, 0);
    put32(&b, 0);
    put32(&b, 1);   /* scale */
    put32(&b, (uint32_t)fps); /* rate */
    put32(&b, 0);
    put32(&b, (uint32_t)n);
    put32(&b, 0);
    put32(&b, 0xffffffffu);
    put32(&b, 0);
    put32(&b, 0);
    put32(&b, 0);
    end(&b, strh, 0);
    size_t strf = begin(&b, "strf", NULL);
    put32(&b, 40);
    put32(&b, (uint32_t)w);
    put32(&b, (uint32_t)h);
    put32(&b, 1 | (24u << 16));
    put_fcc(&b, "MJPG");
    for (int i = 0; i < 5; i++)
        put32(&b, 0);
    end(&b, strf, 0);
    end(&b, strl, 0);
    end(&b, hdrl, 0);
    size_t movi = begin(&b, "LIST", "movi");
    size_t movi_fcc = movi + 4;
    size_t *offs = calloc((size_t)n + 1, sizeof *offs);
    uint32_t *lens = calloc((size_t)n + 1, sizeof *lens);
    int idx_n = 0;
    int first_riff_frames = (layout & TU_AVI_AVIX) ? 1 : n;
    for (int k = 0; k < first_riff_frames; k++) {
        for (int rep = 0; rep < ((layout & TU_AVI_EMPTY_FRAME) && k == 0 ? 2 : 1); rep++) {
            size_t rec = (layout & TU_AVI_REC) ? begin(&b, "LIST", "rec ") : 0;
            offs[idx_n] = b.n;
            size_t c = begin(&b, "00dc", NULL);
            if (rep == 0)
                put(&b, jpegs[k], sizes[k]);
            lens[idx_n++] = rep == 0 ? (uint32_t)sizes[k] : 0;
            end(&b, c, 0);
            if (layout & TU_AVI_REC)
                end(&b, rec, 0);
        }
    }
    end(&b, movi, zero);
    if (layout & (TU_AVI_IDX1 | TU_AVI_IDX1_ABS)) {
        size_t idx = begin(&b, "idx1", NULL);
        for (int i = 0; i < idx_n; i++) {
            put_fcc(&b, "00dc");
            put32(&b, 0x10);
            put32(&b, (uint32_t)((layout & TU_AVI_IDX1_ABS) ? offs[i] : offs[i] - movi_fcc));
            put32(&b, lens[i]);
        }
        end(&b, idx, 0);
    }
    end(&b, riff, zero);
    if (layout & TU_AVI_AVIX) {
        size_t r2 = begin(&b, "RIFF", "AVIX");
        size_t m2 = begin(&b, "LIST", "movi");
        size_t ix = begin(&b, "ix00", NULL); /* a standard index chunk: must be skipped */
        put32(&b, 0);
        end(&b, ix, 0);
        for (int k = 1; k < n; k++) {
            size_t c = begin(&b, "00dc", NULL);
            put(&b, jpegs[k], sizes[k]);
            end(&b, c, 0);
        }
        end(&b, m2, 0);
        end(&b, r2, 0);
    }
    int rc = tu_write_file(path, b.p, b.n);
    free(b.p);
    free(offs);
    free(lens);
    return rc;
}

int tu_validate_source(capture_source *src, int w, int h, int n, int64_t period_ns,
                       int expect_eof, int *count)
{
    int i = 0;
    int64_t prev_ts = 0;
    CHECK(src != NULL);
    CHECK_MSG(capture_describe(src)[0] != 0, "empty description");
    for (; n < 0 || i < n; i++) {
        const mtcam_frame *f = NULL;
        int rc = capture_read(src, &f, 5000);
        if (rc == MTCNN_EEOF && n < 0)
            break;
        CHECK_MSG(rc == 0, "frame %d: %s (%s)", i, mtcnn_strerror(rc), mtcam_last_error());
        CHECK(f != NULL && f->data != NULL);
        if (w)
            CHECK_INT_EQ(f->width, w);
        if (h)
            CHECK_INT_EQ(f->height, h);
        CHECK(f->width > 0 && f->height > 0);
        CHECK_MSG(f->stride >= 3 * (ptrdiff_t)f->width, "stride %td < 3 * %d", f->stride,
                  f->width);
        CHECK_INT_EQ(f->seq, i);
        if (i > 0 && period_ns)
            CHECK_INT_EQ(f->timestamp_ns - prev_ts, period_ns);
        else if (i > 0)
            CHECK_MSG(f->timestamp_ns > prev_ts, "timestamp went from %lld to %lld",
                      (long long)prev_ts, (long long)f->timestamp_ns);
        prev_ts = f->timestamp_ns;
        /* touch every pixel byte so ASan sees a frame smaller than it claims */
        volatile uint8_t sink = 0;
        for (int y = 0; y < f->height; y += f->height - 1 > 0 ? f->height - 1 : 1)
            for (int x = 0; x < 3 * f->width; x++)
                sink ^= f->data[y * f->stride + x];
        (void)sink;
    }
    if (expect_eof) {
        const mtcam_frame *f = (const mtcam_frame *)1;
        CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EEOF);
        CHECK(f == NULL);
        CHECK_INT_EQ(capture_read(src, &f, 100), MTCNN_EEOF);
    }
    if (count)
        *count = i;
    return 0;
}
