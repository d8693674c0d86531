/* avi-write.c - MJPEG AVI writer. Layout of every part (offsets are fixed, which lets us
 * patch the sizes in place):
 *
 *   0   RIFF <size> 'AVI '
 *   12  LIST <size> 'hdrl'
 *   24    avih (56 bytes: main header)
 *   88    LIST <size> 'strl'
 *   100     strh (56 bytes: stream header, 'vids' 'MJPG')
 *   164     strf (40 bytes: BITMAPINFOHEADER)
 *   212 LIST <size> 'movi'
 *   224   00dc <size> <jpeg> [pad] ...
 *       idx1 <size> { '00dc', AVIIF_KEYFRAME, offset from 'movi', size } ...
 */
#include "avi-write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

enum {
    OFF_RIFF_SIZE = 4,
    OFF_AVIH = 32,
    OFF_AVIH_USEC = OFF_AVIH + 0,
    OFF_AVIH_FLAGS = OFF_AVIH + 12,
    OFF_AVIH_TOTAL_FRAMES = OFF_AVIH + 16,
    OFF_AVIH_BUFFER = OFF_AVIH + 28,
    OFF_STRH = 108,
    OFF_STRH_SCALE = OFF_STRH + 20,
    OFF_STRH_RATE = OFF_STRH + 24,
    OFF_STRH_LENGTH = OFF_STRH + 32,
    OFF_STRH_BUFFER = OFF_STRH + 36,
    OFF_MOVI_SIZE = 216,
    OFF_MOVI_FOURCC = 220,
    HEADER_BYTES = 224,
    AVIF_HASINDEX = 0x10,
    AVIIF_KEYFRAME = 0x10,
    /* Refresh the header sizes this often so a killed process leaves a readable file. */
    REFRESH_EVERY_FRAMES = 16,
};

typedef struct index_entry {
    uint32_t offset; /* from the 'movi' fourcc */
    uint32_t size;
} index_entry;

struct avi_writer {
    avi_writer_options opt;
    char *path;
    int fd;
    int part;           /* 1-based number of the open part */
    int64_t part_bytes; /* end of the last whole frame in the open part */
    index_entry *index;
    size_t n_index, cap_index;
    uint32_t max_chunk;
    uint32_t rate, scale;
    int64_t frames_total, bytes_done; /* bytes of finished parts */
    int error;                        /* first error, sticky */
    char error_msg[PATH_MAX + 128];
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put4cc(uint8_t *p, const char *s) { memcpy(p, s, 4); }

/* Writes everything or returns -errno (a write may stop short when the disk fills): at the
 * file position when off < 0, else at `off` (pwrite, leaving the position alone). */
static int write_at(int fd, const void *buf, size_t n, off_t off)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = off < 0 ? write(fd, p, n) : pwrite(fd, p, n, off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (k == 0)
            return -EIO;
        p += k;
        n -= (size_t)k;
        if (off >= 0)
            off += k;
    }
    return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
    return write_at(fd, buf, n, -1);
}

static int pwrite32(int fd, off_t off, uint32_t v)
{
    uint8_t b[4];
    put32(b, v);
    return write_at(fd, b, 4, off);
}

void avi_writer_part_name(const char *path, int part, char *buf, size_t size)
{
    if (part <= 1) {
        snprintf(buf, size, "%s", path);
        return;
    }
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        dot = path + strlen(path);
    snprintf(buf, size, "%.*s-part%d%s", (int)(dot - path), path, part, dot);
}

static void fill_header(const avi_writer *w, uint8_t *h)
{
    const avi_writer_options *o = &w->opt;
    memset(h, 0, HEADER_BYTES);
    put4cc(h + 0, "RIFF");
    put32(h + 4, HEADER_BYTES - 8 + 4 /* empty movi list, no index */);
    put4cc(h + 8, "AVI ");
    put4cc(h + 12, "LIST");
    put32(h + 16, 192);
    put4cc(h + 20, "hdrl");
    put4cc(h + 24, "avih");
    put32(h + 28, 56);
    uint8_t *a = h + OFF_AVIH;
    put32(a + 0, (uint32_t)lround(1e6 * w->scale / w->rate)); /* microseconds per frame */
    put32(a + 4, 0);                                           /* max bytes per second */
    put32(a + 8, 0);                                           /* padding granularity */
    put32(a + 12, 0);                                          /* flags: index added at close */
    put32(a + 16, 0);                                          /* total frames */
    put32(a + 20, 0);                                          /* initial frames */
    put32(a + 24, 1);                                          /* streams */
    put32(a + 28, 0);                                          /* suggested buffer size */
    put32(a + 32, (uint32_t)o->width);
    put32(a + 36, (uint32_t)o->height);
    put4cc(h + 88, "LIST");
    put32(h + 92, 116);
    put4cc(h + 96, "strl");
    put4cc(h + 100, "strh");
    put32(h + 104, 56);
    uint8_t *s = h + OFF_STRH;
    put4cc(s + 0, "vids");
    put4cc(s + 4, "MJPG");
    put32(s + 20, w->scale);
    put32(s + 24, w->rate);
    put32(s + 40, 0xFFFFFFFFu); /* quality: default */
    put16(s + 52, (uint16_t)o->width);
    put16(s + 54, (uint16_t)o->height);
    put4cc(h + 164, "strf");
    put32(h + 168, 40);
    uint8_t *b = h + 172;
    put32(b + 0, 40);
    put32(b + 4, (uint32_t)o->width);
    put32(b + 8, (uint32_t)o->height);
    put16(b + 12, 1);  /* planes */
    put16(b + 14, 24); /* bits per pixel once decoded */
    put4cc(b + 16, "MJPG");
    put32(b + 20, (uint32_t)((uint32_t)o->width * (uint32_t)o->height * 3u));
    put4cc(h + 212, "LIST");
    put32(h + 216, 4);
    put4cc(h + 220, "movi");
}

/* Rewrites the sizes and counts that grow with every frame, and the rate (which may have been
 * measured since the header was written). `end` is the file size. */
static int patch_header(avi_writer *w, int64_t movi_end, int64_t end, int has_index)
{
    int rc = 0;
    uint32_t n = (uint32_t)w->n_index;
    if (!rc)
        rc = pwrite32(w->fd, OFF_AVIH_USEC, (uint32_t)lround(1e6 * w->scale / w->rate));
    if (!rc)
        rc = pwrite32(w->fd, OFF_STRH_SCALE, w->scale);
    if (!rc)
        rc = pwrite32(w->fd, OFF_STRH_RATE, w->rate);
    if (!rc)
        rc = pwrite32(w->fd, OFF_RIFF_SIZE, (uint32_t)(end - 8));
    if (!rc)
        rc = pwrite32(w->fd, OFF_MOVI_SIZE, (uint32_t)(movi_end - OFF_MOVI_FOURCC));
    if (!rc)
        rc = pwrite32(w->fd, OFF_AVIH_FLAGS, has_index ? AVIF_HASINDEX : 0);
    if (!rc)
        rc = pwrite32(w->fd, OFF_AVIH_TOTAL_FRAMES, n);
    if (!rc)
        rc = pwrite32(w->fd, OFF_AVIH_BUFFER, w->max_chunk);
    if (!rc)
        rc = pwrite32(w->fd, OFF_STRH_LENGTH, n);
    if (!rc)
        rc = pwrite32(w->fd, OFF_STRH_BUFFER, w->max_chunk);
    return rc;
}

static int record_error(avi_writer *w, int code, const char *fmt_path, int err)
{
    if (!w->error) {
        w->error = code;
        snprintf(w->error_msg, sizeof w->error_msg, "%s: %s", fmt_path, strerror(err));
    }
    return mtcam_set_error(w->error, "%s", w->error_msg);
}

static int errno_error(avi_writer *w, int neg_errno)
{
    char name[PATH_MAX];
    avi_writer_part_name(w->path, w->part, name, sizeof name);
    return record_error(w, mtcam_errno_code(-neg_errno), name, -neg_errno);
}

/* Ends the open part: drops any half-written frame, appends the index (or, when even that does
 * not fit, leaves the file without one: readers then scan the movi list) and fixes the sizes.
 * Closes the descriptor. Returns 0 or -errno of the first failure. */
static int finish_part(avi_writer *w)
{
    if (w->fd < 0)
        return 0;
    int rc = 0;
    int64_t movi_end = w->part_bytes;
    if (ftruncate(w->fd, (off_t)movi_end) < 0)
        rc = -errno;
    int has_index = 0;
    if (!rc && lseek(w->fd, (off_t)movi_end, SEEK_SET) < 0)
        rc = -errno;
    if (!rc) {
        size_t n = w->n_index;
        size_t bytes = 8 + 16 * n;
        uint8_t *buf = malloc(bytes);
        if (!buf) {
            rc = -ENOMEM;
        } else {
            put4cc(buf, "idx1");
            put32(buf + 4, (uint32_t)(16 * n));
            for (size_t i = 0; i < n; i++) {
                uint8_t *e = buf + 8 + 16 * i;
                put4cc(e, "00dc");
                put32(e + 4, AVIIF_KEYFRAME);
                put32(e + 8, w->index[i].offset);
                put32(e + 12, w->index[i].size);
            }
            int wrc = write_all(w->fd, buf, bytes);
            free(buf);
            if (wrc == 0) {
                has_index = 1;
            } else {
                /* Full disk: keep the frames, give up the index. */
                rc = wrc;
                if (ftruncate(w->fd, (off_t)movi_end) < 0 && !rc)
                    rc = -errno;
            }
        }
    }
    int64_t end = has_index ? movi_end + 8 + 16 * (int64_t)w->n_index : movi_end;
    int prc = patch_header(w, movi_end, end, has_index);
    if (!rc)
        rc = prc;
    if (close(w->fd) < 0 && !rc)
        rc = -errno;
    w->fd = -1;
    w->bytes_done += end;
    return rc;
}

static int open_part(avi_writer *w, int part)
{
    char name[PATH_MAX];
    avi_writer_part_name(w->path, part, name, sizeof name);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (w->opt.exclusive ? O_EXCL : O_TRUNC);
    int fd;
    do {
        fd = open(name, flags, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int err = errno;
        if (err == EEXIST)
            return mtcam_set_error(MTCNN_EBUSY, "%s: exists, not overwriting", name);
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s", name, strerror(err));
    }
    w->fd = fd;
    w->part = part;
    w->n_index = 0;
    w->max_chunk = 0;
    uint8_t h[HEADER_BYTES];
    fill_header(w, h);
    int rc = write_all(fd, h, sizeof h);
    if (rc < 0) {
        int err = -rc;
        close(fd);
        w->fd = -1;
        unlink(name); /* a header alone is no recording */
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s", name, strerror(err));
    }
    w->part_bytes = HEADER_BYTES;
    return 0;
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The rate as a fraction rate/scale in thousandths, reduced (25 fps -> 25/1). */
static void set_rate(avi_writer *w, double fps)
{
    uint32_t rate = (uint32_t)lround(fps * 1000.0), scale = 1000;
    if (rate == 0)
        rate = 1;
    uint32_t g = gcd32(rate, scale);
    w->rate = rate / g;
    w->scale = scale / g;
}

int avi_writer_set_fps(avi_writer *w, double fps)
{
    if (!w || !(fps > 0 && fps < 10000))
        return mtcam_set_error(MTCNN_EINVAL, "%s: bad AVI frame rate %g",
                               w ? w->path : "(null)", fps);
    set_rate(w, fps);
    return 0;
}

int avi_writer_open(const char *path, const avi_writer_options *opt, avi_writer **out)
{
    *out = NULL;
    if (!path || !opt || opt->width <= 0 || opt->height <= 0 || opt->width > 65535 ||
        opt->height > 65535 || !(opt->fps > 0 && opt->fps < 10000))
        return mtcam_set_error(MTCNN_EINVAL, "%s: bad AVI size or frame rate",
                               path ? path : "(null)");
    avi_writer *w = calloc(1, sizeof *w);
    if (!w)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
    w->opt = *opt;
    if (w->opt.max_part_bytes <= 0 || w->opt.max_part_bytes > AVI_WRITER_DEFAULT_PART_BYTES)
        w->opt.max_part_bytes = AVI_WRITER_DEFAULT_PART_BYTES;
    w->fd = -1;
    set_rate(w, opt->fps);
    w->path = strdup(path);
    if (!w->path) {
        free(w);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
    }
    int rc = open_part(w, 1);
    if (rc < 0) {
        free(w->path);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int avi_writer_add_jpeg(avi_writer *w, const void *jpeg, size_t size)
{
    if (!w)
        return mtcam_set_error(MTCNN_EINVAL, "avi_writer_add_jpeg: no writer");
    if (w->error)
        return mtcam_set_error(w->error, "%s", w->error_msg);
    if (!jpeg || size == 0 || size > (1u << 30))
        return mtcam_set_error(MTCNN_EINVAL, "%s: empty or oversized frame", w->path);
    size_t padded = size + (size & 1);
    /* Would this frame and the index push the part past the limit? Then start a new part. */
    int64_t need = w->part_bytes + 8 + (int64_t)padded + 8 + 16 * ((int64_t)w->n_index + 1);
    if (need > w->opt.max_part_bytes && w->n_index > 0) {
        int rc = finish_part(w);
        if (rc < 0)
            return errno_error(w, rc);
        rc = open_part(w, w->part + 1);
        if (rc < 0) {
            /* The previous parts are complete; the error is the recording's end. */
            w->error = rc;
            snprintf(w->error_msg, sizeof w->error_msg, "%s", mtcam_last_error());
            return rc;
        }
    }
    if (w->n_index == w->cap_index) {
        size_t cap = w->cap_index ? 2 * w->cap_index : 256;
        index_entry *p = realloc(w->index, cap * sizeof *p);
        if (!p)
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the index", w->path);
        w->index = p;
        w->cap_index = cap;
    }
    uint8_t head[8];
    put4cc(head, "00dc");
    put32(head + 4, (uint32_t)size);
    static const uint8_t zero = 0;
    int rc = write_all(w->fd, head, 8);
    if (!rc)
        rc = write_all(w->fd, jpeg, size);
    if (!rc && padded != size)
        rc = write_all(w->fd, &zero, 1);
    if (rc < 0) {
        int err = rc;
        errno_error(w, err);
        finish_part(w); /* best effort: the frames before this one stay playable */
        return mtcam_set_error(w->error, "%s", w->error_msg);
    }
    w->index[w->n_index].offset = (uint32_t)(w->part_bytes - OFF_MOVI_FOURCC);
    w->index[w->n_index].size = (uint32_t)size;
    w->n_index++;
    w->frames_total++;
    if (size > w->max_chunk)
        w->max_chunk = (uint32_t)size;
    w->part_bytes += 8 + (int64_t)padded;
    if (w->n_index % REFRESH_EVERY_FRAMES == 1) {
        rc = patch_header(w, w->part_bytes, w->part_bytes, 0);
        if (rc < 0) {
            errno_error(w, rc);
            finish_part(w);
            return mtcam_set_error(w->error, "%s", w->error_msg);
        }
    }
    return 0;
}

int avi_writer_close(avi_writer *w)
{
    if (!w)
        return 0;
    int rc = finish_part(w);
    if (rc < 0)
        errno_error(w, rc);
    int result = w->error;
    if (result)
        mtcam_set_error(result, "%s", w->error_msg);
    free(w->index);
    free(w->path);
    free(w);
    return result;
}

int64_t avi_writer_frames(const avi_writer *w) { return w ? w->frames_total : 0; }

int64_t avi_writer_bytes(const avi_writer *w)
{
    if (!w)
        return 0;
    return w->bytes_done + (w->fd >= 0 ? w->part_bytes : 0);
}

int avi_writer_parts(const avi_writer *w) { return w ? w->part : 0; }
