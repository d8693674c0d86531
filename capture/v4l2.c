/* v4l2.c - V4L2 cameras through libv4l2, which converts what the camera sends (YUYV, MJPEG,
 * Bayer...) to RGB24 for us. Brought up in stages (open, query, format, rate, buffers, stream)
 * and torn down as a mirror; each slot starts at a sentinel (fd -1, MAP_FAILED) so closing a
 * half-opened device is safe. Failures name the device and the reason; a camera that goes
 * away gives MTCNN_ENODEV so the capture thread can reopen it. */
#define _DEFAULT_SOURCE /* MAP_FAILED users, O_CLOEXEC, scandir/alphasort */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "convert.h"
#include "err.h"
#include "image-file.h"
#include "source.h"

#define V4L2_BUFFERS 4
#define V4L2_DEFAULT_WIDTH 640
#define V4L2_DEFAULT_HEIGHT 480
#define V4L2_DEFAULT_FPS 30

typedef struct v4l2_slot {
    void *start;
    size_t length;
} v4l2_slot;

typedef struct v4l2_source {
    capture_source base;
    char path[256];
    char card[64];
    int fd;
    v4l2_slot slots[V4L2_BUFFERS * 2];
    unsigned n_slots;
    int streaming;
    int held;                 /* index of the buffer behind the last frame, or -1 */
    uint32_t pixfmt;
    int width, height;
    uint32_t bytesperline, sizeimage;
    double fps;               /* granted rate (0 when the driver does not say) */
    mtcam_frame frame;        /* what capture_read hands out */
    mtcam_frame converted;    /* own pixels when the format is not RGB24 */
    capture_image_jpeg_decoder *dec;
    uint64_t seq;
    int jpeg_warned;          /* a frame recovered with a JPEG warning was reported (once) */
} v4l2_source;

/* ---- ioctl with EINTR retry ------------------------------------------------------------ */

int capture__ioctl_retry(capture_ioctl_fn fn, int fd, unsigned long request, void *arg)
{
    int r;
    do
        r = fn(fd, request, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static int libv4l2_ioctl(int fd, unsigned long request, void *arg)
{
    return v4l2_ioctl(fd, request, arg);
}

static int xioctl(int fd, unsigned long request, void *arg)
{
    return capture__ioctl_retry(libv4l2_ioctl, fd, request, arg);
}

static void fourcc_str(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = (c >= 32 && c < 127) ? c : '?';
    }
    out[4] = 0;
}

static const char *format_name(uint32_t f, char buf[5])
{
    switch (f) {
    case V4L2_PIX_FMT_RGB24:
        return "RGB24";
    case V4L2_PIX_FMT_BGR24:
        return "BGR24";
    case V4L2_PIX_FMT_YUYV:
        return "YUYV";
    case V4L2_PIX_FMT_MJPEG:
        return "MJPEG";
    default:
        fourcc_str(f, buf);
        return buf;
    }
}

/* The message for a failed system call on the device, with errno mapped to a code. */
static int device_error(const char *path, const char *what, int err)
{
    switch (err) {
    case ENOENT:
        return mtcam_set_error(MTCNN_ENOTFOUND,
                               "%s: no such device (ENOENT); mtcam --list-devices shows the "
                               "cameras",
                               path);
    case EACCES:
    case EPERM:
        return mtcam_set_error(MTCNN_EIO,
                               "%s: permission denied (is the user in the 'video' group?)",
                               path);
    case EBUSY:
        return mtcam_set_error(MTCNN_EBUSY,
                               "%s: device busy (another program is using the camera)", path);
    case ENODEV:
    case ENXIO:
    case EIO:
        return mtcam_set_error(MTCNN_ENODEV, "%s: %s: device unplugged or failed (%s)", path,
                               what, err == EIO ? "EIO" : err == ENXIO ? "ENXIO" : "ENODEV");
    default:
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s: %s", path, what, strerror(err));
    }
}

/* ---- bring-up ---------------------------------------------------------------------------- */

/* Opens a V4L2 node and hands it to libv4l2. The device is asked VIDIOC_QUERYCAP directly
 * first, so a node that is not V4L2 gets a clear error (and libv4l2 prints nothing). */
static int open_device(const char *path, int lib_flags, int *fd_out)
{
    *fd_out = -1;
    int fd;
    do
        fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return device_error(path, "open", errno);
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    int r;
    do
        r = ioctl(fd, VIDIOC_QUERYCAP, &cap);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        int err = errno;
        close(fd);
        if (err == ENOTTY || err == EINVAL)
            return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: not a V4L2 device", path);
        return device_error(path, "VIDIOC_QUERYCAP", err);
    }
    if (v4l2_fd_open(fd, lib_flags) < 0) {
        int err = errno;
        close(fd);
        return device_error(path, "libv4l2", err);
    }
    *fd_out = fd;
    return 0;
}

static int query_caps(v4l2_source *s)
{
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(s->fd, VIDIOC_QUERYCAP, &cap) != 0)
        return errno == ENOTTY
                   ? mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: not a V4L2 device", s->path)
                   : device_error(s->path, "VIDIOC_QUERYCAP", errno);
    snprintf(s->card, sizeof s->card, "%.*s", (int)sizeof cap.card, (const char *)cap.card);
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
                                                               : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: '%s' is not a video capture device (an output or metadata "
                               "node?)",
                               s->path, s->card);
    if (!(caps & V4L2_CAP_STREAMING))
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' cannot stream (no mmap support)",
                               s->path, s->card);
    return 0;
}

/* Asks for RGB24 at the wanted size (libv4l2 converts when the camera cannot) and reads back
 * what the driver granted: it may pick the nearest size, or another format. */
static int set_format(v4l2_source *s, int width, int height)
{
    struct v4l2_format fmt;
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = (uint32_t)width;
    fmt.fmt.pix.height = (uint32_t)height;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
    fmt.fmt.pix.field = V4L2_FIELD_ANY;
    if (xioctl(s->fd, VIDIOC_S_FMT, &fmt) != 0)
        return device_error(s->path, "VIDIOC_S_FMT", errno);
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_G_FMT, &fmt) != 0)
        return device_error(s->path, "VIDIOC_G_FMT", errno);
    s->pixfmt = fmt.fmt.pix.pixelformat;
    s->width = (int)fmt.fmt.pix.width;
    s->height = (int)fmt.fmt.pix.height;
    s->bytesperline = fmt.fmt.pix.bytesperline;
    s->sizeimage = fmt.fmt.pix.sizeimage;
    char fb[5];
    if (s->pixfmt != V4L2_PIX_FMT_RGB24 && s->pixfmt != V4L2_PIX_FMT_BGR24 &&
        s->pixfmt != V4L2_PIX_FMT_YUYV && s->pixfmt != V4L2_PIX_FMT_MJPEG)
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: driver gave pixel format %s, which neither libv4l2 nor mtcam "
                               "converts",
                               s->path, format_name(s->pixfmt, fb));
    if (s->width <= 0 || s->height <= 0 || s->width > 16384 || s->height > 16384)
        return mtcam_set_error(MTCNN_EIO, "%s: driver gave an invalid size %dx%d", s->path,
                               s->width, s->height);
    uint32_t bpp = s->pixfmt == V4L2_PIX_FMT_YUYV ? 2 : 3;
    if (s->pixfmt != V4L2_PIX_FMT_MJPEG && s->bytesperline < bpp * (uint32_t)s->width)
        s->bytesperline = bpp * (uint32_t)s->width; /* some drivers leave it 0 */
    return 0;
}

/* Sets the frame interval nearest 1/fps with VIDIOC_S_PARM and reads back what was granted.
 * A driver without rate control is not an error: the rate is then whatever it sends. */
static void set_rate(v4l2_source *s, double fps)
{
    struct v4l2_streamparm parm;
    memset(&parm, 0, sizeof parm);
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_G_PARM, &parm) != 0)
        return;
    if (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME) {
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator = (uint32_t)(fps * 1000 + 0.5);
        (void)xioctl(s->fd, VIDIOC_S_PARM, &parm);
        memset(&parm, 0, sizeof parm);
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(s->fd, VIDIOC_G_PARM, &parm) != 0)
            return;
    }
    const struct v4l2_fract *t = &parm.parm.capture.timeperframe;
    if (t->numerator > 0 && t->denominator > 0)
        s->fps = (double)t->denominator / t->numerator;
}

static int start_streaming(v4l2_source *s)
{
    struct v4l2_requestbuffers req;
    memset(&req, 0, sizeof req);
    req.count = V4L2_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_REQBUFS, &req) != 0)
        return device_error(s->path, "VIDIOC_REQBUFS", errno);
    if (req.count < 2)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: driver granted %u buffers, 2 are needed",
                               s->path, req.count);
    if (req.count > V4L2_BUFFERS * 2)
        req.count = V4L2_BUFFERS * 2;
    for (unsigned i = 0; i < req.count; i++) {
        struct v4l2_buffer buf;
        memset(&buf, 0, sizeof buf);
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        buf.index = i;
        if (xioctl(s->fd, VIDIOC_QUERYBUF, &buf) != 0)
            return device_error(s->path, "VIDIOC_QUERYBUF", errno);
        void *p = v4l2_mmap(NULL, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
                            buf.m.offset);
        if (p == MAP_FAILED)
            return device_error(s->path, "mmap", errno);
        s->slots[i].start = p;
        s->slots[i].length = buf.length;
        s->n_slots = i + 1;
    }
    for (unsigned i = 0; i < s->n_slots; i++) {
        struct v4l2_buffer buf;
        memset(&buf, 0, sizeof buf);
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        buf.index = i;
        if (xioctl(s->fd, VIDIOC_QBUF, &buf) != 0)
            return device_error(s->path, "VIDIOC_QBUF", errno);
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_STREAMON, &type) != 0)
        return device_error(s->path, "VIDIOC_STREAMON", errno);
    s->streaming = 1;
    return 0;
}

static void close_source(capture_source *src)
{
    v4l2_source *s = (v4l2_source *)src;
    if (s->fd >= 0 && s->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        (void)xioctl(s->fd, VIDIOC_STREAMOFF, &type);
    }
    for (unsigned i = 0; i < s->n_slots; i++)
        if (s->slots[i].start != MAP_FAILED && s->slots[i].start)
            v4l2_munmap(s->slots[i].start, s->slots[i].length);
    if (s->fd >= 0) {
        if (s->n_slots) {
            struct v4l2_requestbuffers req;
            memset(&req, 0, sizeof req);
            req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            req.memory = V4L2_MEMORY_MMAP;
            (void)xioctl(s->fd, VIDIOC_REQBUFS, &req);
        }
        v4l2_close(s->fd);
    }
    capture_image_jpeg_decoder_destroy(s->dec);
    mtcam_frame_free(&s->converted);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Gives the buffer behind the previous frame back to the driver. */
static int requeue_held(v4l2_source *s)
{
    if (s->held < 0)
        return 0;
    struct v4l2_buffer buf;
    memset(&buf, 0, sizeof buf);
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    buf.index = (uint32_t)s->held;
    s->held = -1;
    if (xioctl(s->fd, VIDIOC_QBUF, &buf) != 0)
        return device_error(s->path, "VIDIOC_QBUF", errno);
    return 0;
}

/* Turns the dequeued buffer into s->frame: RGB24 is used in place (no copy); other formats are
 * converted into s->converted. */
static int to_frame(v4l2_source *s, const struct v4l2_buffer *buf)
{
    const uint8_t *data = s->slots[buf->index].start;
    size_t used = buf->bytesused ? buf->bytesused : s->slots[buf->index].length;
    if (s->pixfmt == V4L2_PIX_FMT_RGB24) {
        if (used < (size_t)s->bytesperline * (size_t)(s->height - 1) + 3u * (size_t)s->width)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: short frame (%zu bytes)", s->path, used);
        s->frame.data = (uint8_t *)data;
        s->frame.width = s->width;
        s->frame.height = s->height;
        s->frame.stride = s->bytesperline;
        return 0;
    }
    int rc;
    if (s->pixfmt == V4L2_PIX_FMT_MJPEG) {
        if (!s->dec && (rc = capture_image_jpeg_decoder_create(&s->dec)))
            return rc;
        char name[300];
        snprintf(name, sizeof name, "%s frame %llu", s->path, (unsigned long long)s->seq);
        rc = capture_image_jpeg_decode(s->dec, data, used, name, &s->converted);
        if (rc)
            return rc == MTCNN_ENOMEM ? rc : MTCNN_EFORMAT;
        if (*capture_image_warning() && !s->jpeg_warned) {
            s->jpeg_warned = 1; /* a camera that does it does it to every frame: say it once */
            capture__warn(&s->base, "%s (said once for the camera)", capture_image_warning());
        }
    } else {
        uint32_t bpp = s->pixfmt == V4L2_PIX_FMT_YUYV ? 2 : 3;
        if (used < (size_t)s->bytesperline * (size_t)(s->height - 1) + bpp * (size_t)s->width)
            return mtcam_set_error(MTCNN_EFORMAT, "%s: short frame (%zu bytes)", s->path, used);
        if (!s->converted.data && (rc = mtcam_frame_alloc(&s->converted, s->width, s->height)))
            return rc;
        if (s->pixfmt == V4L2_PIX_FMT_YUYV)
            capture_convert_yuyv(data, s->bytesperline, s->width, s->height, s->converted.data,
                                 s->converted.stride);
        else
            capture_convert_bgr(data, s->bytesperline, s->width, s->height, s->converted.data,
                                s->converted.stride);
    }
    s->frame.data = s->converted.data;
    s->frame.width = s->converted.width;
    s->frame.height = s->converted.height;
    s->frame.stride = s->converted.stride;
    return 0;
}

static int read_frame(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    v4l2_source *s = (v4l2_source *)src;
    int rc = requeue_held(s);
    if (rc)
        return rc;
    int64_t deadline = mtcam_now_ns() + (int64_t)timeout_ms * 1000000;
    struct v4l2_buffer buf;
    for (;;) {
        int64_t left_ms = (deadline - mtcam_now_ns()) / 1000000;
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        int r = poll(&p, 1, left_ms > 0 ? (int)left_ms : 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return device_error(s->path, "poll", errno);
        if (r == 0)
            return mtcam_set_error(MTCNN_ETIMEOUT, "%s: no frame for %d ms", s->path,
                                   timeout_ms);
        memset(&buf, 0, sizeof buf);
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        if (xioctl(s->fd, VIDIOC_DQBUF, &buf) == 0)
            break;
        if (errno != EAGAIN)
            return device_error(s->path, "VIDIOC_DQBUF", errno);
        /* EAGAIN: woken without a frame (or libv4l2 dropped a frame it could not convert) */
        if (mtcam_now_ns() >= deadline)
            return mtcam_set_error(MTCNN_ETIMEOUT, "%s: no frame for %d ms", s->path,
                                   timeout_ms);
    }
    if (buf.index >= s->n_slots)
        return mtcam_set_error(MTCNN_EIO, "%s: driver returned buffer %u of %u", s->path,
                               buf.index, s->n_slots);
    s->held = (int)buf.index;
    if (buf.flags & V4L2_BUF_FLAG_ERROR)
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: corrupt frame (driver flagged an error)",
                             s->path);
    else
        rc = to_frame(s, &buf);
    if (rc) {
        if (rc == MTCNN_EFORMAT)
            capture__warn(src, "%s", mtcam_last_error());
        return rc; /* the buffer goes back at the next read */
    }
    if ((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
        (buf.timestamp.tv_sec || buf.timestamp.tv_usec))
        s->frame.timestamp_ns =
            (int64_t)buf.timestamp.tv_sec * 1000000000 + (int64_t)buf.timestamp.tv_usec * 1000;
    else
        s->frame.timestamp_ns = mtcam_now_ns();
    s->frame.seq = s->seq++;
    *frame = &s->frame;
    return 0;
}

static const capture_source_ops v4l2_ops = {"v4l2", 1, read_frame, close_source};

int capture__open_v4l2(const char *spec, const capture_options *opt, capture_source **out)
{
    v4l2_source *s = (v4l2_source *)capture__source_new(sizeof *s, &v4l2_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", spec);
    s->fd = -1;
    s->held = -1;
    for (unsigned i = 0; i < sizeof s->slots / sizeof s->slots[0]; i++)
        s->slots[i].start = MAP_FAILED;
    if (!capture__device_path(spec, s->path, sizeof s->path))
        snprintf(s->path, sizeof s->path, "%s", spec);
    int rc = open_device(s->path, 0, &s->fd);
    if (rc)
        goto fail;
    int want_w = opt->width > 0 ? opt->width : V4L2_DEFAULT_WIDTH;
    int want_h = opt->height > 0 ? opt->height : V4L2_DEFAULT_HEIGHT;
    double want_fps = opt->fps > 0 ? opt->fps : V4L2_DEFAULT_FPS;
    if ((rc = query_caps(s)) || (rc = set_format(s, want_w, want_h)))
        goto fail;
    set_rate(s, want_fps);
    s->base.rate = s->fps;
    if ((rc = start_streaming(s)))
        goto fail;
    char fb[5], rate[32] = "rate unknown";
    if (s->fps > 0)
        snprintf(rate, sizeof rate, "%.4g fps", s->fps);
    int n = snprintf(s->base.description, sizeof s->base.description, "%s '%s': %dx%d %s %s",
                     s->path, s->card, s->width, s->height, format_name(s->pixfmt, fb), rate);
    if (s->width != want_w || s->height != want_h || !(s->fps > 0) ||
        (s->fps - want_fps > 0.01 || want_fps - s->fps > 0.01))
        snprintf(s->base.description + n, sizeof s->base.description - (size_t)n,
                 " (asked %dx%d %.4g fps)", want_w, want_h, want_fps);
    *out = &s->base;
    return 0;
fail:
    capture_close(&s->base);
    return rc;
}

/* ---- listing ----------------------------------------------------------------------------- */

static int video_node_filter(const struct dirent *e)
{
    if (strncmp(e->d_name, "video", 5) != 0 || !e->d_name[5])
        return 0;
    for (const char *p = e->d_name + 5; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

static int node_cmp(const struct dirent **a, const struct dirent **b)
{
    int na = atoi((*a)->d_name + 5), nb = atoi((*b)->d_name + 5);
    return (na > nb) - (na < nb);
}

/* Appends to a line of at most ~100 columns, wrapping with an indent. */
static void put_item(FILE *out, int *col, const char *item)
{
    size_t len = strlen(item);
    if (*col > 8 && *col + (int)len + 1 > 100) {
        fputs("\n        ", out);
        *col = 8;
    } else if (*col > 8) {
        fputc(' ', out);
        (*col)++;
    }
    fputs(item, out);
    *col += (int)len;
}

/* "5-30 fps" or "30 fps" for one frame size of one format. */
static void rates_text(int fd, uint32_t pixfmt, uint32_t w, uint32_t h, char *buf, size_t size)
{
    double lo = 0, hi = 0;
    struct v4l2_frmivalenum iv;
    memset(&iv, 0, sizeof iv);
    iv.pixel_format = pixfmt;
    iv.width = w;
    iv.height = h;
    for (iv.index = 0; iv.index < 64 && xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0;
         iv.index++) {
        const struct v4l2_fract *a, *b;
        if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE)
            a = b = &iv.discrete;
        else {
            a = &iv.stepwise.min; /* shortest interval = highest rate */
            b = &iv.stepwise.max;
        }
        if (a->numerator && b->numerator && a->denominator && b->denominator) {
            double fa = (double)a->denominator / a->numerator;
            double fb = (double)b->denominator / b->numerator;
            double mx = fa > fb ? fa : fb, mn = fa < fb ? fa : fb;
            if (hi == 0 || mx > hi)
                hi = mx;
            if (lo == 0 || mn < lo)
                lo = mn;
        }
        if (iv.type != V4L2_FRMIVAL_TYPE_DISCRETE)
            break;
    }
    if (hi == 0)
        buf[0] = 0;
    else if (hi - lo < 0.01)
        snprintf(buf, size, "@%.4g", hi);
    else
        snprintf(buf, size, "@%.4g-%.4g", lo, hi);
}

static void list_formats(FILE *out, int fd)
{
    struct v4l2_fmtdesc fd_desc;
    memset(&fd_desc, 0, sizeof fd_desc);
    fd_desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    for (fd_desc.index = 0; fd_desc.index < 128 && xioctl(fd, VIDIOC_ENUM_FMT, &fd_desc) == 0;
         fd_desc.index++) {
        char fcc[5];
        fourcc_str(fd_desc.pixelformat, fcc);
        char head[128];
        snprintf(head, sizeof head, "  %s %.32s%s:", fcc, (const char *)fd_desc.description,
                 (fd_desc.flags & V4L2_FMT_FLAG_EMULATED) ? " (converted by libv4l2)" : "");
        fputs(head, out);
        int col = (int)strlen(head) > 8 ? (int)strlen(head) : 9;
        struct v4l2_frmsizeenum fs;
        memset(&fs, 0, sizeof fs);
        fs.pixel_format = fd_desc.pixelformat;
        int sizes = 0;
        for (fs.index = 0; fs.index < 64 && xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0;
             fs.index++, sizes++) {
            char item[96], rates[40];
            if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
                rates_text(fd, fs.pixel_format, fs.discrete.width, fs.discrete.height, rates,
                           sizeof rates);
                snprintf(item, sizeof item, "%ux%u%s", fs.discrete.width, fs.discrete.height,
                         rates);
            } else {
                rates_text(fd, fs.pixel_format, fs.stepwise.max_width, fs.stepwise.max_height,
                           rates, sizeof rates);
                snprintf(item, sizeof item, "%ux%u..%ux%u%s", fs.stepwise.min_width,
                         fs.stepwise.min_height, fs.stepwise.max_width, fs.stepwise.max_height,
                         rates);
            }
            put_item(out, &col, item);
            if (fs.type != V4L2_FRMSIZE_TYPE_DISCRETE)
                break;
        }
        if (sizes == 0)
            put_item(out, &col, "(sizes not enumerated)");
        fputs(sizes ? " fps\n" : "\n", out);
    }
}

int capture_list_devices(FILE *out)
{
    struct dirent **names = NULL;
    int n = scandir("/dev", &names, video_node_filter, node_cmp);
    int listed = 0;
    if (n < 0)
        n = 0;
    for (int i = 0; i < n; i++) {
        char path[300];
        snprintf(path, sizeof path, "/dev/%s", names[i]->d_name);
        int index = atoi(names[i]->d_name + 5);
        free(names[i]);
        int fd;
        if (open_device(path, V4L2_ENABLE_ENUM_FMT_EMULATION, &fd) != 0) {
            fprintf(out, "%d: %s\n", index, mtcam_last_error());
            continue;
        }
        struct v4l2_capability cap;
        memset(&cap, 0, sizeof cap);
        if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
            fprintf(out, "%d: %s: VIDIOC_QUERYCAP failed\n", index, path);
            v4l2_close(fd);
            continue;
        }
        uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
                                                                   : cap.capabilities;
        if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) {
            fprintf(out, "%d: %s: '%.32s' (%.16s), not a capture device (%s)\n", index, path,
                    (const char *)cap.card, (const char *)cap.driver,
                    (caps & V4L2_CAP_VIDEO_OUTPUT) ? "video output"
                    : (caps & V4L2_CAP_META_CAPTURE) ? "metadata"
                                                     : "other");
            v4l2_close(fd);
            continue;
        }
        fprintf(out, "%d: %s: '%.32s' (driver %.16s, %.32s)\n", index, path,
                (const char *)cap.card, (const char *)cap.driver, (const char *)cap.bus_info);
        list_formats(out, fd);
        v4l2_close(fd);
        listed++;
    }
    free(names);
    if (listed == 0)
        fprintf(out, "no V4L2 capture devices (nothing usable in /dev/video*)\n");
    if (ferror(out))
        return mtcam_set_error(MTCNN_EIO, "list devices: cannot write the list");
    return listed;
}
