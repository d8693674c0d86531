/* avi-read.c - MJPEG AVI files (as the recorder writes them, and as ffmpeg and cameras do):
 * RIFF 'AVI ' with an 'MJPG' video stream. Frames are found through the idx1 index when it is
 * present and sane, otherwise by walking the movi list; OpenDML files continue in 'AVIX' RIFF
 * chunks whose movi lists are walked too. A file cut short (a recorder killed mid-write) plays
 * up to its last whole frame. Frames are decoded by image-file.c and paced at the file's rate. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "image-file.h"
#include "source.h"

#define AVI_MAX_FRAME_BYTES (64u << 20)
#define AVI_MAX_FRAMES (1u << 26)

typedef struct avi_frame_ref {
    int64_t offset; /* file offset of the JPEG bytes */
    uint32_t size;  /* 0 = "repeat the previous frame" (a dropped frame) */
} avi_frame_ref;

typedef struct avi_source {
    capture_source base;
    int fd;
    int64_t file_size;
    char stream_id[2];       /* "00" for stream 0: chunks "00dc" / "00db" */
    int width, height;       /* from the headers */
    avi_frame_ref *frames;
    size_t n_frames, cap_frames;
    uint8_t *buf;
    size_t buf_size;
    capture_image_jpeg_decoder *dec;
    mtcam_frame frame;
    int have_frame;          /* frame holds a decoded picture (for repeats) */
    capture_playback play;
    size_t next;             /* next frame index in the file */
    uint64_t tick;           /* frames of the timeline passed (pacing), across loops */
    uint64_t good_this_pass;
    int jpeg_warned;         /* a frame recovered with a JPEG warning was reported (once) */
} avi_source;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads exactly `n` bytes at `off`; 0, or an error naming the file. */
static int read_at(avi_source *s, void *dst, size_t n, int64_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(s->fd, (char *)dst + done, n - done, (off_t)(off + (int64_t)done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return mtcam_set_error(MTCNN_EIO, "%s: %s", s->base.spec, strerror(errno));
        if (r == 0)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated at byte %lld", s->base.spec,
                                   (long long)(off + (int64_t)done));
        done += (size_t)r;
    }
    return 0;
}

static int add_frame(avi_source *s, int64_t offset, uint32_t size)
{
    if (s->n_frames == s->cap_frames) {
        if (s->n_frames >= AVI_MAX_FRAMES)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: more than %u frames", s->base.spec,
                                   AVI_MAX_FRAMES);
        size_t cap = s->cap_frames ? s->cap_frames * 2 : 256;
        avi_frame_ref *p = realloc(s->frames, cap * sizeof *p);
        if (!p)
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the frame index",
                                   s->base.spec);
        s->frames = p;
        s->cap_frames = cap;
    }
    s->frames[s->n_frames].offset = offset;
    s->frames[s->n_frames].size = size;
    s->n_frames++;
    return 0;
}

static int is_video_chunk(const avi_source *s, const uint8_t *id)
{
    return id[0] == (uint8_t)s->stream_id[0] && id[1] == (uint8_t)s->stream_id[1] &&
           (id[2] == 'd' || id[2] == 'D') && (id[3] == 'c' || id[3] == 'b');
}

/* Adds the video chunks of the list body [start, end) (a movi list or a 'rec ' list in it).
 * A chunk reaching past the end of the file is the last, cut-off frame: dropped, warned. */
static int walk_movi(avi_source *s, int64_t start, int64_t end, int depth)
{
    int64_t pos = start;
    while (pos + 8 <= end) {
        uint8_t h[12];
        int rc = read_at(s, h, 8, pos);
        if (rc)
            return rc;
        uint32_t size = rd32(h + 4);
        int64_t body = pos + 8;
        if (body + size > s->file_size) {
            capture__warn(&s->base, "%s: last chunk at byte %lld cut short (%u bytes announced)",
                          s->base.spec, (long long)pos, size);
            break;
        }
        if (memcmp(h, "LIST", 4) == 0 && size >= 4 && depth < 2) {
            rc = read_at(s, h + 8, 4, body);
            if (rc)
                return rc;
            if (memcmp(h + 8, "rec ", 4) == 0) {
                rc = walk_movi(s, body + 4, body + size, depth + 1);
                if (rc)
                    return rc;
            }
        } else if (is_video_chunk(s, h)) {
            rc = add_frame(s, body, size);
            if (rc)
                return rc;
        } else if (!(h[0] >= 32 && h[0] < 127 && h[1] >= 32 && h[1] < 127 && h[2] >= 32 &&
                     h[2] < 127 && h[3] >= 32 && h[3] < 127)) {
            /* Not a chunk id at all: the list is damaged (or a recorder's unfinished tail). */
            capture__warn(&s->base, "%s: garbage at byte %lld in the movi list, stopped there",
                          s->base.spec, (long long)pos);
            break;
        }
        pos = body + size + (size & 1);
    }
    return 0;
}

/* Uses the idx1 index at [start, start+size) for the movi list whose 'movi' fourcc is at
 * movi_fourcc. Returns 1 when the index was usable, 0 when it was not (then the caller walks
 * the list), negative on I/O errors. */
static int read_idx1(avi_source *s, int64_t start, uint32_t size, int64_t movi_fourcc)
{
    if (size < 16 || size / 16 > AVI_MAX_FRAMES)
        return 0;
    uint8_t *idx = malloc(size);
    if (!idx)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for idx1", s->base.spec);
    int rc = read_at(s, idx, size, start);
    if (rc) {
        free(idx);
        return rc == MTCNN_EFORMAT ? 0 : rc;
    }
    /* Offsets are relative to the 'movi' fourcc in most files, absolute in a few: decide on
     * the first video entry by looking at what is there. */
    int64_t base = -1;
    size_t n = size / 16;
    for (size_t i = 0; i < n && base < 0; i++) {
        const uint8_t *e = idx + 16 * i;
        if (!is_video_chunk(s, e))
            continue;
        int64_t off = rd32(e + 8);
        uint8_t id[4];
        if (read_at(s, id, 4, movi_fourcc + off) == 0 && memcmp(id, e, 4) == 0)
            base = movi_fourcc;
        else if (read_at(s, id, 4, off) == 0 && memcmp(id, e, 4) == 0)
            base = 0;
        else
            break;
    }
    if (base < 0) {
        free(idx);
        return 0;
    }
    size_t first = s->n_frames;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *e = idx + 16 * i;
        if (!is_video_chunk(s, e))
            continue;
        int64_t body = base + rd32(e + 8) + 8;
        uint32_t len = rd32(e + 12);
        if (body + len > s->file_size) { /* index points past the end: do not trust it */
            s->n_frames = first;
            free(idx);
            return 0;
        }
        rc = add_frame(s, body, len);
        if (rc) {
            free(idx);
            return rc;
        }
    }
    free(idx);
    return 1;
}

/* Reads the stream headers in hdrl: picks the first video stream, its size and rate. */
static int parse_hdrl(avi_source *s, int64_t start, int64_t end, double *fps)
{
    double avih_fps = 0;
    int stream = 0, found = 0;
    int64_t pos = start;
    while (pos + 8 <= end) {
        uint8_t h[12];
        int rc = read_at(s, h, 8, pos);
        if (rc)
            return rc;
        uint32_t size = rd32(h + 4);
        int64_t body = pos + 8;
        if (body + size > end)
            break;
        if (memcmp(h, "avih", 4) == 0 && size >= 40) {
            uint8_t a[40];
            if ((rc = read_at(s, a, sizeof a, body)))
                return rc;
            if (rd32(a) > 0)
                avih_fps = 1e6 / rd32(a);
            s->width = (int)rd32(a + 32);
            s->height = (int)rd32(a + 36);
        } else if (memcmp(h, "LIST", 4) == 0 && size >= 4) {
            if ((rc = read_at(s, h + 8, 4, body)))
                return rc;
            if (memcmp(h + 8, "strl", 4) == 0 && !found) {
                /* strl: strh (type, handler, scale, rate) then strf (BITMAPINFOHEADER). */
                int64_t p = body + 4;
                uint8_t strh[36] = {0}, strf[20] = {0};
                int have_strh = 0, have_strf = 0;
                while (p + 8 <= body + size) {
                    uint8_t c[8];
                    if ((rc = read_at(s, c, 8, p)))
                        return rc;
                    uint32_t cs = rd32(c + 4);
                    if (memcmp(c, "strh", 4) == 0 && cs >= sizeof strh) {
                        if ((rc = read_at(s, strh, sizeof strh, p + 8)))
                            return rc;
                        have_strh = 1;
                    } else if (memcmp(c, "strf", 4) == 0 && cs >= sizeof strf) {
                        if ((rc = read_at(s, strf, sizeof strf, p + 8)))
                            return rc;
                        have_strf = 1;
                    }
                    /* In 64 bits: 8 + cs in 32 wrapped to 0 for cs = 0xFFFFFFF8, and the
                     * loop never moved on (fuzz-avi found the hang). */
                    p += 8 + (int64_t)cs + (cs & 1);
                }
                if (have_strh && memcmp(strh, "vids", 4) == 0) {
                    const uint8_t *comp = have_strf ? strf + 16 : strh + 4;
                    const uint8_t *handler = strh + 4;
                    if (memcmp(comp, "MJPG", 4) && memcmp(comp, "mjpg", 4) &&
                        memcmp(handler, "MJPG", 4) && memcmp(handler, "mjpg", 4))
                        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                               "%s: video stream is '%.4s', only MJPEG ('MJPG') "
                                               "AVI files can be read",
                                               s->base.spec, (const char *)comp);
                    uint32_t scale = rd32(strh + 20), rate = rd32(strh + 24);
                    if (scale > 0 && rate > 0)
                        *fps = (double)rate / scale;
                    if (have_strf) {
                        int w = (int)rd32(strf + 4), hh = (int)rd32(strf + 8);
                        if (w > 0)
                            s->width = w;
                        /* Negative = top-down rows; INT32_MIN has no positive twin. */
                        if (hh != 0 && hh != INT32_MIN)
                            s->height = hh < 0 ? -hh : hh;
                    }
                    s->stream_id[0] = (char)('0' + stream / 10);
                    s->stream_id[1] = (char)('0' + stream % 10);
                    found = 1;
                }
                stream++;
            }
        }
        pos = body + size + (size & 1);
    }
    if (!found)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: no video stream in the AVI headers",
                               s->base.spec);
    if (!capture__file_fps_ok(*fps))
        *fps = capture__file_fps_ok(avih_fps) ? avih_fps : 0;
    return 0;
}

/* Walks the RIFF chunks: 'AVI ' (hdrl, movi, idx1) and any 'AVIX' that follow. */
static int build_index(avi_source *s, double *fps)
{
    int64_t pos = 0;
    int first = 1, saw_hdrl = 0;
    while (pos + 12 <= s->file_size) {
        uint8_t h[12];
        int rc = read_at(s, h, 12, pos);
        if (rc)
            return rc;
        if (memcmp(h, "RIFF", 4) != 0 ||
            memcmp(h + 8, first ? "AVI " : "AVIX", 4) != 0) {
            if (first)
                return mtcam_set_error(MTCNN_EFORMAT, "%s: not a RIFF AVI file", s->base.spec);
            break; /* trailing bytes after the last RIFF: ignore */
        }
        int64_t riff_end = pos + 8 + (int64_t)rd32(h + 4);
        /* A recorder killed before fixing the sizes leaves 0 or a stale size: trust the file. */
        if (riff_end > s->file_size || riff_end <= pos + 12)
            riff_end = s->file_size;
        int64_t movi_start = -1, movi_end = -1, idx_start = -1;
        uint32_t idx_size = 0;
        int64_t p = pos + 12;
        while (p + 8 <= riff_end) {
            if ((rc = read_at(s, h, 8, p)))
                return rc;
            uint32_t size = rd32(h + 4);
            int64_t body = p + 8;
            int64_t body_end = body + size;
            if (memcmp(h, "LIST", 4) == 0) {
                if ((rc = read_at(s, h + 8, 4, body)))
                    return rc;
                if (memcmp(h + 8, "movi", 4) == 0) {
                    movi_start = body; /* the 'movi' fourcc: idx1 offsets count from here */
                    if (body_end > riff_end || size < 4)
                        body_end = riff_end;
                    movi_end = body_end;
                } else if (memcmp(h + 8, "hdrl", 4) == 0 && first) {
                    if (body_end > riff_end)
                        return mtcam_set_error(MTCNN_EFORMAT, "%s: truncated AVI header",
                                               s->base.spec);
                    if ((rc = parse_hdrl(s, body + 4, body_end, fps)))
                        return rc;
                    saw_hdrl = 1;
                }
            } else if (memcmp(h, "idx1", 4) == 0 && body_end <= riff_end) {
                idx_start = body;
                idx_size = size;
            }
            if (body_end > riff_end)
                break;
            p = body_end + (size & 1);
        }
        if (first && !saw_hdrl)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: no AVI header list (hdrl)", s->base.spec);
        if (movi_start >= 0) {
            int used = 0;
            if (idx_start >= 0 && first) {
                used = read_idx1(s, idx_start, idx_size, movi_start);
                if (used < 0)
                    return used;
            }
            if (!used && (rc = walk_movi(s, movi_start + 4, movi_end, 0)))
                return rc;
        }
        first = 0;
        pos = riff_end + (riff_end & 1);
    }
    if (s->n_frames == 0)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: no video frames in the AVI file",
                               s->base.spec);
    return 0;
}

/* Decodes the next frame of the file into s->frame; MTCNN_EFORMAT for a corrupt frame (it is
 * skipped: the next call goes on with the one after), MTCNN_EEOF at the end. */
static int next_frame(capture_source *src)
{
    avi_source *s = (avi_source *)src;
    const char *path = s->base.spec;
    if (s->next >= s->n_frames) {
        if (!s->base.opt.loop || s->good_this_pass == 0)
            return mtcam_set_error(MTCNN_EEOF, "%s: end of file", path);
        s->next = 0;
        s->good_this_pass = 0;
    }
    size_t k = s->next++;
    s->play.slot = s->tick++; /* a skipped frame keeps its time */
    const avi_frame_ref *r = &s->frames[k];
    if (r->size == 0) {
        if (!s->have_frame)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: frame %zu: empty frame with nothing to "
                                   "repeat", path, k);
        s->good_this_pass++;
        return 0; /* a dropped frame: show the previous picture again */
    }
    if (r->size > AVI_MAX_FRAME_BYTES)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: frame %zu: %u bytes is too large", path, k,
                               r->size);
    if (r->size > s->buf_size) {
        uint8_t *p = realloc(s->buf, r->size);
        if (!p)
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
        s->buf = p;
        s->buf_size = r->size;
    }
    int rc = read_at(s, s->buf, r->size, r->offset);
    if (rc)
        return rc;
    char name[300];
    snprintf(name, sizeof name, "%s frame %zu", path, k);
    rc = capture_image_jpeg_decode(s->dec, s->buf, r->size, name, &s->frame);
    if (rc)
        return rc == MTCNN_ENOMEM ? rc : MTCNN_EFORMAT;
    if (*capture_image_warning() && !s->jpeg_warned) {
        s->jpeg_warned = 1; /* an encoder that does it does it to every frame: say it once */
        capture__warn(&s->base, "%s (said once for the file)", capture_image_warning());
    }
    s->have_frame = 1;
    s->good_this_pass++;
    return 0;
}

static int avi_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    avi_source *s = (avi_source *)src;
    return capture__playback_read(src, &s->play, next_frame, &s->frame, timeout_ms, frame);
}

static void avi_close(capture_source *src)
{
    avi_source *s = (avi_source *)src;
    if (s->fd >= 0)
        close(s->fd);
    free(s->frames);
    free(s->buf);
    capture_image_jpeg_decoder_destroy(s->dec);
    mtcam_frame_free(&s->frame);
}

static const capture_source_ops avi_ops = {"avi", 0, avi_read, avi_close};

int capture__open_avi(const char *spec, const capture_options *opt, capture_source **out)
{
    avi_source *s = (avi_source *)capture__source_new(sizeof *s, &avi_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", spec);
    s->fd = open(spec, O_RDONLY | O_CLOEXEC);
    int rc;
    if (s->fd < 0) {
        rc = mtcam_set_error(mtcam_errno_code(errno), "%s: %s", spec, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(s->fd, &st) != 0) {
        rc = mtcam_set_error(MTCNN_EIO, "%s: %s", spec, strerror(errno));
        goto fail;
    }
    s->file_size = st.st_size;
    double fps = 0;
    if ((rc = build_index(s, &fps)))
        goto fail;
    if ((rc = capture_image_jpeg_decoder_create(&s->dec)))
        goto fail;
    double rate = fps > 0 ? fps : 25;
    s->base.rate = rate;
    capture__pacer_init(&s->play.pacer, rate, opt->as_fast_as_possible);
    snprintf(s->base.description, sizeof s->base.description,
             "%s: MJPEG AVI %dx%d %.4g fps%s, %zu frames%s%s", spec, s->width, s->height, rate,
             fps > 0 ? "" : " (no rate in file)", s->n_frames,
             opt->as_fast_as_possible ? ", as fast as possible" : "",
             opt->loop ? ", looping" : "");
    *out = &s->base;
    return 0;
fail:
    capture_close(&s->base);
    return rc;
}
