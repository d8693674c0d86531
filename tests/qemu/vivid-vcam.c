/* vivid-vcam.c - the virtual camera (render/vcam*.c) against vivid's output node, in the QEMU
 * guest (run from vivid-guest.c). vivid's "Loop Video" copies what is written to its HDMI
 * output into its HDMI capture input, so what the virtual camera sends is read back from the
 * capture node (raw, without libv4l2, in the same pixel format: the loop needs it):
 *   vcam_not_output   the capture node given as the output: one clear line
 *   vcam_io           which I/O vivid's output offers (QUERYCAP), for docs/app.md
 *   vcam_yuyv_mmap    640x480 YUYV by mmap streaming: every frame carries its number as a
 *                     barcode; they come back in order, at the size and format set, the picture
 *                     as sent (through capture's own YUYV decoder)
 *   vcam_rgb24_mmap   the same in RGB24
 *   vcam_write_refused  vivid lists write() but refuses it (EINVAL): said once, then the
 *                     virtual camera is off and the program goes on
 *   vcam_scaled_720p  a 640x480 camera picture sent at --output-size 1280x720: letterboxed
 *                     into the 1280x720 frames that come back
 *   vcam_framed       a face on the right of a 1280x720 picture: the framing controller's crop
 *                     (from the detector's boxes) sent at 640x480; the detector finds the face
 *                     near the centre of what comes back, larger than in the camera picture
 *   vcam_unplug       vivid's "Disconnect" pulls the output away while frames are sent: reported
 *                     once, retried with backoff, and picked up again once vivid plugs it back */
#define _DEFAULT_SOURCE
#include "vivid-vcam.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/v4l2-dv-timings.h>
#include <linux/videodev2.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "clock.h"
#include "convert.h"
#include "err.h"
#include "framing.h"
#include "image-file.h"
#include "mtcnn.h"
#include "vcam-convert.h"
#include "vcam-device.h"
#include "vcam.h"

#define CAP_DEV "/dev/video0"
#define OUT_DEV "/dev/video1"
#define BITS 12
#define BAR_W 40
#define BAR_H 24

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do
        r = ioctl(fd, req, arg);
    while (r < 0 && errno == EINTR);
    return r;
}

/* ---- vivid set-up: HDMI in and out at the same timings, the loop on ------------------------ */

static uint32_t control_id(int fd, const char *name)
{
    struct v4l2_queryctrl q;
    memset(&q, 0, sizeof q);
    q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
    while (xioctl(fd, VIDIOC_QUERYCTRL, &q) == 0) {
        if (!strcmp((const char *)q.name, name))
            return q.id;
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
    }
    return 0;
}

static int control(int fd, const char *name, int value, char *err, size_t esize)
{
    struct v4l2_control c = {.id = control_id(fd, name), .value = value};
    if (!c.id || xioctl(fd, VIDIOC_S_CTRL, &c) != 0) {
        snprintf(err, esize, "control '%s': %s", name, c.id ? strerror(errno) : "missing");
        return -1;
    }
    return 0;
}

static int hdmi(int fd, int output, const struct v4l2_dv_timings *t, char *err, size_t esize)
{
    for (uint32_t i = 0; i < 16; i++) {
        char name[32] = "";
        if (output) {
            struct v4l2_output o = {.index = i};
            if (xioctl(fd, VIDIOC_ENUMOUTPUT, &o) != 0)
                break;
            snprintf(name, sizeof name, "%s", (const char *)o.name);
        } else {
            struct v4l2_input in = {.index = i};
            if (xioctl(fd, VIDIOC_ENUMINPUT, &in) != 0)
                break;
            snprintf(name, sizeof name, "%s", (const char *)in.name);
        }
        if (!strstr(name, "HDMI"))
            continue;
        int idx = (int)i;
        struct v4l2_dv_timings copy = *t;
        if (xioctl(fd, output ? VIDIOC_S_OUTPUT : VIDIOC_S_INPUT, &idx) == 0 &&
            xioctl(fd, VIDIOC_S_DV_TIMINGS, &copy) == 0)
            return 0;
        snprintf(err, esize, "HDMI %s %d: %s", output ? "output" : "input", idx, strerror(errno));
        return -1;
    }
    snprintf(err, esize, "no HDMI %s", output ? "output" : "input");
    return -1;
}

/* Both ends on HDMI at `t`, capture looping the output with no text drawn on it. vivid keeps
 * these settings after the handles are closed. */
static int setup_loop(const struct v4l2_dv_timings *t, char *err, size_t esize)
{
    int cap = open(CAP_DEV, O_RDWR), out = open(OUT_DEV, O_RDWR);
    int rc = -1;
    if (cap < 0 || out < 0)
        snprintf(err, esize, "open: %s", strerror(errno));
    else if (hdmi(out, 1, t, err, esize) == 0 && hdmi(cap, 0, t, err, esize) == 0 &&
             control(cap, "Loop Video", 1, err, esize) == 0 &&
             control(cap, "OSD Text Mode", 2, err, esize) == 0)
        rc = 0;
    if (cap >= 0)
        close(cap);
    if (out >= 0)
        close(out);
    return rc;
}

/* ---- raw capture in the output's pixel format ----------------------------------------------- */

typedef struct raw_capture {
    int fd;
    uint32_t pixfmt, bytesperline;
    int width, height;
    void *buf[4];
    size_t len[4];
    unsigned n;
} raw_capture;

static void raw_close(raw_capture *c)
{
    if (c->fd < 0)
        return;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    xioctl(c->fd, VIDIOC_STREAMOFF, &type);
    for (unsigned i = 0; i < c->n; i++)
        munmap(c->buf[i], c->len[i]);
    close(c->fd);
    c->fd = -1;
}

static int raw_open(raw_capture *c, uint32_t pixfmt, int w, int h, char *err, size_t esize)
{
    memset(c, 0, sizeof *c);
    c->fd = open(CAP_DEV, O_RDWR | O_NONBLOCK);
    if (c->fd < 0) {
        snprintf(err, esize, "open %s: %s", CAP_DEV, strerror(errno));
        return -1;
    }
    struct v4l2_format f;
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = (uint32_t)w;
    f.fmt.pix.height = (uint32_t)h;
    f.fmt.pix.pixelformat = pixfmt;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(c->fd, VIDIOC_S_FMT, &f) != 0 || xioctl(c->fd, VIDIOC_G_FMT, &f) != 0) {
        snprintf(err, esize, "capture format: %s", strerror(errno));
        goto fail;
    }
    c->pixfmt = f.fmt.pix.pixelformat;
    c->width = (int)f.fmt.pix.width;
    c->height = (int)f.fmt.pix.height;
    c->bytesperline = f.fmt.pix.bytesperline;
    struct v4l2_requestbuffers req = {.count = 4, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                      .memory = V4L2_MEMORY_MMAP};
    if (xioctl(c->fd, VIDIOC_REQBUFS, &req) != 0) {
        snprintf(err, esize, "capture REQBUFS: %s", strerror(errno));
        goto fail;
    }
    for (c->n = 0; c->n < req.count && c->n < 4; c->n++) {
        struct v4l2_buffer b = {.index = c->n, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                .memory = V4L2_MEMORY_MMAP};
        if (xioctl(c->fd, VIDIOC_QUERYBUF, &b) != 0)
            goto fail_errno;
        c->buf[c->n] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, b.m.offset);
        c->len[c->n] = b.length;
        if (c->buf[c->n] == MAP_FAILED || xioctl(c->fd, VIDIOC_QBUF, &b) != 0)
            goto fail_errno;
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(c->fd, VIDIOC_STREAMON, &type) != 0)
        goto fail_errno;
    return 0;
fail_errno:
    snprintf(err, esize, "capture buffers: %s", strerror(errno));
fail:
    raw_close(c);
    return -1;
}

/* The next captured frame, decoded to RGB into `f` (allocated to the capture's size). */
static int raw_read(raw_capture *c, mtcam_frame *f, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return -1;
    struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
    if (xioctl(c->fd, VIDIOC_DQBUF, &b) != 0)
        return -1;
    if (f->width != c->width || f->height != c->height)
        mtcam_frame_alloc(f, c->width, c->height);
    const uint8_t *src = c->buf[b.index];
    if (c->pixfmt == V4L2_PIX_FMT_YUYV)
        capture_convert_yuyv(src, c->bytesperline, c->width, c->height, f->data, f->stride);
    else
        for (int y = 0; y < c->height; y++)
            memcpy(f->data + y * f->stride, src + (size_t)y * c->bytesperline, 3 * (size_t)c->width);
    xioctl(c->fd, VIDIOC_QBUF, &b);
    return 0;
}

/* ---- pictures ---------------------------------------------------------------------------- */

/* A w x h picture: grey-blue backdrop, the photo scaled to `size` px with its top left at
 * (px, py). */
static int make_scene(const mtcam_frame *photo, int w, int h, int px, int py, int size,
                      mtcam_frame *out)
{
    if (mtcam_frame_alloc(out, w, h) < 0)
        return -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *o = out->data + y * out->stride + 3 * x;
            o[0] = 60, o[1] = 70, o[2] = 90;
        }
    vcam_scaler s = {0};
    framing_rect all = {0, 0, (float)photo->width, (float)photo->height};
    int rc = vcam_scale_rgb(&s, photo->data, photo->stride, photo->width, photo->height, all,
                            out->data + py * out->stride + 3 * px, out->stride, size, size);
    vcam_scaler_free(&s);
    return rc;
}

/* The frame number as a barcode with its top left at (x0, y0): bit k is the block at
 * x = x0 + k * BAR_W. */
static void stamp(mtcam_frame *f, unsigned n, int x0, int y0)
{
    for (int k = 0; k < BITS; k++) {
        uint8_t v = (n >> k) & 1 ? 255 : 0;
        for (int y = y0; y < y0 + BAR_H; y++)
            memset(f->data + y * f->stride + 3 * (x0 + k * BAR_W), v, 3 * BAR_W);
    }
}

/* Reads the barcode back from a frame that shows the stamped picture scaled by `scale` and
 * moved by (ox, oy); -1 when a block is neither black nor white (not our picture). */
static int read_stamp(const mtcam_frame *f, double scale, int ox, int oy)
{
    int n = 0;
    for (int k = 0; k < BITS; k++) {
        int x = ox + (int)((k * BAR_W + BAR_W / 2) * scale), y = oy + (int)(BAR_H / 2 * scale);
        const uint8_t *p = f->data + y * f->stride + 3 * x;
        int v = (p[0] + p[1] + p[2]) / 3;
        if (v > 200)
            n |= 1 << k;
        else if (v > 55)
            return -1;
    }
    return n;
}

static void save_ppm(const char *dir, const char *name, const mtcam_frame *f)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fprintf(fp, "P6\n%d %d\n255\n", f->width, f->height);
    for (int y = 0; y < f->height; y++)
        fwrite(f->data + y * f->stride, 1, 3 * (size_t)f->width, fp);
    fclose(fp);
}

/* Mean |difference| of two same-sized pictures below the barcode band. */
static double mean_diff(const mtcam_frame *a, const mtcam_frame *b, int skip_rows)
{
    double sum = 0;
    long n = 0;
    for (int y = skip_rows; y < a->height; y++)
        for (int x = 0; x < 3 * a->width; x++, n++)
            sum += abs(a->data[y * a->stride + x] - b->data[y * b->stride + x]);
    return n ? sum / (double)n : 1e9;
}

/* ---- cases ----------------------------------------------------------------------------------- */

static void case_not_output(void)
{
    vcam_device *d = NULL;
    int rc = vcam_device_open(CAP_DEV, NULL, &d);
    if (rc == MTCNN_EUNSUPPORTED && strstr(mtcam_last_error(), "is not a video output device"))
        report("PASS", "vcam_not_output", "%s", mtcam_last_error());
    else
        report("FAIL", "vcam_not_output", "got %d: %s", rc, rc ? mtcam_last_error() : "opened");
    vcam_device_close(d);
}

static void case_io(void)
{
    int fd = open(OUT_DEV, O_RDWR);
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (fd < 0 || xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) {
        report("FAIL", "vcam_io", "%s: %s", OUT_DEV, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    close(fd);
    uint32_t caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
    report((caps & V4L2_CAP_VIDEO_OUTPUT) ? "PASS" : "FAIL", "vcam_io",
           "%s '%s': video output %s, mmap streaming %s, write() %s", OUT_DEV,
           (const char *)cap.card, caps & V4L2_CAP_VIDEO_OUTPUT ? "yes" : "no",
           caps & V4L2_CAP_STREAMING ? "yes" : "no", caps & V4L2_CAP_READWRITE ? "yes" : "no");
}

/* Sends `frames` stamped copies of `scene` (with `crop`, or letterboxed when NULL) and reads
 * the loop back; checks order, size, format and the picture against `expect` (the scene as
 * the output should show it; NULL: skip that check). */
static void loop_case(const char *name, const char *results, vcam_format format, vcam_io io,
                      const struct v4l2_dv_timings *t, int out_w, int out_h, mtcam_frame *scene,
                      const framing_rect *crop, int stamp_x, int stamp_y, double scale, int ox,
                      int oy, const mtcam_frame *expect, mtcam_frame *last_out)
{
    char err[300] = "";
    if (setup_loop(t, err, sizeof err) != 0) {
        report("FAIL", name, "vivid loop set-up: %s", err);
        return;
    }
    vcam_options vo = {.device = {.width = out_w, .height = out_h, .format = format, .io = io,
                                  .fps = 30}};
    vcam *v = NULL;
    if (vcam_start(OUT_DEV, &vo, &v) != 0) {
        report("FAIL", name, "vcam_start: %s", mtcam_last_error());
        return;
    }
    vcam_status st;
    vcam_get_status(v, &st);
    char described[512];
    snprintf(described, sizeof described, "%s", st.status);
    printf("%s: %s\n", name, described);
    raw_capture c;
    uint32_t pixfmt = format == VCAM_FORMAT_YUYV ? V4L2_PIX_FMT_YUYV : V4L2_PIX_FMT_RGB24;
    if (raw_open(&c, pixfmt, out_w, out_h, err, sizeof err) != 0) {
        report("FAIL", name, "%s", err);
        vcam_stop(v, NULL);
        return;
    }
    mtcam_frame got = {0}, best = {0};
    int seen[64], n_seen = 0, out_of_order = 0, last = -1, sent = 0, unreadable = 0;
    int64_t t0 = mtcam_now_ns();
    for (int i = 0; i < 240 && n_seen < 25; i++) {
        scene->seq = (uint64_t)sent;
        scene->timestamp_ns = mtcam_now_ns();
        stamp(scene, (unsigned)sent, stamp_x, stamp_y);
        sent += vcam_push(v, scene, crop);
        if (raw_read(&c, &got, 500) != 0)
            continue;
        int n = read_stamp(&got, scale, ox, oy);
        if (n < 0) {
            if (unreadable++ == 100) { /* kept to see what came instead */
                char file[64];
                snprintf(file, sizeof file, "%s-unreadable.ppm", name);
                save_ppm(results, file, &got);
            }
            continue; /* frames from before the loop carried ours */
        }
        if (n < last)
            out_of_order++;
        if (n != last) {
            if (n_seen < 64)
                seen[n_seen++] = n;
            mtcam_frame_copy(&best, &got);
        }
        last = n;
        mtcam_sleep_ms(20);
    }
    double secs = mtcam_ms_since(t0) / 1000;
    raw_close(&c);
    vcam_stop(v, &st);
    char why[400] = "";
    if (c.width != out_w || c.height != out_h || c.pixfmt != pixfmt)
        snprintf(why, sizeof why, "capture came back %dx%d, not %dx%d", c.width, c.height, out_w,
                 out_h);
    else if (!strstr(described, vcam_format_name(format)) ||
             st.width != out_w || st.height != out_h)
        snprintf(why, sizeof why, "device granted: %.300s", described);
    else if (n_seen < 10)
        snprintf(why, sizeof why,
                 "only %d distinct frames came back (%d unreadable) of %d sent, %lld written, "
                 "%lld dropped",
                 n_seen, unreadable, sent, (long long)st.frames_written,
                 (long long)st.frames_dropped);
    else if (out_of_order)
        snprintf(why, sizeof why, "%d frames came back out of order", out_of_order);
    double diff = 0;
    if (!why[0] && expect) {
        diff = mean_diff(&best, expect, (int)(BAR_H * scale) + oy + 2);
        if (diff > 3.0)
            snprintf(why, sizeof why, "picture differs: mean |diff| %.2f", diff);
    }
    char diff_text[64] = "";
    if (expect)
        snprintf(diff_text, sizeof diff_text, "; picture mean |diff| %.2f", diff);
    char file[64];
    snprintf(file, sizeof file, "%s.ppm", name);
    if (best.data)
        save_ppm(results, file, &best);
    if (why[0])
        report("FAIL", name, "%s (%s)", why, described);
    else
        report("PASS", name,
               "%s; %d frames sent, %lld written, %d distinct came back in order (first %d, last "
               "%d) in %.1f s%s",
               described, sent, (long long)st.frames_written, n_seen, seen[0],
               seen[n_seen - 1], secs, diff_text);
    if (last_out && best.data)
        mtcam_frame_copy(last_out, &best);
    mtcam_frame_free(&got);
    mtcam_frame_free(&best);
}

/* vivid lists write() in QUERYCAP but its output answers every write() with EINVAL (Linux
 * 6.1): forced to write(), the virtual camera says so once and gives up. */
static void write_refused(mtcam_frame *scene)
{
    const char *name = "vcam_write_refused";
    vcam_options vo = {.device = {.width = 640, .height = 480, .format = VCAM_FORMAT_YUYV,
                                  .io = VCAM_IO_WRITE},
                       .backoff_min_ms = 100,
                       .backoff_max_ms = 200};
    vcam *v = NULL;
    if (vcam_start(OUT_DEV, &vo, &v) != 0) {
        report("FAIL", name, "vcam_start: %s", mtcam_last_error());
        return;
    }
    for (int i = 0; i < 40; i++) {
        vcam_push(v, scene, NULL);
        mtcam_sleep_ms(25);
    }
    vcam_status st;
    vcam_get_status(v, &st);
    vcam_stop(v, NULL);
    if (st.frames_written == 0 && st.events == 1 && st.state == VCAM_FAILED &&
        strstr(st.status, "refused write() (EINVAL)"))
        report("PASS", name, "%lld events, %lld frames dropped: %s", (long long)st.events,
               (long long)st.frames_dropped, st.status);
    else
        report("FAIL", name, "%lld written, %lld events: %s", (long long)st.frames_written,
               (long long)st.events, st.status);
}

#pragma GCC diagnostic push /* the kernel's macros leave trailing fields to zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct v4l2_dv_timings T480 = V4L2_DV_BT_CEA_640X480P59_94;
static const struct v4l2_dv_timings T720 = V4L2_DV_BT_CEA_1280X720P60;
#pragma GCC diagnostic pop

static void case_loops(const char *results, const mtcam_frame *photo)
{
    mtcam_frame scene = {0}, expect = {0};
    if (make_scene(photo, 640, 480, 64, 40, 400, &scene) != 0) {
        report("FAIL", "vcam_yuyv_mmap", "no scene");
        return;
    }
    mtcam_frame_copy(&expect, &scene);
    loop_case("vcam_yuyv_mmap", results, VCAM_FORMAT_YUYV, VCAM_IO_MMAP, &T480, 640, 480,
              &scene, NULL, 0, 0, 1, 0, 0, &expect, NULL);
    loop_case("vcam_rgb24_mmap", results, VCAM_FORMAT_RGB24, VCAM_IO_MMAP, &T480, 640, 480,
              &scene, NULL, 0, 0, 1, 0, 0, &expect, NULL);
    write_refused(&scene);
    /* 640x480 into 1280x720: scaled by 1.5 into a 960x720 box 160 px from the left */
    mtcam_frame wide = {0};
    if (mtcam_frame_alloc(&wide, 1280, 720) == 0) {
        memset(wide.data, 0, (size_t)wide.stride * 720);
        vcam_scaler s = {0};
        framing_rect all = {0, 0, 640, 480};
        vcam_scale_rgb(&s, expect.data, expect.stride, 640, 480, all, wide.data + 3 * 160,
                       wide.stride, 960, 720);
        vcam_scaler_free(&s);
        loop_case("vcam_scaled_720p", results, VCAM_FORMAT_YUYV, VCAM_IO_AUTO, &T720, 1280, 720,
                  &scene, NULL, 0, 0, 1.5, 160, 0, &wide, NULL);
    }
    mtcam_frame_free(&wide);
    mtcam_frame_free(&scene);
    mtcam_frame_free(&expect);
}

static int detect(mtcnn_detector *det, const mtcam_frame *f, mtcnn_face *best, int *n)
{
    mtcnn_image im = {f->data, f->width, f->height, f->stride, MTCNN_PIXEL_RGB24};
    const mtcnn_face *faces;
    int rc = mtcnn_detect(det, &im, &faces, n);
    if (rc == 0 && *n > 0)
        *best = faces[0];
    return rc;
}

static void case_framed(const char *results, const mtcam_frame *photo, const char *model_path)
{
    const char *name = "vcam_framed";
    mtcnn_model *model = NULL;
    mtcnn_detector *det = NULL;
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.min_face = 60; /* the face is ~150 px: a short pyramid keeps TCG emulation quick */
    if (!model_path || mtcnn_model_load(model_path, &model) ||
        mtcnn_detector_create(model, &opt, &det)) {
        report("FAIL", name, "engine: %s", model_path ? mtcnn_last_error() : "no model");
        mtcnn_model_free(model);
        return;
    }
    mtcam_frame scene = {0}, back = {0};
    make_scene(photo, 1280, 720, 700, 280, 360, &scene); /* the face right of centre */
    mtcnn_face src_face, out_face;
    int n = 0;
    if (detect(det, &scene, &src_face, &n) != 0 || n < 1) {
        report("FAIL", name, "no face in the camera picture (%s)", mtcnn_last_error());
        goto done;
    }
    /* the controller settles on the face: 6 s of 30 fps frames, in simulated time */
    framing_options fo;
    framing_options_default(&fo);
    fo.src_width = 1280, fo.src_height = 720, fo.out_width = 640, fo.out_height = 480;
    framing fr;
    framing_init(&fr, &fo);
    framing_face ff = {0, {src_face.box[0], src_face.box[1], src_face.box[2], src_face.box[3]}};
    framing_rect crop = fr.full;
    for (int i = 0; i < 180; i++)
        crop = framing_update(&fr, 1 + (int64_t)i * 33333333, &ff, 1);
    printf("%s: face [%.0f %.0f %.0f %.0f], crop %.1f,%.1f %.1fx%.1f\n", name, src_face.box[0],
           src_face.box[1], src_face.box[2], src_face.box[3], crop.x, crop.y, crop.w, crop.h);
    /* the barcode goes inside the crop's top left corner, above the head */
    int bx = (int)ceilf(crop.x) + 4, by = (int)ceilf(crop.y) + 4;
    double scale = 640.0 / crop.w;
    if (crop.w < BITS * BAR_W + 8 || fabs(crop.w / crop.h - 4.0 / 3.0) > 1e-3) {
        report("FAIL", name, "crop %.1fx%.1f: not 4:3 or too narrow", crop.w, crop.h);
        goto done;
    }
    loop_case(name, results, VCAM_FORMAT_YUYV, VCAM_IO_AUTO, &T480, 640, 480, &scene, &crop, bx,
              by, scale, (int)lround((bx - crop.x) * scale), (int)lround((by - crop.y) * scale),
              NULL, &back);
    if (!back.data)
        goto done; /* loop_case said why */
    if (detect(det, &back, &out_face, &n) != 0 || n < 1) {
        report("FAIL", "vcam_framed_face", "no face in the framed output");
        goto done;
    }
    float cx = (out_face.box[0] + out_face.box[2]) / 2, cy = (out_face.box[1] + out_face.box[3]) / 2;
    /* its share of the picture's height: zoomed in */
    float grow = ((out_face.box[3] - out_face.box[1]) / 480) /
                 ((src_face.box[3] - src_face.box[1]) / 720);
    if (fabsf(cx - 320) > 0.1f * 640 || cy < 0.2f * 480 || cy > 0.55f * 480 || grow < 1.3f)
        report("FAIL", "vcam_framed_face",
               "face at %.0f,%.0f in the 640x480 output (want the middle, upper half), %.2fx "
               "its share of the camera picture",
               cx, cy, grow);
    else
        report("PASS", "vcam_framed_face",
               "face %.3f at [%.0f %.0f %.0f %.0f]: centre %.0f,%.0f of 640x480, %.2fx its share of "
               "the camera picture's height",
               out_face.score, out_face.box[0], out_face.box[1], out_face.box[2], out_face.box[3],
               cx, cy, grow);
done:
    mtcam_frame_free(&scene);
    mtcam_frame_free(&back);
    mtcnn_detector_destroy(det);
    mtcnn_model_free(model);
}

/* Pushes frames for `ms`. */
static void push_for(vcam *v, mtcam_frame *f, int ms)
{
    int64_t t0 = mtcam_now_ns();
    do {
        f->timestamp_ns = mtcam_now_ns();
        vcam_push(v, f, NULL);
        mtcam_sleep_ms(30);
    } while (mtcam_ms_since(t0) < ms);
}

/* Pushes frames for up to `ms` until the status matches `state` with `events` events. */
static int push_until(vcam *v, mtcam_frame *f, vcam_state state, uint64_t events, int ms,
                      vcam_status *st)
{
    int64_t t0 = mtcam_now_ns();
    do {
        f->timestamp_ns = mtcam_now_ns();
        vcam_push(v, f, NULL);
        mtcam_sleep_ms(30);
        vcam_get_status(v, st);
        if (st->state == state && st->events == events)
            return 1;
    } while (mtcam_ms_since(t0) < ms);
    return 0;
}

/* vivid's Disconnect unregisters its nodes (opens then fail with ENODEV, as for a USB device
 * pulled out) until every handle on them is closed. The test holds one on the capture node, so
 * the virtual camera, which closes its own, has to retry until the test lets go. */
static void case_unplug(const mtcam_frame *photo)
{
    const char *name = "vcam_unplug";
    int held = open(CAP_DEV, O_RDWR);
    uint32_t disconnect = held >= 0 ? control_id(held, "Disconnect") : 0;
    if (!disconnect) {
        report("SKIP", name, "this vivid has no 'Disconnect' control");
        if (held >= 0)
            close(held);
        return;
    }
    mtcam_frame scene = {0};
    make_scene(photo, 640, 480, 64, 40, 400, &scene);
    vcam_options vo = {.device = {.width = 640, .height = 480, .format = VCAM_FORMAT_YUYV},
                       .backoff_min_ms = 100,
                       .backoff_max_ms = 400};
    vcam *v = NULL;
    vcam_status st;
    char why[700] = "", gone[520] = "", retrying[520] = "";
    int64_t written_before = 0, written_at_reopen = 0;
    if (vcam_start(OUT_DEV, &vo, &v) != 0) {
        report("FAIL", name, "vcam_start: %s", mtcam_last_error());
        close(held);
        mtcam_frame_free(&scene);
        return;
    }
    push_for(v, &scene, 1000);
    vcam_get_status(v, &st);
    written_before = st.frames_written;
    struct v4l2_control c = {.id = disconnect, .value = 0};
    if (xioctl(held, VIDIOC_S_CTRL, &c) != 0) {
        snprintf(why, sizeof why, "pressing Disconnect: %s", strerror(errno));
        goto done;
    }
    if (!push_until(v, &scene, VCAM_RETRYING, 1, 5000, &st)) {
        snprintf(why, sizeof why, "not noticed: [%d, %llu events] %.400s", st.state,
                 (unsigned long long)st.events, st.status);
        goto done;
    }
    snprintf(gone, sizeof gone, "%s", st.status);
    printf("%s: after Disconnect: %s\n", name, gone);
    if (!strstr(gone, "ENODEV") && !strstr(gone, "gone")) {
        snprintf(why, sizeof why, "unclear status: %s", gone);
        goto done;
    }
    /* 1.5 s unplugged: retried with backoff, still the one event */
    push_for(v, &scene, 1500);
    vcam_get_status(v, &st);
    snprintf(retrying, sizeof retrying, "%s", st.status);
    printf("%s: while unplugged: %s\n", name, retrying);
    if (st.events != 1 || st.state != VCAM_RETRYING || !strstr(st.status, "attempt")) {
        snprintf(why, sizeof why, "while unplugged: [%d, %llu events] %.400s", st.state,
                 (unsigned long long)st.events, st.status);
        goto done;
    }
    close(held); /* the last handle: vivid plugs the device back */
    held = -1;
    if (!push_until(v, &scene, VCAM_RUNNING, 2, 8000, &st)) {
        snprintf(why, sizeof why, "not reopened: [%d, %llu events] %.400s", st.state,
                 (unsigned long long)st.events, st.status);
        goto done;
    }
    written_at_reopen = st.frames_written;
    push_for(v, &scene, 1000); /* a second of frames after it */
done:
    vcam_stop(v, &st);
    if (held >= 0)
        close(held);
    if (why[0])
        report("FAIL", name, "%s", why);
    else if (st.frames_written <= written_at_reopen || written_before < 1)
        report("FAIL", name, "frames written: %lld before, %lld at the reopening, %lld at the end",
               (long long)written_before, (long long)written_at_reopen,
               (long long)st.frames_written);
    else
        report("PASS", name,
               "'%s', then '%s', then '%s' (reopens %lld, %lld frames written, %lld dropped)",
               gone, retrying, st.status, (long long)st.reopens, (long long)st.frames_written,
               (long long)st.frames_dropped);
    mtcam_frame_free(&scene);
}

void vcam_guest_cases(const char *results, const char *face_path, const char *model_path)
{
    case_not_output();
    case_io();
    mtcam_frame photo = {0};
    if (capture_image_load(face_path, &photo) != 0) {
        report("FAIL", "vcam_yuyv_mmap", "%s", mtcam_last_error());
        return;
    }
    case_loops(results, &photo);
    case_framed(results, &photo, model_path);
    case_unplug(&photo);
    mtcam_frame_free(&photo);
}
