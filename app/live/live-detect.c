/* live-detect.c - one thread, one detector, a one-slot mailbox in and a result slot out. */
#include "live-detect.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"

struct live_detect {
    mtcnn_detector *det;
    mtcnn_tracker *trk; /* over det */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake, idle;
    /* guarded by lock */
    mtcam_frame pending;
    int has_pending, busy, stopping;
    mtcnn_options options;
    int options_changed;
    int tracking, tracking_changed;
    live_result result;
    /* detection thread only */
    mtcam_frame work;
    int64_t fps_start_ns;
    int fps_count;
    double fps;
};

static int copy_boxes(mtcnn_face **dst, int *n, const mtcnn_face *src, int count)
{
    mtcnn_face *p = NULL;
    if (count > 0) {
        p = realloc(*dst, (size_t)count * sizeof *p);
        if (!p)
            return MTCNN_ENOMEM;
        memcpy(p, src, (size_t)count * sizeof *p);
        *dst = p;
    }
    *n = count > 0 ? count : 0;
    return 0;
}

/* Publishes the detector's output as the newest result (called with the lock held). */
static void publish(live_detect *d, int rc, double ms, int stages, int tracking,
                    const mtcnn_face *faces, int n)
{
    live_result *r = &d->result;
    r->tracking = tracking;
    r->mode = tracking ? mtcnn_tracker_info(d->trk)->mode : MTCNN_FRAME_SCAN;
    r->count++;
    r->seq = d->work.seq;
    r->timestamp_ns = d->work.timestamp_ns;
    r->ms = ms;
    r->fps = d->fps;
    r->stages = stages;
    r->error = rc;
    r->message[0] = '\0';
    if (rc < 0) {
        snprintf(r->message, sizeof r->message, "%s", mtcam_last_error());
        r->n_faces = r->n_stage_boxes[0] = r->n_stage_boxes[1] = 0;
        return;
    }
    r->stats = *mtcnn_detector_stats(d->det);
    r->precision = mtcnn_detector_precision(d->det);
    copy_boxes(&r->faces, &r->n_faces, faces, n);
    for (int s = 1; s <= 2; s++) {
        const mtcnn_face *b = NULL;
        int nb = 0;
        if (s < stages && mtcnn_detector_stage_boxes(d->det, s, &b, &nb) < 0)
            nb = 0;
        copy_boxes(&r->stage_boxes[s - 1], &r->n_stage_boxes[s - 1], b, s < stages ? nb : 0);
    }
}

static void *detect_main(void *arg)
{
    live_detect *d = arg;
    pthread_mutex_lock(&d->lock);
    for (;;) {
        while (!d->has_pending && !d->stopping)
            pthread_cond_wait(&d->wake, &d->lock);
        if (d->stopping)
            break;
        /* Take the newest frame; the render loop may post another meanwhile. */
        mtcam_frame tmp = d->work;
        d->work = d->pending;
        d->pending = tmp;
        d->has_pending = 0;
        d->busy = 1;
        int rc = 0;
        if (d->options_changed) {
            rc = mtcnn_detector_set_options(d->det, &d->options);
            d->options_changed = 0;
        }
        mtcnn_options opt;
        mtcnn_detector_get_options(d->det, &opt);
        const int tracking = d->tracking;
        if (d->tracking_changed && tracking)
            mtcnn_tracker_reset(d->trk); /* the old tracks are stale: start again */
        d->tracking_changed = 0;
        pthread_mutex_unlock(&d->lock);

        mtcnn_image img = {d->work.data, d->work.width, d->work.height, d->work.stride,
                           MTCNN_PIXEL_RGB24};
        const mtcnn_face *faces = NULL;
        int n = 0;
        int64_t t0 = mtcam_now_ns();
        if (rc == 0)
            rc = tracking ? mtcnn_track(d->trk, &img, d->work.timestamp_ns, &faces, &n)
                          : mtcnn_detect(d->det, &img, &faces, &n);
        double ms = mtcam_ms_since(t0);
        int64_t now = mtcam_now_ns();
        if (d->fps_start_ns == 0)
            d->fps_start_ns = t0;
        d->fps_count++;
        if (now - d->fps_start_ns >= 1000000000LL) {
            d->fps = d->fps_count * 1e9 / (double)(now - d->fps_start_ns);
            d->fps_start_ns = now;
            d->fps_count = 0;
        } else if (d->fps == 0 && ms > 0) {
            d->fps = 1000.0 / ms; /* a first guess until a second has passed */
        }

        pthread_mutex_lock(&d->lock);
        publish(d, rc, ms, opt.stages, tracking, faces, n);
        d->busy = 0;
        pthread_cond_broadcast(&d->idle);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

int live_detect_start(const mtcnn_model *model, const mtcnn_options *opt, live_detect **out)
{
    *out = NULL;
    live_detect *d = calloc(1, sizeof *d);
    if (!d)
        return mtcam_set_error(MTCNN_ENOMEM, "detection thread: out of memory");
    int rc = mtcnn_detector_create(model, opt, &d->det);
    if (rc < 0) {
        free(d);
        return rc;
    }
    if ((rc = mtcnn_tracker_create(d->det, NULL, &d->trk)) < 0) {
        mtcnn_detector_destroy(d->det);
        free(d);
        return rc;
    }
    d->options = *opt;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    pthread_cond_init(&d->idle, NULL);
    if (pthread_create(&d->thread, NULL, detect_main, d) != 0) {
        mtcnn_tracker_destroy(d->trk);
        mtcnn_detector_destroy(d->det);
        pthread_cond_destroy(&d->idle);
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return mtcam_set_error(MTCNN_ENOMEM, "cannot start the detection thread");
    }
    *out = d;
    return 0;
}

int live_detect_submit(live_detect *d, const mtcam_frame *f)
{
    pthread_mutex_lock(&d->lock);
    /* The copy happens under the lock: the slot is the thread's next frame. A 1080p copy is
     * about a millisecond, far below a detection. */
    int rc = mtcam_frame_copy(&d->pending, f);
    if (rc == 0) {
        d->has_pending = 1;
        pthread_cond_signal(&d->wake);
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

void live_detect_set_options(live_detect *d, const mtcnn_options *opt)
{
    pthread_mutex_lock(&d->lock);
    d->options = *opt;
    d->options_changed = 1;
    pthread_mutex_unlock(&d->lock);
}

void live_detect_set_tracking(live_detect *d, int on)
{
    pthread_mutex_lock(&d->lock);
    d->tracking_changed |= !d->tracking != !on;
    d->tracking = !!on;
    pthread_mutex_unlock(&d->lock);
}

int live_detect_latest(live_detect *d, live_result *r)
{
    int fresh = 0;
    pthread_mutex_lock(&d->lock);
    const live_result *s = &d->result;
    if (s->count != r->count) {
        mtcnn_face *faces = r->faces, *b0 = r->stage_boxes[0], *b1 = r->stage_boxes[1];
        memcpy(r, s, sizeof *r);
        /* Deep-copy the arrays into the caller's own buffers. */
        r->faces = faces;
        r->stage_boxes[0] = b0;
        r->stage_boxes[1] = b1;
        if (copy_boxes(&r->faces, &r->n_faces, s->faces, s->n_faces) < 0 ||
            copy_boxes(&r->stage_boxes[0], &r->n_stage_boxes[0], s->stage_boxes[0],
                       s->n_stage_boxes[0]) < 0 ||
            copy_boxes(&r->stage_boxes[1], &r->n_stage_boxes[1], s->stage_boxes[1],
                       s->n_stage_boxes[1]) < 0) {
            r->n_faces = r->n_stage_boxes[0] = r->n_stage_boxes[1] = 0;
        }
        fresh = 1;
    }
    pthread_mutex_unlock(&d->lock);
    return fresh;
}

int live_detect_wait_idle(live_detect *d, int timeout_ms)
{
    struct timespec until = mtcam_deadline(CLOCK_REALTIME, timeout_ms);
    pthread_mutex_lock(&d->lock);
    int rc = 0;
    while ((d->has_pending || d->busy) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&d->idle, &d->lock, &until);
    int idle = !d->has_pending && !d->busy;
    pthread_mutex_unlock(&d->lock);
    return idle;
}

void live_detect_stop(live_detect *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = 1;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    mtcnn_tracker_destroy(d->trk);
    mtcnn_detector_destroy(d->det);
    mtcam_frame_free(&d->pending);
    mtcam_frame_free(&d->work);
    live_result_free(&d->result);
    pthread_cond_destroy(&d->idle);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void live_result_free(live_result *r)
{
    free(r->faces);
    free(r->stage_boxes[0]);
    free(r->stage_boxes[1]);
    memset(r, 0, sizeof *r);
}
