/* record.c - the encoder thread behind a bounded queue of preallocated frames.
 * One producer (record_push) and one consumer (the thread): a slot is filled outside the lock
 * because the consumer never looks at a slot before `count` says it is there. */
#include "record.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avi-write.h"
#include "clock.h"
#include "err.h"
#include "image-write.h"
#include "vcam-convert.h"

enum { DEFAULT_QUEUE = 8, DEFAULT_QUALITY = 85 };

struct recorder {
    record_options opt;
    avi_writer *avi;
    pthread_t thread;
    int thread_started;

    pthread_mutex_t lock;
    pthread_cond_t wake;
    mtcam_frame *slots;
    int n_slots, head, count; /* guarded by lock */
    int stopping;             /* guarded by lock */
    int error;                /* guarded by lock */
    record_status status;     /* guarded by lock */
    int64_t start_ns;

    /* encoder thread only */
    render_image_jpeg_encoder *jpeg;
    int64_t first_ts, last_ts; /* timestamps of the first and last frame written */

    /* record_push's thread only */
    vcam_scaler scaler;
};

/* Letterboxes `f` into `dst` (the recording's size): scaled to fit, black bars. */
static int letterbox(recorder *r, const mtcam_frame *f, mtcam_frame *dst)
{
    int x, y, w, h;
    vcam_fit(f->width, f->height, dst->width, dst->height, &x, &y, &w, &h);
    for (int row = 0; row < dst->height; row++)
        memset(dst->data + (ptrdiff_t)row * dst->stride, 0, (size_t)dst->width * 3);
    framing_rect all = {0, 0, (float)f->width, (float)f->height};
    int rc = vcam_scale_rgb(&r->scaler, f->data, f->stride, f->width, f->height, all,
                            dst->data + (ptrdiff_t)y * dst->stride + (ptrdiff_t)x * 3,
                            dst->stride, w, h);
    dst->timestamp_ns = f->timestamp_ns;
    dst->seq = f->seq;
    return rc;
}

static void *encoder_main(void *arg)
{
    recorder *r = arg;
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->count == 0 && !r->stopping)
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->count == 0)
            break; /* stopping and drained */
        mtcam_frame *f = &r->slots[r->head];
        pthread_mutex_unlock(&r->lock);

        const uint8_t *jpeg = NULL;
        size_t size = 0;
        int rc = render_image_jpeg_encode(r->jpeg, f, r->opt.quality, &jpeg, &size);
        if (rc == 0)
            rc = avi_writer_add_jpeg(r->avi, jpeg, size);

        pthread_mutex_lock(&r->lock);
        r->head = (r->head + 1) % r->n_slots;
        r->count--;
        if (rc < 0) {
            r->error = rc;
            r->status.failed = 1;
            snprintf(r->status.error, sizeof r->status.error, "%s", mtcam_last_error());
            break; /* the writer has finalised the file already */
        }
        r->status.frames_written = avi_writer_frames(r->avi);
        r->status.bytes = avi_writer_bytes(r->avi);
        if (r->opt.measure_fps) {
            /* The rate the frames came at, so the file plays in the time it took. */
            int64_t ts = f->timestamp_ns;
            if (r->status.frames_written == 1)
                r->first_ts = ts;
            r->last_ts = ts;
            if (r->status.frames_written >= 2 && r->last_ts > r->first_ts) {
                double fps = (double)(r->status.frames_written - 1) * 1e9 /
                             (double)(r->last_ts - r->first_ts);
                if (fps > 0.01 && fps < 1000 && avi_writer_set_fps(r->avi, fps) == 0)
                    r->status.fps = fps;
            }
        }
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static void free_recorder(recorder *r)
{
    if (r->slots) {
        for (int i = 0; i < r->n_slots; i++)
            mtcam_frame_free(&r->slots[i]);
        free(r->slots);
    }
    render_image_jpeg_encoder_destroy(r->jpeg);
    vcam_scaler_free(&r->scaler);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

int record_start(const char *path, const record_options *opt, recorder **out)
{
    *out = NULL;
    if (!opt || opt->width <= 0 || opt->height <= 0)
        return mtcam_set_error(MTCNN_EINVAL, "%s: bad recording size", path ? path : "(null)");
    recorder *r = calloc(1, sizeof *r);
    if (!r)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    r->opt = *opt;
    if (r->opt.quality <= 0 || r->opt.quality > 100)
        r->opt.quality = DEFAULT_QUALITY;
    r->n_slots = r->opt.queue_frames > 0 ? r->opt.queue_frames : DEFAULT_QUEUE;
    int rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the queue", path);
    r->slots = calloc((size_t)r->n_slots, sizeof *r->slots);
    if (!r->slots)
        goto fail;
    for (int i = 0; i < r->n_slots; i++)
        if ((rc = mtcam_frame_alloc(&r->slots[i], opt->width, opt->height)) < 0)
            goto fail;
    if ((rc = render_image_jpeg_encoder_create(&r->jpeg)) < 0)
        goto fail;

    avi_writer_options ao = {.width = opt->width,
                             .height = opt->height,
                             .fps = opt->fps > 0 ? opt->fps : 25.0,
                             .max_part_bytes = opt->max_part_bytes,
                             .exclusive = opt->exclusive};
    if ((rc = avi_writer_open(path, &ao, &r->avi)) < 0)
        goto fail;
    r->status.fps = ao.fps;
    r->start_ns = mtcam_now_ns();
    if (pthread_create(&r->thread, NULL, encoder_main, r) != 0) {
        avi_writer_close(r->avi);
        remove(path);
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: cannot start the encoder thread", path);
        goto fail;
    }
    r->thread_started = 1;
    *out = r;
    return 0;
fail:
    free_recorder(r);
    return rc;
}

int record_push(recorder *r, const mtcam_frame *f)
{
    pthread_mutex_lock(&r->lock);
    int error = r->error, full = r->count == r->n_slots;
    int tail = (r->head + r->count) % r->n_slots;
    if (!error && full)
        r->status.frames_dropped++;
    pthread_mutex_unlock(&r->lock);
    if (error)
        return error;
    if (full)
        return 0;
    /* Only this thread fills slots, and the encoder does not read `tail` before count grows. */
    int scaled = f->width != r->opt.width || f->height != r->opt.height;
    int rc = scaled ? letterbox(r, f, &r->slots[tail]) : mtcam_frame_copy(&r->slots[tail], f);
    pthread_mutex_lock(&r->lock);
    if (rc < 0) {
        r->status.frames_dropped++; /* out of memory: the frame is lost, not the recording */
    } else {
        r->count++;
        r->status.frames_scaled += scaled;
        pthread_cond_signal(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
    return rc < 0 ? 0 : 1;
}

void record_get_status(recorder *r, record_status *st)
{
    pthread_mutex_lock(&r->lock);
    *st = r->status;
    pthread_mutex_unlock(&r->lock);
    st->elapsed_s = (double)(mtcam_now_ns() - r->start_ns) * 1e-9;
}

int record_stop(recorder *r, record_status *final)
{
    if (final)
        memset(final, 0, sizeof *final);
    if (!r)
        return 0;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    if (r->thread_started)
        pthread_join(r->thread, NULL);
    int rc = avi_writer_close(r->avi);
    if (final) {
        /* After the drain: every frame that made it into the file is counted. */
        record_get_status(r, final);
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s", mtcam_last_error());
    if (r->error) {
        rc = r->error;
        snprintf(msg, sizeof msg, "%s", r->status.error);
    }
    free_recorder(r);
    if (rc)
        mtcam_set_error(rc, "%s", msg);
    return rc;
}
