/* thread.c - the capture thread: newest-frame handoff, drop counting, reopening with backoff.
 * Everything shared with the consumer sits under one mutex (held only for pointer swaps and
 * counters, never during I/O); the stop flag is a C11 atomic so the thread can test it
 * without the lock. */
#include "thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "source.h"

struct capture_thread {
    pthread_t thread;
    int started;
    atomic_int stop;
    capture_thread_options opt;

    /* owned by the capture thread alone */
    capture_source *src;
    char *spec;
    capture_options src_opt;
    int reopenable;           /* a camera: failures are retried */
    mtcam_frame back;         /* filled from the source, then swapped into `ready` */

    /* shared, under `lock` */
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* a new frame, a state change, or stop */
    mtcam_frame ready;        /* the newest frame */
    int fresh;                /* `ready` has not been handed over yet */
    int finished;             /* the thread left its loop (ended or failed) */
    int final_code;           /* MTCNN_EEOF or the error that ended it */
    char final_message[256];
    uint64_t next_seq;
    capture_thread_stats stats;
    int64_t fps_window_start;
    uint64_t fps_window_frames;
};

static void set_status(capture_thread *th, capture_thread_state state, const char *fmt, ...)
    MTCAM_PRINTF(3, 4);

static void set_status(capture_thread *th, capture_thread_state state, const char *fmt, ...)
{
    pthread_mutex_lock(&th->lock);
    th->stats.state = state;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(th->stats.status, sizeof th->stats.status, fmt, ap);
    va_end(ap);
    pthread_cond_broadcast(&th->cond);
    pthread_mutex_unlock(&th->lock);
}

/* Sleeps up to ms unless stop is asked; returns non-zero when stopping. */
static int wait_or_stop(capture_thread *th, int ms)
{
    struct timespec until = mtcam_deadline(CLOCK_MONOTONIC, ms);
    pthread_mutex_lock(&th->lock);
    while (!atomic_load(&th->stop)) {
        if (pthread_cond_timedwait(&th->cond, &th->lock, &until) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&th->lock);
    return atomic_load(&th->stop);
}

/* Copies the source's frame into `back`, then makes it the newest frame. */
static int publish(capture_thread *th, const mtcam_frame *f)
{
    int rc = mtcam_frame_copy(&th->back, f);
    if (rc)
        return rc;
    pthread_mutex_lock(&th->lock);
    /* Lossless: the frame before this one must have been taken first. */
    while (th->opt.lossless && !th->reopenable && th->fresh && !atomic_load(&th->stop))
        pthread_cond_wait(&th->cond, &th->lock);
    th->back.seq = th->next_seq++;
    mtcam_frame t = th->ready;
    th->ready = th->back;
    th->back = t;
    if (th->fresh)
        th->stats.dropped++;
    th->fresh = 1;
    th->stats.captured++;
    int64_t now = mtcam_now_ns();
    th->fps_window_frames++;
    if (now - th->fps_window_start >= 1000000000) {
        th->stats.fps = (double)th->fps_window_frames * 1e9 / (double)(now - th->fps_window_start);
        th->fps_window_start = now;
        th->fps_window_frames = 0;
    }
    pthread_cond_broadcast(&th->cond);
    pthread_mutex_unlock(&th->lock);
    return 0;
}

static void finish(capture_thread *th, capture_thread_state state, int code, const char *msg)
{
    pthread_mutex_lock(&th->lock);
    th->finished = 1;
    th->final_code = code;
    snprintf(th->final_message, sizeof th->final_message, "%.255s", msg);
    th->stats.state = state;
    snprintf(th->stats.status, sizeof th->stats.status, "%.255s", msg);
    pthread_cond_broadcast(&th->cond);
    pthread_mutex_unlock(&th->lock);
}

/* Tries to open the camera again until it works or stop is asked. */
static int reopen(capture_thread *th, const char *why)
{
    int delay = th->opt.backoff_min_ms;
    for (int attempt = 1; !atomic_load(&th->stop); attempt++) {
        set_status(th, CAPTURE_THREAD_REOPENING, "%s; reopening in %.1f s (attempt %d)", why,
                   delay / 1000.0, attempt);
        if (wait_or_stop(th, delay))
            return -1;
        capture_source *src = NULL;
        int rc = capture_open(th->spec, &th->src_opt, &src);
        if (rc == 0) {
            th->src = src;
            pthread_mutex_lock(&th->lock);
            th->stats.reopens++;
            th->stats.state = CAPTURE_THREAD_RUNNING;
            snprintf(th->stats.source, sizeof th->stats.source, "%s", capture_describe(src));
            snprintf(th->stats.status, sizeof th->stats.status, "reopened after %d attempt%s: %s",
                     attempt, attempt > 1 ? "s" : "", capture_describe(src));
            pthread_mutex_unlock(&th->lock);
            return 0;
        }
        why = mtcam_last_error();
        delay = delay * 2 > th->opt.backoff_max_ms ? th->opt.backoff_max_ms : delay * 2;
    }
    return -1;
}

static void *run(void *arg)
{
    capture_thread *th = arg;
    int64_t last_frame = mtcam_now_ns();
    char why[300];
    while (!atomic_load(&th->stop)) {
        const mtcam_frame *f = NULL;
        int rc = capture_read(th->src, &f, th->opt.read_timeout_ms);
        if (rc == 0) {
            rc = publish(th, f);
            if (rc == 0) {
                last_frame = mtcam_now_ns();
                pthread_mutex_lock(&th->lock);
                if (th->stats.state != CAPTURE_THREAD_RUNNING) {
                    th->stats.state = CAPTURE_THREAD_RUNNING;
                    snprintf(th->stats.status, sizeof th->stats.status, "capturing: %s",
                             capture_describe(th->src));
                }
                pthread_mutex_unlock(&th->lock);
                continue;
            }
        }
        if (rc == MTCNN_ETIMEOUT) {
            double silent = mtcam_ms_since(last_frame);
            if (!th->reopenable || silent < th->opt.stall_ms / 2)
                continue; /* files wait for their next frame's time: normal */
            if (silent < th->opt.stall_ms) {
                set_status(th, CAPTURE_THREAD_STALLED, "%s: no frame for %.1f s",
                           th->spec, silent / 1000);
                continue;
            }
            snprintf(why, sizeof why, "%s: no frame for %.1f s (camera stalled)", th->spec,
                     silent / 1000);
        } else if (rc == MTCNN_EFORMAT) {
            /* one bad frame: skip it and go on */
            pthread_mutex_lock(&th->lock);
            th->stats.corrupt++;
            snprintf(th->stats.status, sizeof th->stats.status, "skipped a frame: %s",
                     mtcam_last_error());
            pthread_mutex_unlock(&th->lock);
            continue;
        } else if (rc == MTCNN_EEOF) {
            finish(th, CAPTURE_THREAD_ENDED, MTCNN_EEOF, mtcam_last_error());
            break;
        } else {
            snprintf(why, sizeof why, "%s", mtcam_last_error());
            if (!th->reopenable) {
                finish(th, CAPTURE_THREAD_FAILED, rc, why);
                break;
            }
        }
        /* a camera failed or stalled: close it and open it again */
        capture_close(th->src);
        th->src = NULL;
        if (reopen(th, why) != 0)
            break;
        last_frame = mtcam_now_ns();
    }
    return NULL;
}

int capture_thread_start(capture_source *src, const capture_thread_options *topt,
                         capture_thread **out)
{
    *out = NULL;
    if (!src)
        return mtcam_set_error(MTCNN_EINVAL, "capture thread: no source");
    capture_thread *th = calloc(1, sizeof *th);
    if (!th) {
        capture_close(src);
        return mtcam_set_error(MTCNN_ENOMEM, "capture thread: out of memory");
    }
    if (topt)
        th->opt = *topt;
    if (th->opt.read_timeout_ms <= 0)
        th->opt.read_timeout_ms = 200;
    if (th->opt.stall_ms <= 0)
        th->opt.stall_ms = 3000;
    if (th->opt.backoff_min_ms <= 0)
        th->opt.backoff_min_ms = 250;
    if (th->opt.backoff_max_ms < th->opt.backoff_min_ms)
        th->opt.backoff_max_ms = th->opt.backoff_min_ms > 4000 ? th->opt.backoff_min_ms : 4000;
    th->src = src;
    th->src_opt = *capture_get_options(src);
    th->reopenable = src->ops->reopenable;
    th->spec = strdup(capture_spec(src));
    atomic_init(&th->stop, 0);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int e1 = pthread_mutex_init(&th->lock, NULL);
    int e2 = pthread_cond_init(&th->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (!th->spec || e1 || e2) {
        if (!e1)
            pthread_mutex_destroy(&th->lock);
        if (!e2)
            pthread_cond_destroy(&th->cond);
        free(th->spec);
        free(th);
        capture_close(src);
        return mtcam_set_error(MTCNN_ENOMEM, "capture thread: out of memory");
    }
    th->fps_window_start = mtcam_now_ns();
    snprintf(th->stats.source, sizeof th->stats.source, "%s", capture_describe(src));
    snprintf(th->stats.status, sizeof th->stats.status, "capturing: %s", capture_describe(src));
    int e = pthread_create(&th->thread, NULL, run, th);
    if (e) {
        capture_thread_stop(th);
        return mtcam_set_error(MTCNN_ENOMEM, "capture thread: cannot start a thread: %s",
                               strerror(e));
    }
    th->started = 1;
    *out = th;
    return 0;
}

/* Under the lock: hands `ready` over if fresh. */
static int take(capture_thread *th, mtcam_frame *dst, uint64_t *seq)
{
    if (th->fresh) {
        mtcam_frame t = *dst;
        *dst = th->ready;
        th->ready = t; /* the consumer's old buffer becomes the thread's spare */
        th->fresh = 0;
        th->stats.delivered++;
        if (th->opt.lossless)
            pthread_cond_broadcast(&th->cond); /* the thread may hand over the next one */
        if (seq)
            *seq = dst->seq;
        return 1;
    }
    if (th->finished) {
        mtcam_set_error(th->final_code, "%s", th->final_message);
        return th->final_code;
    }
    return 0;
}

int capture_thread_latest(capture_thread *th, mtcam_frame *dst, uint64_t *seq)
{
    pthread_mutex_lock(&th->lock);
    int rc = take(th, dst, seq);
    pthread_mutex_unlock(&th->lock);
    return rc;
}

int capture_thread_wait(capture_thread *th, mtcam_frame *dst, uint64_t *seq, int timeout_ms)
{
    struct timespec until = mtcam_deadline(CLOCK_MONOTONIC, timeout_ms);
    pthread_mutex_lock(&th->lock);
    int rc;
    while ((rc = take(th, dst, seq)) == 0) {
        if (pthread_cond_timedwait(&th->cond, &th->lock, &until) == ETIMEDOUT) {
            rc = take(th, dst, seq);
            break;
        }
    }
    pthread_mutex_unlock(&th->lock);
    return rc;
}

void capture_thread_get_stats(capture_thread *th, capture_thread_stats *out)
{
    pthread_mutex_lock(&th->lock);
    *out = th->stats;
    /* a rate that stopped being updated (no frames) decays to 0 */
    if (mtcam_now_ns() - th->fps_window_start > 2000000000LL)
        out->fps = 0;
    pthread_mutex_unlock(&th->lock);
}

const char *capture_thread_state_name(capture_thread_state state)
{
    switch (state) {
    case CAPTURE_THREAD_RUNNING:
        return "running";
    case CAPTURE_THREAD_STALLED:
        return "stalled";
    case CAPTURE_THREAD_REOPENING:
        return "reopening";
    case CAPTURE_THREAD_ENDED:
        return "ended";
    case CAPTURE_THREAD_FAILED:
        return "failed";
    }
    return "unknown";
}

void capture_thread_stop(capture_thread *th)
{
    if (!th)
        return;
    atomic_store(&th->stop, 1);
    if (th->started) {
        pthread_mutex_lock(&th->lock);
        pthread_cond_broadcast(&th->cond);
        pthread_mutex_unlock(&th->lock);
        pthread_join(th->thread, NULL);
    }
    capture_close(th->src);
    mtcam_frame_free(&th->back);
    mtcam_frame_free(&th->ready);
    pthread_cond_destroy(&th->cond);
    pthread_mutex_destroy(&th->lock);
    free(th->spec);
    free(th);
}
