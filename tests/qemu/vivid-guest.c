/* vivid-guest.c - runs inside the QEMU guest (tests/qemu/run-vivid.sh) against the kernel's
 * vivid driver, through the project's unchanged capture code:
 *   list      capture_list_devices names vivid and its 640x480 RGB24 mode
 *   rate      640x480 RGB24 frames arrive at the 25 fps asked for (+-20%)
 *   not_capture  the output node is refused with a clear message
 *   loopback  a face photo streamed into vivid's HDMI output comes out of its HDMI capture
 *             input bit for bit (vivid's "Loop Video"), read by capture_open/capture_read
 *   detect    the engine, with the shipped model (models/mtcam.mtcnn), finds the face in the
 *             captured frame
 *   detect_original  the same with the original MTCNN weights (converted from ../shared by
 *             the test original_model.convert; skipped without them)
 *   unplug    vivid's "Disconnect" control unplugs the camera mid-stream: the capture thread
 *             reports it, retries while it is away, and picks it up again once it is back
 *             (when the test lets go of its own handle), and no frame captured before the
 *             replug is handed over after the reopening
 *   unplug_cycles  the same N times in a row (only this, when run-vivid.sh writes
 *             /unplug-cycles.txt: MTCAM_VIVID_UNPLUG_CYCLES=N; the slow test qemu.vivid.unplug_20)
 *   vcam_*    the virtual camera writing to the output node (vivid-vcam.c)
 * Each case prints "PASS name", "FAIL name: why" or "SKIP name: why" to summary.txt in the
 * results folder (and to the console). Exit status: 0 unless a case failed. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/v4l2-dv-timings.h>
#include <linux/videodev2.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "clock.h"
#include "err.h"
#include "image-file.h"
#include "mtcnn.h"
#include "thread.h"
#include "vivid-vcam.h"

#define CAP_DEV "/dev/video0"
#define OUT_DEV "/dev/video1"
#define W 640
#define H 480

static FILE *summary;
static int failures;
static const char *results_dir;

void report(const char *verdict, const char *name, const char *fmt, ...)
{
    char why[600] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
    }
    for (FILE *f = stdout;; f = summary) {
        fprintf(f, "%s %s%s%s\n", verdict, name, why[0] ? ": " : "", why);
        fflush(f);
        if (f == summary)
            break;
    }
    if (!strcmp(verdict, "FAIL"))
        failures++;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do
        r = ioctl(fd, req, arg);
    while (r < 0 && errno == EINTR);
    return r;
}

static void save_ppm(const char *name, const uint8_t *data, ptrdiff_t stride, int w, int h)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", results_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fprintf(f, "P6\n%d %d\n255\n", w, h);
    for (int y = 0; y < h; y++)
        fwrite(data + y * stride, 1, 3 * (size_t)w, f);
    fclose(f);
}

/* ---- list, rate, output node ---------------------------------------------------------------- */

static void case_list(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    int n = capture_list_devices(out);
    fclose(out);
    char path[512];
    snprintf(path, sizeof path, "%s/list-devices.txt", results_dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    fputs(text, stdout);
    if (n < 1)
        report("FAIL", "list", "capture_list_devices found %d capture devices", n);
    else if (!strstr(text, "0: /dev/video0: 'vivid"))
        report("FAIL", "list", "no '0: /dev/video0: 'vivid...' line");
    else if (!strstr(text, "640x480") || !strstr(text, "RGB3"))
        report("FAIL", "list", "640x480 RGB3 not listed");
    else if (!strstr(text, "/dev/video1") || !strstr(text, "not a capture device"))
        report("FAIL", "list", "the output node /dev/video1 is not shown as such");
    else
        report("PASS", "list", "%d capture device(s)", n);
    free(text);
}

static void case_rate(void)
{
    capture_options o;
    capture_options_default(&o);
    o.width = W;
    o.height = H;
    o.fps = 25;
    capture_source *src;
    int rc = capture_open(CAP_DEV, &o, &src);
    if (rc) {
        report("FAIL", "rate", "%s", mtcam_last_error());
        return;
    }
    printf("opened: %s\n", capture_describe(src));
    if (!strstr(capture_describe(src), "640x480 RGB24 25 fps")) {
        report("FAIL", "rate", "granted: %s", capture_describe(src));
        capture_close(src);
        return;
    }
    int n = 0;
    int64_t first = 0, last = 0, t0 = 0;
    uint64_t prev_seq = 0;
    for (int i = 0; i < 3 + 50; i++) {
        const mtcam_frame *f;
        rc = capture_read(src, &f, 2000);
        if (rc) {
            report("FAIL", "rate", "frame %d: %s", i, mtcam_last_error());
            capture_close(src);
            return;
        }
        if (f->width != W || f->height != H || f->stride < 3 * W || (i && f->seq != prev_seq + 1)) {
            report("FAIL", "rate", "frame %d: %dx%d stride %td seq %llu", i, f->width, f->height,
                   f->stride, (unsigned long long)f->seq);
            capture_close(src);
            return;
        }
        prev_seq = f->seq;
        if (i == 3) { /* skip the start-up frames */
            first = f->timestamp_ns;
            t0 = mtcam_now_ns();
        }
        if (i >= 3) {
            last = f->timestamp_ns;
            n++;
        }
        if (i == 10)
            save_ppm("rate-frame.ppm", f->data, f->stride, f->width, f->height);
    }
    double fps = (n - 1) * 1e9 / (double)(last - first);
    double wall = (n - 1) * 1e3 / mtcam_ms_since(t0);
    capture_close(src);
    if (fps < 20 || fps > 30 || wall < 20 || wall > 30)
        report("FAIL", "rate", "asked 25 fps, measured %.2f fps (timestamps), %.2f (wall clock)",
               fps, wall);
    else
        report("PASS", "rate", "asked 25 fps, measured %.2f fps (timestamps), %.2f (wall clock)",
               fps, wall);
}

static void case_not_capture(void)
{
    capture_source *src = NULL;
    int rc = capture_open(OUT_DEV, NULL, &src);
    if (rc == MTCNN_EUNSUPPORTED && strstr(mtcam_last_error(), "not a video capture device"))
        report("PASS", "not_capture", "%s", mtcam_last_error());
    else
        report("FAIL", "not_capture", "got %d: %s", rc, rc ? mtcam_last_error() : "opened");
    capture_close(src);
}

/* ---- vivid's video loopback ------------------------------------------------------------------ */

/* The id of the control named `name`, or 0. */
static uint32_t find_control(int fd, const char *name)
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

static int set_control(int fd, const char *name, int value, char *err, size_t esize)
{
    uint32_t id = find_control(fd, name);
    if (!id) {
        snprintf(err, esize, "no '%s' control", name);
        return -1;
    }
    struct v4l2_control c = {.id = id, .value = value};
    if (xioctl(fd, VIDIOC_S_CTRL, &c) != 0) {
        snprintf(err, esize, "setting '%s': %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* Index of the input (or output) whose name contains "HDMI", or -1. */
static int find_hdmi(int fd, int output)
{
    for (uint32_t i = 0; i < 16; i++) {
        if (output) {
            struct v4l2_output o = {.index = i};
            if (xioctl(fd, VIDIOC_ENUMOUTPUT, &o) != 0)
                break;
            if (strstr((const char *)o.name, "HDMI"))
                return (int)i;
        } else {
            struct v4l2_input in = {.index = i};
            if (xioctl(fd, VIDIOC_ENUMINPUT, &in) != 0)
                break;
            if (strstr((const char *)in.name, "HDMI"))
                return (int)i;
        }
    }
    return -1;
}

static int select_hdmi(int fd, int output, char *err, size_t esize)
{
    int idx = find_hdmi(fd, output);
    if (idx < 0) {
        snprintf(err, esize, "no HDMI %s", output ? "output" : "input");
        return -1;
    }
    int r = xioctl(fd, output ? VIDIOC_S_OUTPUT : VIDIOC_S_INPUT, &idx);
#pragma GCC diagnostic push /* the kernel's macro leaves trailing fields to zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    struct v4l2_dv_timings t = V4L2_DV_BT_CEA_640X480P59_94;
#pragma GCC diagnostic pop
    if (r == 0)
        r = xioctl(fd, VIDIOC_S_DV_TIMINGS, &t);
    if (r != 0) {
        snprintf(err, esize, "selecting HDMI %s %d at 640x480p59.94: %s",
                 output ? "output" : "input", idx, strerror(errno));
        return -1;
    }
    return 0;
}

/* The feeder: streams `img` (640x480 RGB24, tightly packed) into the output node until killed. */
static void feeder(const uint8_t *img, int ready_fd)
{
    char err[256] = "";
    int fd = open(OUT_DEV, O_RDWR);
    struct v4l2_format fmt;
    memset(&fmt, 0, sizeof fmt);
    void *bufs[4];
    unsigned n = 0;
    if (fd < 0) {
        snprintf(err, sizeof err, "open %s: %s", OUT_DEV, strerror(errno));
        goto fail;
    }
    if (select_hdmi(fd, 1, err, sizeof err))
        goto fail;
    fmt.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    fmt.fmt.pix.width = W;
    fmt.fmt.pix.height = H;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(fd, VIDIOC_S_FMT, &fmt) != 0 || xioctl(fd, VIDIOC_G_FMT, &fmt) != 0) {
        snprintf(err, sizeof err, "output format: %s", strerror(errno));
        goto fail;
    }
    if (fmt.fmt.pix.width != W || fmt.fmt.pix.height != H ||
        fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_RGB24) {
        snprintf(err, sizeof err, "output format granted %ux%u", fmt.fmt.pix.width,
                 fmt.fmt.pix.height);
        goto fail;
    }
    struct v4l2_requestbuffers req = {
        .count = 3, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
    if (xioctl(fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 2) {
        snprintf(err, sizeof err, "output REQBUFS: %s", strerror(errno));
        goto fail;
    }
    for (n = 0; n < req.count && n < 4; n++) {
        struct v4l2_buffer b = {
            .index = n, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(fd, VIDIOC_QUERYBUF, &b) != 0) {
            snprintf(err, sizeof err, "output QUERYBUF: %s", strerror(errno));
            goto fail;
        }
        bufs[n] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
        if (bufs[n] == MAP_FAILED) {
            snprintf(err, sizeof err, "output mmap: %s", strerror(errno));
            goto fail;
        }
        for (int y = 0; y < H; y++)
            memcpy((uint8_t *)bufs[n] + (size_t)y * fmt.fmt.pix.bytesperline, img + y * 3 * W,
                   3 * W);
        b.bytesused = fmt.fmt.pix.sizeimage;
        b.field = V4L2_FIELD_NONE;
        if (xioctl(fd, VIDIOC_QBUF, &b) != 0) {
            snprintf(err, sizeof err, "output QBUF: %s", strerror(errno));
            goto fail;
        }
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    if (xioctl(fd, VIDIOC_STREAMON, &type) != 0) {
        snprintf(err, sizeof err, "output STREAMON: %s", strerror(errno));
        goto fail;
    }
    if (write(ready_fd, "ok", 2) != 2)
        _exit(1);
    for (;;) { /* give every displayed buffer straight back */
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 1000) <= 0)
            continue;
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(fd, VIDIOC_DQBUF, &b) == 0) {
            b.bytesused = fmt.fmt.pix.sizeimage;
            b.field = V4L2_FIELD_NONE;
            xioctl(fd, VIDIOC_QBUF, &b);
        }
    }
fail:
    if (write(ready_fd, err, strlen(err)) < 0)
        _exit(1);
    _exit(1);
}

/* The face photo letterboxed into a 640x480 RGB24 picture (packed rows). */
static uint8_t *make_picture(const char *face_path, char *err, size_t esize)
{
    mtcam_frame photo = {0};
    if (capture_image_load(face_path, &photo) != 0) {
        snprintf(err, esize, "%s", mtcam_last_error());
        return NULL;
    }
    uint8_t *img = calloc(1, 3 * W * H);
    if (!img) {
        mtcam_frame_free(&photo);
        return NULL;
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            /* centre the photo; pixels outside it keep a grey-blue backdrop */
            int sx = x - (W - photo.width) / 2, sy = y - (H - photo.height) / 2;
            uint8_t *o = img + 3 * (y * W + x);
            if (sx >= 0 && sy >= 0 && sx < photo.width && sy < photo.height)
                memcpy(o, photo.data + sy * photo.stride + 3 * sx, 3);
            else
                o[0] = 60, o[1] = 70, o[2] = 90;
        }
    mtcam_frame_free(&photo);
    return img;
}

static int detect_best(mtcnn_detector *det, const uint8_t *data, ptrdiff_t stride, mtcnn_face *best,
                       int *count)
{
    mtcnn_image im = {data, W, H, stride, MTCNN_PIXEL_RGB24};
    const mtcnn_face *faces;
    int rc = mtcnn_detect(det, &im, &faces, count);
    if (rc == 0 && *count > 0)
        *best = faces[0];
    return rc;
}

static float iou(const float *a, const float *b)
{
    float x1 = fmaxf(a[0], b[0]), y1 = fmaxf(a[1], b[1]);
    float x2 = fminf(a[2], b[2]), y2 = fminf(a[3], b[3]);
    float inter = fmaxf(0, x2 - x1 + 1) * fmaxf(0, y2 - y1 + 1);
    float aa = (a[2] - a[0] + 1) * (a[3] - a[1] + 1), bb = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
    return inter / (aa + bb - inter);
}

/* The detect cases: the shipped model, which is always there, and the original weights,
 * which are only there when ../shared was. */
typedef struct detect_case {
    const char *name;
    const char *model_path; /* in the guest, or NULL when the host had none */
    int required;           /* 1: a missing model is a failure, 0: the case is skipped */
    const char *absent;     /* why it may be missing */
} detect_case;

static void skip_detect(const detect_case *cases, int n, const char *why)
{
    for (int i = 0; i < n; i++)
        report("SKIP", cases[i].name, "%s", why);
}

static void case_detect(const uint8_t *picture, const mtcam_frame *captured, const detect_case *dc)
{
    const char *name = dc->name, *model_path = dc->model_path;
    if (!model_path || !*model_path || access(model_path, R_OK) != 0) {
        report(dc->required ? "FAIL" : "SKIP", name, "no model in the guest: %s", dc->absent);
        return;
    }
    mtcnn_model *model = NULL;
    mtcnn_detector *det = NULL;
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    opt.min_face = 48; /* the face is ~200 px: a shorter pyramid keeps TCG emulation quick */
    if (mtcnn_model_load(model_path, &model) || mtcnn_detector_create(model, &opt, &det)) {
        report("FAIL", name, "engine: %s", mtcnn_last_error());
        mtcnn_model_free(model);
        return;
    }
    mtcnn_face on_capture, on_original;
    int n_cap = 0, n_orig = 0;
    int64_t t0 = mtcam_now_ns();
    int rc = detect_best(det, captured->data, captured->stride, &on_capture, &n_cap);
    double ms = mtcam_ms_since(t0);
    if (rc == 0)
        rc = detect_best(det, picture, 3 * W, &on_original, &n_orig);
    if (rc)
        report("FAIL", name, "mtcnn_detect: %s", mtcnn_last_error());
    else if (n_cap < 1)
        report("FAIL", name, "no face found in the captured frame (%d in the original)", n_orig);
    else if (on_capture.score < 0.9f)
        report("FAIL", name, "best face score %.3f < 0.9", on_capture.score);
    else if (n_orig < 1 || iou(on_capture.box, on_original.box) < 0.95f)
        report("FAIL", name, "captured-frame face differs from the original's (%d faces)", n_orig);
    else
        report("PASS", name,
               "%d face(s); best %.3f at [%.0f %.0f %.0f %.0f], same as on the original; %.0f ms "
               "under emulation",
               n_cap, on_capture.score, on_capture.box[0], on_capture.box[1], on_capture.box[2],
               on_capture.box[3], ms);
    mtcnn_detector_destroy(det);
    mtcnn_model_free(model);
}

static void case_loopback(const char *face_path, const detect_case *detects, int n_detects)
{
    char err[300] = "";
    uint8_t *picture = make_picture(face_path, err, sizeof err);
    if (!picture) {
        report("FAIL", "loopback", "face photo: %s", err);
        skip_detect(detects, n_detects, "no loopback frame");
        return;
    }
    /* the capture node: HDMI input at the same timings, loop on, no text drawn over it */
    int fd = open(CAP_DEV, O_RDWR);
    if (fd < 0 || select_hdmi(fd, 0, err, sizeof err) ||
        set_control(fd, "Loop Video", 1, err, sizeof err) ||
        set_control(fd, "OSD Text Mode", 2, err, sizeof err)) {
        if (fd < 0)
            snprintf(err, sizeof err, "open %s: %s", CAP_DEV, strerror(errno));
        report("FAIL", "loopback", "%s", err);
        skip_detect(detects, n_detects, "no loopback frame");
        if (fd >= 0)
            close(fd);
        free(picture);
        return;
    }
    close(fd); /* vivid keeps these settings: the capture code below opens the node afresh */
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        free(picture);
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        close(pipefd[0]);
        feeder(picture, pipefd[1]);
    }
    close(pipefd[1]);
    char msg[300] = "";
    ssize_t got = read(pipefd[0], msg, sizeof msg - 1);
    close(pipefd[0]);
    msg[got > 0 ? got : 0] = 0;
    capture_source *src = NULL;
    mtcam_frame captured = {0};
    if (strcmp(msg, "ok") != 0) {
        report("FAIL", "loopback", "feeder: %s", msg[0] ? msg : "died");
        goto done;
    }
    capture_options o;
    capture_options_default(&o);
    o.width = W;
    o.height = H;
    if (capture_open(CAP_DEV, &o, &src) != 0) {
        report("FAIL", "loopback", "%s", mtcam_last_error());
        goto done;
    }
    printf("loopback capture: %s\n", capture_describe(src));
    /* the first frames may predate the loop: wait for one that matches */
    double best_mean = 1e9;
    long best_exact = 0;
    for (int i = 0; i < 40; i++) {
        const mtcam_frame *f;
        if (capture_read(src, &f, 2000) != 0) {
            report("FAIL", "loopback", "frame %d: %s", i, mtcam_last_error());
            goto done;
        }
        if (f->width != W || f->height != H)
            continue;
        double sum = 0;
        long exact = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < 3 * W; x++) {
                int d = abs(f->data[y * f->stride + x] - picture[y * 3 * W + x]);
                sum += d;
                exact += d == 0;
            }
        double mean = sum / (3.0 * W * H);
        if (mean < best_mean) {
            best_mean = mean;
            best_exact = exact;
            mtcam_frame_copy(&captured, f);
        }
        if (exact == 3L * W * H)
            break;
    }
    save_ppm("loopback-sent.ppm", picture, 3 * W, W, H);
    if (captured.data)
        save_ppm("loopback-captured.ppm", captured.data, captured.stride, W, H);
    if (best_mean > 0.5 || best_exact < 3L * W * H * 99 / 100) {
        report("FAIL", "loopback", "best frame: mean |diff| %.3f, %.2f%% of bytes exact", best_mean,
               100.0 * best_exact / (3.0 * W * H));
        skip_detect(detects, n_detects, "no loopback frame");
    } else {
        report("PASS", "loopback", "%s; mean |diff| %.3f, %.2f%% of bytes exact",
               capture_describe(src), best_mean, 100.0 * best_exact / (3.0 * W * H));
        for (int i = 0; i < n_detects; i++)
            case_detect(picture, &captured, &detects[i]);
    }
done:
    capture_close(src);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    mtcam_frame_free(&captured);
    free(picture);
}

/* ---- unplug and replug ------------------------------------------------------------------------
 */

static int wait_state(capture_thread *th, const char *text, int ms, capture_thread_stats *st)
{
    int64_t t0 = mtcam_now_ns();
    do {
        capture_thread_get_stats(th, st);
        if (strstr(st->status, text))
            return 1;
        mtcam_sleep_ms(20);
    } while (mtcam_ms_since(t0) < ms);
    return 0;
}

/* One cycle. vivid's "Disconnect" unregisters the capture node as a USB camera being pulled out
 * (opens fail with ENODEV) until every handle on it is closed; then the device is back. The
 * test holds a handle of its own, presses Disconnect, waits until the thread has noticed and
 * failed to reopen at least once (the camera is really gone), and lets go: the replug. Then for
 * `fresh_ms` every frame handed over must have been captured after the replug (vivid stamps
 * buffers with CLOCK_MONOTONIC, the guest's clock: nothing from before the unplug may be shown
 * as if it were new) and come with a higher sequence number. */
static int unplug_cycle(capture_thread *th, uint32_t disconnect, mtcam_frame *f, int fresh_ms,
                        char *first_status, size_t fs_size, char *why, size_t why_size)
{
    capture_thread_stats st;
    int held = open(CAP_DEV, O_RDWR);
    struct v4l2_control c = {.id = disconnect, .value = 0};
    if (held < 0 || xioctl(held, VIDIOC_S_CTRL, &c) != 0) {
        snprintf(why, why_size, "pressing Disconnect: %s", strerror(errno));
        if (held >= 0)
            close(held);
        return 1;
    }
    if (!wait_state(th, "reopening", 5000, &st)) {
        snprintf(why, why_size, "the thread did not notice: %s", st.status);
        close(held);
        return 1;
    }
    if (!strstr(st.status, "unplugged") && !strstr(st.status, "no such device") &&
        !strstr(st.status, "stalled")) {
        snprintf(why, why_size, "unclear status: %s", st.status);
        close(held);
        return 1;
    }
    if (first_status)
        snprintf(first_status, fs_size, "%s", st.status);
    /* the camera stays away: the next attempt fails too */
    if (!wait_state(th, "(attempt 2)", 5000, &st)) {
        snprintf(why, why_size, "no second attempt while unplugged: %s", st.status);
        close(held);
        return 1;
    }
    /* Frames the thread still held from before the unplug may be handed over now: take them,
     * so what comes after the reopening is judged on its own. */
    uint64_t seq = 0;
    while (capture_thread_latest(th, f, &seq) == 1) {
    }
    const uint64_t seq_before = f->seq > seq ? f->seq : seq;
    const int64_t replug_ns = mtcam_now_ns();
    close(held); /* the last handle: vivid plugs the camera back */
    if (!wait_state(th, "reopened", 8000, &st)) {
        snprintf(why, why_size, "not reopened after replugging: %s", st.status);
        return 1;
    }
    int frames = 0;
    uint64_t last = seq_before;
    const int64_t t0 = mtcam_now_ns();
    while (mtcam_ms_since(t0) < fresh_ms || frames == 0) {
        if (mtcam_ms_since(t0) > 3000 + fresh_ms) {
            snprintf(why, why_size, "no new frame after reopening: %s", st.status);
            return 1;
        }
        if (capture_thread_wait(th, f, &seq, 200) != 1)
            continue;
        if (seq <= last || f->timestamp_ns < replug_ns) {
            snprintf(why, why_size,
                     "a stale frame after the reopening: seq %llu (last %llu), captured %.1f ms "
                     "before the replug",
                     (unsigned long long)seq, (unsigned long long)last,
                     (replug_ns - f->timestamp_ns) / 1e6);
            return 1;
        }
        last = seq;
        frames++;
    }
    return 0;
}

/* `cycles` unplug/replug cycles in a row (case `name`): the thread recovers every time, counts
 * every reopening, and shows no frame older than the reopening. */
static void case_unplug(const char *name, int cycles, int fresh_ms)
{
    int fd = open(CAP_DEV, O_RDWR);
    uint32_t disconnect = fd >= 0 ? find_control(fd, "Disconnect") : 0;
    if (fd >= 0)
        close(fd);
    if (!disconnect) {
        report("SKIP", name, "this vivid has no 'Disconnect' control");
        return;
    }
    capture_options o;
    capture_options_default(&o);
    o.width = W;
    o.height = H;
    o.fps = 25;
    capture_source *src;
    if (capture_open(CAP_DEV, &o, &src) != 0) {
        report("FAIL", name, "%s", mtcam_last_error());
        return;
    }
    capture_thread_options to = {.backoff_min_ms = 100, .backoff_max_ms = 400};
    capture_thread *th;
    if (capture_thread_start(src, &to, &th) != 0) {
        report("FAIL", name, "%s", mtcam_last_error());
        return;
    }
    mtcam_frame f = {0};
    capture_thread_stats st;
    char why[600] = "", first_status[256] = "";
    int done_cycles = 0;
    double worst_ms = 0;
    const int64_t t_all = mtcam_now_ns();
    if (capture_thread_wait(th, &f, NULL, 3000) != 1) {
        snprintf(why, sizeof why, "no frame before unplugging: %s", mtcam_last_error());
        goto done;
    }
    for (int i = 0; i < cycles; i++) {
        const int64_t t = mtcam_now_ns();
        if (unplug_cycle(th, disconnect, &f, fresh_ms, i == 0 ? first_status : NULL,
                         sizeof first_status, why, sizeof why)) {
            char cycle_why[700];
            snprintf(cycle_why, sizeof cycle_why, "cycle %d of %d: %s", i + 1, cycles, why);
            snprintf(why, sizeof why, "%.590s", cycle_why);
            goto done;
        }
        const double ms = mtcam_ms_since(t);
        worst_ms = ms > worst_ms ? ms : worst_ms;
        done_cycles++;
        capture_thread_get_stats(th, &st);
        printf("%s: cycle %d: %.0f ms, [%s] %s (reopens %llu)\n", name, i + 1, ms,
               capture_thread_state_name(st.state), st.status, (unsigned long long)st.reopens);
    }
    capture_thread_get_stats(th, &st);
    if (st.reopens < (uint64_t)cycles)
        snprintf(why, sizeof why, "%d cycles but %llu reopenings counted", cycles,
                 (unsigned long long)st.reopens);
done:
    capture_thread_stop(th);
    mtcam_frame_free(&f);
    if (why[0])
        report("FAIL", name, "%s (%d cycles done)", why, done_cycles);
    else
        report("PASS", name,
               "%d cycles in %.1f s (slowest %.0f ms): '%s', then '%s' (reopens %llu); no frame "
               "older than its reopening",
               cycles, mtcam_ms_since(t_all) / 1000, worst_ms, first_status, st.status,
               (unsigned long long)st.reopens);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s RESULTS-DIR FACE.jpg RELOAD-COMMAND [MODEL [OWN-MODEL]]\n",
                argv[0]);
        return 2;
    }
    results_dir = argv[1];
    char path[512];
    snprintf(path, sizeof path, "%s/summary.txt", results_dir);
    summary = fopen(path, "w");
    if (!summary) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    const char *model = argc > 4 && argv[4][0] ? argv[4] : NULL;
    const char *own_model = argc > 5 ? argv[5] : NULL;
    const detect_case detects[] = {
        {"detect", own_model, 1, "run-vivid.sh was given no models/mtcam.mtcnn"},
        {"detect_original", model, 0,
         "the original weights are converted by the test original_model.convert from "
         "../shared (absent here)"},
    };
    int64_t t0 = mtcam_now_ns();
    if (access("/unplug-cycles.txt", R_OK) == 0)
        goto unplug_only;
    case_list();
    case_rate();
    case_not_capture();
    case_loopback(argv[2], detects, (int)(sizeof detects / sizeof detects[0]));
unplug_only:;
    /* /unplug-cycles.txt (run-vivid.sh, MTCAM_VIVID_UNPLUG_CYCLES): only the long unplug run */
    FILE *uc = fopen("/unplug-cycles.txt", "r");
    int cycles = 0;
    if (uc) {
        if (fscanf(uc, "%d", &cycles) != 1)
            cycles = 0;
        fclose(uc);
    }
    if (cycles > 0) {
        case_unplug("unplug_cycles", cycles, 500);
        fprintf(summary, "guest test time %.1f s\n", mtcam_ms_since(t0) / 1000);
        fclose(summary);
        return failures ? 1 : 0;
    }
    case_unplug("unplug", 1, 300);
    vcam_guest_cases(results_dir, argv[2], own_model);
    fprintf(summary, "guest test time %.1f s\n", mtcam_ms_since(t0) / 1000);
    fclose(summary);
    return failures ? 1 : 0;
}
