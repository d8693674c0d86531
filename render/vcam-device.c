/* vcam-device.c - frames out to a V4L2 output device (vcam-device.h). Brought up in stages
 * (open, capabilities, format, rate, buffers) and torn down as a mirror; every slot starts at a
 * sentinel (fd -1, MAP_FAILED) so closing a half-opened device is safe. */
#define _DEFAULT_SOURCE /* MAP_FAILED users, O_CLOEXEC */
#include "vcam-device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "image-write.h"
#include "vcam-convert.h"

#define VCAM_BUFFERS 4
#define DEFAULT_QUALITY 85

typedef struct vcam_slot {
    void *start;
    size_t length;
} vcam_slot;

struct vcam_device {
    char path[256];
    char card[64];
    char description[512];
    int fd;
    vcam_io io;
    uint32_t pixfmt;
    vcam_format format;
    int width, height;
    uint32_t bytesperline, sizeimage;
    int quality;
    vcam_slot slots[VCAM_BUFFERS];
    unsigned n_slots;
    unsigned fresh;  /* buffers [fresh, n_slots) were never queued: usable without DQBUF */
    int streaming;
    uint8_t *staging; /* write(): the frame in the device's format */
    int spare;        /* a dequeued buffer not queued again (its frame failed), or -1 */
    render_image_jpeg_encoder *jpeg;
};

int vcam_format_parse(const char *name)
{
    if (!strcmp(name, "yuyv"))
        return VCAM_FORMAT_YUYV;
    if (!strcmp(name, "rgb24"))
        return VCAM_FORMAT_RGB24;
    if (!strcmp(name, "mjpeg"))
        return VCAM_FORMAT_MJPEG;
    return -1;
}

const char *vcam_format_name(vcam_format f)
{
    return f == VCAM_FORMAT_YUYV ? "YUYV" : f == VCAM_FORMAT_RGB24 ? "RGB24" : "MJPEG";
}

static uint32_t fourcc_of(vcam_format f)
{
    return f == VCAM_FORMAT_YUYV    ? V4L2_PIX_FMT_YUYV
           : f == VCAM_FORMAT_RGB24 ? V4L2_PIX_FMT_RGB24
                                    : V4L2_PIX_FMT_MJPEG;
}

static int xioctl(int fd, unsigned long request, void *arg)
{
    int r;
    do
        r = ioctl(fd, request, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

/* The message for a failed system call on the device, with errno mapped to a code. */
static int device_error(const char *path, const char *what, int err)
{
    switch (err) {
    case ENOENT:
        return mtcam_set_error(MTCNN_ENOTFOUND,
                               "%s: no such device (ENOENT); is v4l2loopback loaded "
                               "(modprobe v4l2loopback exclusive_caps=1)?",
                               path);
    case EACCES:
    case EPERM:
        return mtcam_set_error(MTCNN_EIO,
                               "%s: permission denied (is the user in the 'video' group?)",
                               path);
    case EBUSY:
        return mtcam_set_error(MTCNN_EBUSY,
                               "%s: %s: device busy (another program is writing to it)", path,
                               what);
    case ENODEV:
    case ENXIO:
    case EIO:
        return mtcam_set_error(MTCNN_ENODEV, "%s: %s: device gone or failed (%s)", path, what,
                               err == EIO ? "EIO" : err == ENXIO ? "ENXIO" : "ENODEV");
    default:
        return mtcam_set_error(mtcam_errno_code(err), "%s: %s: %s", path, what, strerror(err));
    }
}

static void fourcc_str(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = (c >= 32 && c < 127) ? c : '?';
    }
    out[4] = 0;
}

/* ---- bring-up ------------------------------------------------------------------------------ */

static int query_caps(vcam_device *d, vcam_io want)
{
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(d->fd, VIDIOC_QUERYCAP, &cap) != 0)
        return errno == ENOTTY || errno == EINVAL
                   ? mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: not a V4L2 device", d->path)
                   : device_error(d->path, "VIDIOC_QUERYCAP", errno);
    snprintf(d->card, sizeof d->card, "%.*s", (int)sizeof cap.card, (const char *)cap.card);
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
                                                               : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_OUTPUT)) {
        if (caps & V4L2_CAP_VIDEO_OUTPUT_MPLANE)
            return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                   "%s: '%s' only has a multi-planar video output (not "
                                   "supported)",
                                   d->path, d->card);
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: '%s' is not a video output device (a camera? "
                               "v4l2loopback shows its output with exclusive_caps=1 while no "
                               "other program writes to it)",
                               d->path, d->card);
    }
    int mmap_ok = (caps & V4L2_CAP_STREAMING) != 0, write_ok = (caps & V4L2_CAP_READWRITE) != 0;
    if (want == VCAM_IO_MMAP && !mmap_ok)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' cannot stream (no mmap support)",
                               d->path, d->card);
    if (want == VCAM_IO_WRITE && !write_ok)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' does not take write()", d->path,
                               d->card);
    if (!mmap_ok && !write_ok)
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: '%s' offers neither mmap streaming nor write()", d->path,
                               d->card);
    d->io = want != VCAM_IO_AUTO ? want : mmap_ok ? VCAM_IO_MMAP : VCAM_IO_WRITE;
    return 0;
}

/* The formats the output lists; a device that lists none (some loopback drivers before a
 * format is set) is asked with S_FMT alone. */
static int check_listed(vcam_device *d)
{
    char listed[256] = "";
    size_t len = 0;
    int found = 0, n = 0;
    for (uint32_t i = 0; i < 64; i++) {
        struct v4l2_fmtdesc fd = {.index = i, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT};
        if (xioctl(d->fd, VIDIOC_ENUM_FMT, &fd) != 0)
            break;
        n++;
        found |= fd.pixelformat == d->pixfmt;
        char s[5];
        fourcc_str(fd.pixelformat, s);
        int w = snprintf(listed + len, sizeof listed - len, "%s%s", len ? ", " : "", s);
        if (w > 0 && (size_t)w < sizeof listed - len)
            len += (size_t)w;
    }
    if (n > 0 && !found)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' does not take %s (it takes %s)",
                               d->path, d->card, vcam_format_name(d->format), listed);
    return 0;
}

static int set_format(vcam_device *d, int width, int height)
{
    struct v4l2_format fmt;
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    fmt.fmt.pix.width = (uint32_t)width;
    fmt.fmt.pix.height = (uint32_t)height;
    fmt.fmt.pix.pixelformat = d->pixfmt;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    fmt.fmt.pix.colorspace = d->format == VCAM_FORMAT_YUYV ? V4L2_COLORSPACE_SMPTE170M
                                                           : V4L2_COLORSPACE_SRGB;
    if (d->format == VCAM_FORMAT_MJPEG)
        fmt.fmt.pix.sizeimage = (uint32_t)width * (uint32_t)height * 3 / 2 + 65536;
    if (xioctl(d->fd, VIDIOC_S_FMT, &fmt) != 0)
        return device_error(d->path, "VIDIOC_S_FMT", errno);
    memset(&fmt, 0, sizeof fmt);
    fmt.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    if (xioctl(d->fd, VIDIOC_G_FMT, &fmt) != 0)
        return device_error(d->path, "VIDIOC_G_FMT", errno);
    if (fmt.fmt.pix.pixelformat != d->pixfmt) {
        char s[5];
        fourcc_str(fmt.fmt.pix.pixelformat, s);
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' was asked for %s and keeps %s",
                               d->path, d->card, vcam_format_name(d->format), s);
    }
    d->width = (int)fmt.fmt.pix.width;
    d->height = (int)fmt.fmt.pix.height;
    if (d->width <= 0 || d->height <= 0 || d->width > 16384 || d->height > 16384)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: '%s' granted a size of %dx%d", d->path,
                               d->card, d->width, d->height);
    uint32_t row = (uint32_t)d->width * (d->format == VCAM_FORMAT_RGB24 ? 3 : 2);
    d->bytesperline = fmt.fmt.pix.bytesperline;
    if (d->format == VCAM_FORMAT_MJPEG)
        d->bytesperline = 0;
    else if (d->bytesperline < row)
        d->bytesperline = row;
    d->sizeimage = fmt.fmt.pix.sizeimage;
    if (d->format != VCAM_FORMAT_MJPEG && d->sizeimage < d->bytesperline * (uint32_t)d->height)
        d->sizeimage = d->bytesperline * (uint32_t)d->height;
    if (d->format == VCAM_FORMAT_MJPEG && d->sizeimage < 1024)
        d->sizeimage = (uint32_t)d->width * (uint32_t)d->height * 3 / 2 + 65536;
    return 0;
}

/* The rate, for readers that show or use it (v4l2loopback passes it on); not all outputs
 * take it, which is fine. */
static void set_rate(vcam_device *d, double fps)
{
    if (fps <= 0)
        return;
    struct v4l2_streamparm p;
    memset(&p, 0, sizeof p);
    p.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    p.parm.output.timeperframe.numerator = 1000;
    p.parm.output.timeperframe.denominator = (uint32_t)(fps * 1000 + 0.5);
    (void)xioctl(d->fd, VIDIOC_S_PARM, &p);
}

static int map_buffers(vcam_device *d)
{
    struct v4l2_requestbuffers req = {
        .count = VCAM_BUFFERS, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
    if (xioctl(d->fd, VIDIOC_REQBUFS, &req) != 0)
        return device_error(d->path, "VIDIOC_REQBUFS", errno);
    if (req.count < 1)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: '%s' gave no buffers", d->path, d->card);
    for (unsigned i = 0; i < req.count && i < VCAM_BUFFERS; i++) {
        struct v4l2_buffer b = {
            .index = i, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(d->fd, VIDIOC_QUERYBUF, &b) != 0)
            return device_error(d->path, "VIDIOC_QUERYBUF", errno);
        void *p = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, b.m.offset);
        if (p == MAP_FAILED)
            return device_error(d->path, "mmap", errno);
        d->slots[i].start = p;
        d->slots[i].length = b.length;
        d->n_slots = i + 1;
    }
    d->fresh = 0;
    return 0;
}

int vcam_device_open(const char *path, const vcam_device_options *opt, vcam_device **out)
{
    *out = NULL;
    vcam_device_options o = {0};
    if (opt)
        o = *opt;
    if (o.width <= 0 || o.height <= 0) {
        o.width = 640;
        o.height = 480;
    }
    if (!path || !*path)
        return mtcam_set_error(MTCNN_EINVAL, "no output device given");
    if ((int)o.format < VCAM_FORMAT_YUYV || o.format > VCAM_FORMAT_MJPEG)
        return mtcam_set_error(MTCNN_EINVAL, "%s: unknown output format", path);
    vcam_device *d = calloc(1, sizeof *d);
    if (!d)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
    snprintf(d->path, sizeof d->path, "%s", path);
    d->fd = -1;
    d->spare = -1;
    d->format = o.format;
    d->pixfmt = fourcc_of(o.format);
    d->quality = o.jpeg_quality > 0 && o.jpeg_quality <= 100 ? o.jpeg_quality : DEFAULT_QUALITY;
    int rc;
    do
        d->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    while (d->fd < 0 && errno == EINTR);
    if (d->fd < 0) {
        rc = device_error(path, "open", errno);
        goto fail;
    }
    if ((rc = query_caps(d, o.io)) < 0 || (rc = check_listed(d)) < 0 ||
        (rc = set_format(d, o.width, o.height)) < 0)
        goto fail;
    set_rate(d, o.fps);
    if (d->io == VCAM_IO_MMAP) {
        if ((rc = map_buffers(d)) < 0)
            goto fail;
    } else if (!(d->staging = malloc(d->sizeimage))) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    if (d->format == VCAM_FORMAT_MJPEG && (rc = render_image_jpeg_encoder_create(&d->jpeg)) < 0)
        goto fail;
    char asked[64] = "";
    if (d->width != o.width || d->height != o.height)
        snprintf(asked, sizeof asked, " (asked %dx%d)", o.width, o.height);
    snprintf(d->description, sizeof d->description, "%s '%s': %dx%d %s, %s%s", d->path, d->card,
             d->width, d->height, vcam_format_name(d->format),
             d->io == VCAM_IO_MMAP ? "mmap streaming" : "write()", asked);
    *out = d;
    return 0;
fail:
    vcam_device_close(d);
    return rc;
}

const char *vcam_device_describe(const vcam_device *d)
{
    return d->description;
}

void vcam_device_size(const vcam_device *d, int *width, int *height)
{
    *width = d->width;
    *height = d->height;
}

/* ---- frames ---------------------------------------------------------------------------------- */

/* Waits until the device can take data. 1: ready, 0: not in time, <0: error. */
static int wait_writable(vcam_device *d, int timeout_ms)
{
    struct pollfd p = {.fd = d->fd, .events = POLLOUT};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return device_error(d->path, "poll", errno);
    if (r == 0)
        return 0;
    if (p.revents & POLLNVAL)
        return device_error(d->path, "poll", ENODEV);
    return 1; /* POLLERR too: the next call says what went wrong */
}

/* Converts `rgb` into `dst` in the device's format; returns the bytes used, or <0. */
static long fill(vcam_device *d, const mtcam_frame *rgb, uint8_t *dst, size_t room)
{
    if (d->format == VCAM_FORMAT_MJPEG) {
        const uint8_t *jpeg;
        size_t size;
        int rc = render_image_jpeg_encode(d->jpeg, rgb, d->quality, &jpeg, &size);
        if (rc < 0)
            return rc;
        if (size > room)
            return mtcam_set_error(MTCNN_EFORMAT,
                                   "%s: a %zu-byte JPEG frame does not fit the device's %zu-byte "
                                   "buffer",
                                   d->path, size, room);
        memcpy(dst, jpeg, size);
        return (long)size;
    }
    size_t need = (size_t)d->bytesperline * (size_t)d->height;
    if (need > room)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: buffer of %zu bytes, the frame needs %zu",
                               d->path, room, need);
    if (d->format == VCAM_FORMAT_YUYV) {
        vcam_rgb_to_yuyv(rgb->data, rgb->stride, d->width, d->height, dst, d->bytesperline);
    } else {
        for (int y = 0; y < d->height; y++)
            memcpy(dst + (size_t)y * d->bytesperline, rgb->data + y * rgb->stride,
                   3 * (size_t)d->width);
    }
    return (long)need;
}

static int write_mmap(vcam_device *d, const mtcam_frame *rgb, int timeout_ms)
{
    struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
    if (d->spare >= 0) {
        b.index = (uint32_t)d->spare;
        d->spare = -1;
    } else if (d->fresh < d->n_slots) {
        b.index = d->fresh++;
    } else {
        int w = wait_writable(d, timeout_ms);
        if (w <= 0)
            return w;
        if (xioctl(d->fd, VIDIOC_DQBUF, &b) != 0)
            return errno == EAGAIN ? 0 : device_error(d->path, "VIDIOC_DQBUF", errno);
        if (b.index >= d->n_slots)
            return mtcam_set_error(MTCNN_EIO, "%s: VIDIOC_DQBUF gave buffer %u of %u", d->path,
                                   b.index, d->n_slots);
    }
    long used = fill(d, rgb, d->slots[b.index].start, d->slots[b.index].length);
    if (used < 0) {
        d->spare = (int)b.index; /* keep it for the next frame */
        return (int)used;
    }
    b.bytesused = (uint32_t)used;
    b.field = V4L2_FIELD_NONE;
    b.timestamp.tv_sec = (time_t)(rgb->timestamp_ns / 1000000000);
    b.timestamp.tv_usec = (suseconds_t)(rgb->timestamp_ns % 1000000000 / 1000);
    if (xioctl(d->fd, VIDIOC_QBUF, &b) != 0)
        return device_error(d->path, "VIDIOC_QBUF", errno);
    if (!d->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
        if (xioctl(d->fd, VIDIOC_STREAMON, &type) != 0)
            return device_error(d->path, "VIDIOC_STREAMON", errno);
        d->streaming = 1;
    }
    return 1;
}

static int write_rw(vcam_device *d, const mtcam_frame *rgb, int timeout_ms)
{
    long used = fill(d, rgb, d->staging, d->sizeimage);
    if (used < 0)
        return (int)used;
    /* Raw frames may go in several writes (the driver queues the buffer once it is full);
     * a JPEG must go in one, since only the write's length tells where it ends. */
    size_t done = 0;
    while (done < (size_t)used) {
        int w = wait_writable(d, timeout_ms);
        if (w <= 0)
            return done ? mtcam_set_error(MTCNN_ETIMEOUT,
                                          "%s: write(): the device stopped taking a frame "
                                          "halfway",
                                          d->path)
                        : w;
        ssize_t n = write(d->fd, d->staging + done, (size_t)used - done);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno == EINVAL) /* vivid (Linux 6.1) lists write() but refuses it so */
                return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                       "%s: '%s' refused write() (EINVAL) although it lists it",
                                       d->path, d->card);
            return device_error(d->path, "write", errno);
        }
        if (n == 0)
            return device_error(d->path, "write", EIO);
        done += (size_t)n;
        if (d->format == VCAM_FORMAT_MJPEG)
            break;
    }
    return 1;
}

int vcam_device_write(vcam_device *d, const mtcam_frame *rgb, int timeout_ms)
{
    if (rgb->width != d->width || rgb->height != d->height)
        return mtcam_set_error(MTCNN_EINVAL, "%s: a %dx%d frame for a %dx%d output", d->path,
                               rgb->width, rgb->height, d->width, d->height);
    return d->io == VCAM_IO_MMAP ? write_mmap(d, rgb, timeout_ms) : write_rw(d, rgb, timeout_ms);
}

void vcam_device_close(vcam_device *d)
{
    if (!d)
        return;
    if (d->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
        (void)xioctl(d->fd, VIDIOC_STREAMOFF, &type);
    }
    for (unsigned i = 0; i < d->n_slots; i++)
        if (d->slots[i].start && d->slots[i].start != MAP_FAILED)
            munmap(d->slots[i].start, d->slots[i].length);
    if (d->fd >= 0)
        close(d->fd);
    render_image_jpeg_encoder_destroy(d->jpeg);
    free(d->staging);
    free(d);
}
