/* capture.c - the source table: picks a backend from the spec, and the parts every backend
 * shares (saved spec and options, warnings, pacing). */
#include "capture.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "image-file.h"
#include "source.h"

void capture_options_default(capture_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->loop = 1;
}

capture_source *capture__source_new(size_t size, const capture_source_ops *ops, const char *spec,
                                    const capture_options *opt)
{
    capture_source *src = calloc(1, size);
    if (!src)
        return NULL;
    src->spec = strdup(spec);
    if (!src->spec) {
        free(src);
        return NULL;
    }
    src->ops = ops;
    src->opt = *opt;
    return src;
}

void capture__warn(capture_source *src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(src->last_warning, sizeof src->last_warning, fmt, ap);
    va_end(ap);
    src->warnings++;
    if (src->opt.on_warning)
        src->opt.on_warning(src->opt.warning_user, src->last_warning);
}

int capture__device_path(const char *spec, char *buf, size_t size)
{
    if (strncmp(spec, "/dev/", 5) == 0) {
        snprintf(buf, size, "%s", spec);
        return 1;
    }
    if (!*spec || strlen(spec) > 4)
        return 0;
    for (const char *p = spec; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    snprintf(buf, size, "/dev/video%d", atoi(spec));
    return 1;
}

int capture__read_head(const char *path, unsigned char *head, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); /* a FIFO never blocks */
    if (fd < 0)
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", path, strerror(errno));
    ssize_t n;
    do
        n = read(fd, head, size);
    while (n < 0 && errno == EINTR);
    int saved = errno;
    close(fd);
    if (n < 0)
        return mtcam_set_error(MTCNN_EIO, "%s: %s", path, strerror(saved));
    return (int)n;
}

/* What kind of file `path` is, from its first bytes (never from its name). */
typedef enum { FILE_UNKNOWN, FILE_Y4M, FILE_AVI, FILE_IMAGE } file_kind;

static int sniff_file(const char *path, file_kind *kind)
{
    *kind = FILE_UNKNOWN;
    unsigned char head[16];
    int n = capture__read_head(path, head, sizeof head);
    if (n < 0)
        return n;
    if (n >= 10 && memcmp(head, "YUV4MPEG2 ", 10) == 0)
        *kind = FILE_Y4M;
    else if (n >= 12 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "AVI ", 4) == 0)
        *kind = FILE_AVI;
    else if (capture_image_sniff(head, (size_t)n) != CAPTURE_IMAGE_UNKNOWN)
        *kind = FILE_IMAGE;
    return 0;
}

static int check_options(const char *spec, const capture_options *opt)
{
    if (opt->width < 0 || opt->height < 0 || opt->width > 16384 || opt->height > 16384)
        return mtcam_set_error(MTCNN_EINVAL, "%s: invalid size %dx%d", spec, opt->width,
                               opt->height);
    if (!(opt->fps == 0 || capture__file_fps_ok(opt->fps)))
        return mtcam_set_error(MTCNN_EINVAL,
                               "%s: invalid frame rate %g (0 = the source's own, or %g..%g)",
                               spec, opt->fps, CAPTURE_MIN_FILE_FPS, CAPTURE_MAX_FILE_FPS);
    return 0;
}

int capture_open(const char *spec, const capture_options *opt, capture_source **out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "capture_open: NULL output");
    *out = NULL;
    if (!spec || !*spec)
        return mtcam_set_error(MTCNN_EINVAL, "capture: empty source name");
    capture_options defaults;
    if (!opt) {
        capture_options_default(&defaults);
        opt = &defaults;
    }
    int rc = check_options(spec, opt);
    if (rc)
        return rc;

    if (strcmp(spec, "demo") == 0)
        return capture__open_demo(spec, opt, out);
    char dev[256];
    if (capture__device_path(spec, dev, sizeof dev))
        return capture__open_v4l2(spec, opt, out);

    struct stat st;
    if (stat(spec, &st) != 0) {
        if (errno == ENOENT)
            return mtcam_set_error(MTCNN_ENOTFOUND,
                                   "%s: no such file, folder or device (a source is 'demo', "
                                   "/dev/videoN, a camera index, an image, a folder of images, "
                                   "a .y4m or an MJPEG .avi file)",
                                   spec);
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", spec, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return capture__open_folder(spec, opt, out);
    if (S_ISCHR(st.st_mode))
        return capture__open_v4l2(spec, opt, out);
    if (!S_ISREG(st.st_mode))
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: not a file, folder or video device",
                               spec);
    file_kind kind;
    rc = sniff_file(spec, &kind);
    if (rc)
        return rc;
    switch (kind) {
    case FILE_Y4M:
        return capture__open_y4m(spec, opt, out);
    case FILE_AVI:
        return capture__open_avi(spec, opt, out);
    case FILE_IMAGE:
        return capture__open_image(spec, opt, out);
    default:
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: not a JPEG, PNG or PPM image, a Y4M video or an AVI file",
                               spec);
    }
}

int capture_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    if (!src || !frame)
        return mtcam_set_error(MTCNN_EINVAL, "capture_read: NULL argument");
    *frame = NULL;
    return src->ops->read(src, frame, timeout_ms < 0 ? 0 : timeout_ms);
}

const char *capture_describe(const capture_source *src)
{
    return src ? src->description : "(no source)";
}

double capture_rate(const capture_source *src) { return src ? src->rate : 0; }

const char *capture_kind(const capture_source *src)
{
    return src ? src->ops->name : "";
}

const char *capture_spec(const capture_source *src)
{
    return src ? src->spec : "";
}

const capture_options *capture_get_options(const capture_source *src)
{
    return &src->opt;
}

int capture_warning_count(const capture_source *src, const char **last)
{
    if (last)
        *last = src ? src->last_warning : "";
    return src ? src->warnings : 0;
}

void capture_close(capture_source *src)
{
    if (!src)
        return;
    src->ops->close(src);
    free(src->spec);
    free(src);
}

/* ---- pacing ---------------------------------------------------------------------------- */

int capture__file_fps_ok(double fps)
{
    return fps >= CAPTURE_MIN_FILE_FPS && fps <= CAPTURE_MAX_FILE_FPS;
}

void capture__pacer_init(capture_pacer *p, double fps, int fast)
{
    memset(p, 0, sizeof *p);
    /* The period must fit an int64_t of nanoseconds: a rate near zero would overflow it. */
    if (!capture__file_fps_ok(fps))
        fps = 25;
    p->period_ns = (int64_t)(1e9 / fps + 0.5);
    p->fast = fast;
}

int capture__pacer_wait(capture_pacer *p, uint64_t index, int timeout_ms, int64_t *ts_ns)
{
    int64_t now = mtcam_now_ns();
    if (!p->started) {
        p->start_ns = now - (int64_t)index * p->period_ns;
        p->started = 1;
    }
    int64_t due = p->start_ns + (int64_t)index * p->period_ns;
    if (!p->fast) {
        if (now - due > 1000000000) { /* fell behind (paused, slow disk): restart the clock */
            p->start_ns += now - due;
            due = now;
        }
        if (due - now > (int64_t)timeout_ms * 1000000) {
            mtcam_sleep_ns((int64_t)timeout_ms * 1000000);
            return mtcam_set_error(MTCNN_ETIMEOUT, "no frame due within %d ms", timeout_ms);
        }
        mtcam_sleep_ns(due - mtcam_now_ns());
    }
    *ts_ns = due;
    return 0;
}

int capture__playback_read(capture_source *src, capture_playback *pb, capture_decode_fn decode,
                           mtcam_frame *frame, int timeout_ms, const mtcam_frame **out)
{
    if (!pb->pending) {
        pb->slot = pb->seq;
        int rc = decode(src);
        if (rc == MTCNN_EEOF && pb->seq == 0) {
            /* The end before any frame: nothing in the file could be used. An error, so a
             * caller does not take it for a short file that played normally. */
            if (src->warnings)
                return mtcam_set_error(MTCNN_ENOTFOUND, "%s: no usable frame (%s)", src->spec,
                                       src->last_warning);
            return mtcam_set_error(MTCNN_ENOTFOUND, "%s: no frame in the file", src->spec);
        }
        if (rc) {
            if (rc == MTCNN_EFORMAT)
                capture__warn(src, "%s", mtcam_last_error());
            return rc;
        }
        pb->pending = 1;
    }
    int64_t ts = 0; /* set by the wait whenever it returns 0 */
    int rc = capture__pacer_wait(&pb->pacer, pb->slot, timeout_ms, &ts);
    if (rc)
        return rc;
    pb->pending = 0;
    frame->timestamp_ns = ts;
    frame->seq = pb->seq++;
    *out = frame;
    return 0;
}
