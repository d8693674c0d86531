/* vcam.c - the virtual camera's output thread behind a bounded queue (vcam.h).
 * One producer (vcam_push) and one consumer (the thread), as in record.c: a slot is filled
 * outside the lock because the consumer never looks at a slot before `count` says it is
 * there. The device is only touched by the thread (after vcam_start's first open). */
#include "vcam.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "vcam-convert.h"

enum { DEFAULT_QUEUE = 3, DEFAULT_BACKOFF_MIN = 250, DEFAULT_BACKOFF_MAX = 4000, WRITE_WAIT_MS = 200 };

typedef struct vcam_slot {
    mtcam_frame frame;
    framing_rect crop;
    int has_crop;
} vcam_slot;

struct vcam {
    char path[256];
    vcam_options opt;
    pthread_t thread;
    int thread_started;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    vcam_slot *slots;
    int n_slots, head, count; /* guarded by lock */
    int stopping;             /* guarded by lock */
    vcam_status status;       /* guarded by lock */

    vcam_sink sink;
    /* output thread only (and vcam_start before the thread runs) */
    void *dev;
    mtcam_frame out;          /* the frame at the device's size */
    vcam_scaler scaler;
    int attempt, backoff_ms;
    int64_t retry_at_ns;
};

/* The V4L2 device as a sink. */
static int dev_open(void *user, const char *path, const vcam_device_options *o, void **dev)
{
    vcam_device *d = NULL;
    int rc = vcam_device_open(path, o, &d);
    *dev = d;
    return rc;
}
static int dev_write(void *d, const mtcam_frame *f, int ms) { return vcam_device_write(d, f, ms); }
static void dev_size(void *d, int *w, int *h) { vcam_device_size(d, w, h); }
static const char *dev_describe(void *d) { return vcam_device_describe(d); }
static void dev_close(void *d) { vcam_device_close(d); }
static const vcam_sink device_sink = {dev_open, dev_write, dev_size, dev_describe, dev_close, NULL};

static void set_running(vcam *v)
{
    int w, h;
    v->sink.size(v->dev, &w, &h);
    v->status.state = VCAM_RUNNING;
    v->status.width = w;
    v->status.height = h;
}

/* Under the lock: the device failed; plan the first retry. Returns the device, for the caller
 * to close outside the lock. */
static void *device_failed(vcam *v, const char *why)
{
    void *dead = v->dev;
    v->dev = NULL;
    v->attempt = 1;
    v->backoff_ms = v->opt.backoff_min_ms;
    v->retry_at_ns = mtcam_now_ns() + (int64_t)v->backoff_ms * 1000000;
    v->status.state = VCAM_RETRYING;
    v->status.events++;
    snprintf(v->status.status, sizeof v->status.status, "%.400s; reopening in %.2g s", why,
             v->backoff_ms / 1000.0);
    return dead;
}

/* Outside the lock: one reopening attempt; the status is updated under the lock. */
static void try_reopen(vcam *v)
{
    void *d = NULL;
    int rc = v->sink.open(v->sink.user, v->path, &v->opt.device, &d);
    char why[400];
    snprintf(why, sizeof why, "%s", rc < 0 ? mtcam_last_error() : "");
    pthread_mutex_lock(&v->lock);
    if (rc == 0) {
        v->dev = d;
        set_running(v);
        v->status.reopens++;
        v->status.events++;
        snprintf(v->status.status, sizeof v->status.status, "reopened after %d attempt%s: %.400s",
                 v->attempt, v->attempt == 1 ? "" : "s", v->sink.describe(d));
    } else {
        v->attempt++;
        v->backoff_ms = v->backoff_ms * 2 > v->opt.backoff_max_ms ? v->opt.backoff_max_ms
                                                                  : v->backoff_ms * 2;
        v->retry_at_ns = mtcam_now_ns() + (int64_t)v->backoff_ms * 1000000;
        snprintf(v->status.status, sizeof v->status.status,
                 "%.400s; reopening in %.2g s (attempt %d)", why, v->backoff_ms / 1000.0,
                 v->attempt);
    }
    pthread_mutex_unlock(&v->lock);
}

/* Crops or letterboxes `s` into v->out, at the device's size. */
static int compose(vcam *v, const vcam_slot *s)
{
    int w, h;
    v->sink.size(v->dev, &w, &h);
    if ((v->out.width != w || v->out.height != h) && mtcam_frame_alloc(&v->out, w, h) < 0)
        return MTCNN_ENOMEM;
    const mtcam_frame *f = &s->frame;
    v->out.timestamp_ns = f->timestamp_ns;
    v->out.seq = f->seq;
    if (s->has_crop)
        return vcam_scale_rgb(&v->scaler, f->data, f->stride, f->width, f->height, s->crop,
                              v->out.data, v->out.stride, w, h);
    int x, y, fw, fh;
    vcam_fit(f->width, f->height, w, h, &x, &y, &fw, &fh);
    if (fw != w || fh != h)
        for (int r = 0; r < h; r++)
            memset(v->out.data + r * v->out.stride, 0, 3 * (size_t)w);
    framing_rect all = {0, 0, (float)f->width, (float)f->height};
    return vcam_scale_rgb(&v->scaler, f->data, f->stride, f->width, f->height, all,
                          v->out.data + y * v->out.stride + 3 * x, v->out.stride, fw, fh);
}

static void *output_main(void *arg)
{
    vcam *v = arg;
    pthread_mutex_lock(&v->lock);
    for (;;) {
        if (!v->dev && v->status.state == VCAM_FAILED) {
            while (v->count == 0 && !v->stopping)
                pthread_cond_wait(&v->wake, &v->lock);
            v->status.frames_dropped += v->count; /* nowhere to go */
            v->head = (v->head + v->count) % v->n_slots;
            v->count = 0;
            if (v->stopping)
                break;
            continue;
        }
        if (!v->dev) {
            if (v->stopping) {
                v->status.frames_dropped += v->count; /* no device to drain them to */
                v->count = 0;
                break;
            }
            int64_t wait_ns = v->retry_at_ns - mtcam_now_ns();
            if (wait_ns > 0 && v->count == 0) {
                struct timespec ts = mtcam_deadline(CLOCK_REALTIME, (int)(wait_ns / 1000000) + 1);
                pthread_cond_timedwait(&v->wake, &v->lock, &ts);
            }
            /* No device: the frames waiting have nowhere to go. */
            v->status.frames_dropped += v->count;
            v->head = (v->head + v->count) % v->n_slots;
            v->count = 0;
            if (!v->stopping && mtcam_now_ns() >= v->retry_at_ns) {
                pthread_mutex_unlock(&v->lock);
                try_reopen(v);
                pthread_mutex_lock(&v->lock);
            }
            continue;
        }
        while (v->count == 0 && !v->stopping)
            pthread_cond_wait(&v->wake, &v->lock);
        if (v->count == 0)
            break; /* stopping and drained */
        vcam_slot *s = &v->slots[v->head];
        pthread_mutex_unlock(&v->lock);

        int rc = compose(v, s);
        if (rc == 0)
            rc = v->sink.write(v->dev, &v->out, WRITE_WAIT_MS);

        pthread_mutex_lock(&v->lock);
        v->head = (v->head + 1) % v->n_slots;
        v->count--;
        if (rc == 1)
            v->status.frames_written++;
        else
            v->status.frames_dropped++;
        /* A frame too big for a buffer is only a drop; a device that refuses frames is given
         * up; anything else closes the device and reopens it. */
        if (rc == MTCNN_EUNSUPPORTED) {
            void *dead = v->dev;
            v->dev = NULL;
            v->status.state = VCAM_FAILED;
            v->status.events++;
            snprintf(v->status.status, sizeof v->status.status, "%.400s; virtual camera off",
                     mtcam_last_error());
            pthread_mutex_unlock(&v->lock);
            v->sink.close(dead);
            pthread_mutex_lock(&v->lock);
        } else if (rc < 0 && rc != MTCNN_EFORMAT && rc != MTCNN_ENOMEM) {
            void *dead = device_failed(v, mtcam_last_error());
            pthread_mutex_unlock(&v->lock);
            v->sink.close(dead);
            pthread_mutex_lock(&v->lock);
        }
    }
    v->status.state = VCAM_STOPPED;
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

static void free_vcam(vcam *v)
{
    if (v->slots) {
        for (int i = 0; i < v->n_slots; i++)
            mtcam_frame_free(&v->slots[i].frame);
        free(v->slots);
    }
    if (v->dev)
        v->sink.close(v->dev);
    mtcam_frame_free(&v->out);
    vcam_scaler_free(&v->scaler);
    pthread_cond_destroy(&v->wake);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

int vcam_start(const char *path, const vcam_options *opt, vcam **out)
{
    *out = NULL;
    vcam *v = calloc(1, sizeof *v);
    if (!v)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path ? path : "output");
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->wake, NULL);
    if (opt)
        v->opt = *opt;
    if (v->opt.backoff_min_ms <= 0)
        v->opt.backoff_min_ms = DEFAULT_BACKOFF_MIN;
    if (v->opt.backoff_max_ms < v->opt.backoff_min_ms)
        v->opt.backoff_max_ms = v->opt.backoff_min_ms > DEFAULT_BACKOFF_MAX
                                    ? v->opt.backoff_min_ms
                                    : DEFAULT_BACKOFF_MAX;
    snprintf(v->path, sizeof v->path, "%s", path ? path : "");
    v->n_slots = v->opt.queue_frames > 0 ? v->opt.queue_frames : DEFAULT_QUEUE;
    v->sink = v->opt.sink ? *v->opt.sink : device_sink;
    int rc = v->sink.open(v->sink.user, path, &v->opt.device, &v->dev);
    if (rc < 0)
        goto fail;
    set_running(v);
    snprintf(v->status.status, sizeof v->status.status, "%s", v->sink.describe(v->dev));
    rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the queue", path);
    if (!(v->slots = calloc((size_t)v->n_slots, sizeof *v->slots)))
        goto fail;
    if (pthread_create(&v->thread, NULL, output_main, v) != 0) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: cannot start the output thread", path);
        goto fail;
    }
    v->thread_started = 1;
    *out = v;
    return 0;
fail:
    free_vcam(v);
    return rc;
}

int vcam_push(vcam *v, const mtcam_frame *f, const framing_rect *crop)
{
    pthread_mutex_lock(&v->lock);
    int full = v->count == v->n_slots;
    int tail = (v->head + v->count) % v->n_slots;
    if (full)
        v->status.frames_dropped++;
    pthread_mutex_unlock(&v->lock);
    if (full)
        return 0;
    /* Only this thread fills slots, and the output thread does not read `tail` before count
     * grows. */
    vcam_slot *s = &v->slots[tail];
    if (mtcam_frame_copy(&s->frame, f) < 0)
        return 0;
    s->has_crop = crop != NULL;
    if (crop)
        s->crop = *crop;
    pthread_mutex_lock(&v->lock);
    v->count++;
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
    return 1;
}

void vcam_get_status(vcam *v, vcam_status *st)
{
    pthread_mutex_lock(&v->lock);
    *st = v->status;
    pthread_mutex_unlock(&v->lock);
}

void vcam_stop(vcam *v, vcam_status *final)
{
    if (final)
        memset(final, 0, sizeof *final);
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    v->stopping = 1;
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
    if (v->thread_started)
        pthread_join(v->thread, NULL);
    if (final) {
        vcam_get_status(v, final);
        final->state = VCAM_STOPPED;
    }
    free_vcam(v);
}
