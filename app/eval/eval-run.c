/* eval-run.c - the detector over a data set: workers take image indices from an atomic counter,
 * each with its own detector and image buffer; results land in per-image slots, so no lock is
 * needed. The calling thread only reports progress and joins. */
#include "eval-run.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "image-file.h"

typedef struct shared_state {
    const eval_run_params *p;
    const eval_dataset *ds;
    eval_image_dets *out;
    atomic_int next, done, stop;
    /* The first failure wins; written once under the flag `failed`. */
    atomic_int failed;
    int error_code;
    char error_msg[512];
} shared_state;

typedef struct worker {
    pthread_t thread;
    shared_state *st;
    int started;
} worker;

void eval_det_from_face(const mtcnn_face *f, eval_det *d)
{
    d->box[0] = f->box[0];
    d->box[1] = f->box[1];
    d->box[2] = f->box[2] + 1.0f;
    d->box[3] = f->box[3] + 1.0f;
    d->score = f->score;
    d->has_pts = f->has_landmarks;
    memcpy(d->pts, f->landmarks, sizeof d->pts);
}

static void fail(shared_state *st, int code)
{
    int expected = 0;
    if (atomic_compare_exchange_strong(&st->failed, &expected, 1)) {
        st->error_code = code;
        snprintf(st->error_msg, sizeof st->error_msg, "%s", mtcam_last_error());
    }
    atomic_store(&st->stop, 1);
}

static int detect_one(mtcnn_detector *det, const mtcam_frame *frame, eval_image_dets *slot)
{
    mtcnn_image img = {.data = frame->data, .width = frame->width, .height = frame->height,
                       .stride = frame->stride, .format = MTCNN_PIXEL_RGB24};
    const mtcnn_face *faces;
    int count;
    int64_t t0 = mtcam_now_ns();
    int rc = mtcnn_detect(det, &img, &faces, &count);
    slot->ms = mtcam_ms_since(t0);
    if (rc)
        return rc;
    slot->dets = calloc((size_t)count + 1, sizeof *slot->dets);
    if (!slot->dets)
        return mtcam_set_error(MTCNN_ENOMEM, "out of memory keeping detections");
    for (int i = 0; i < count; i++)
        eval_det_from_face(&faces[i], &slot->dets[i]);
    /* The engine sorts by score already; make sure, since matching relies on it. */
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && slot->dets[j].score > slot->dets[j - 1].score; j--) {
            eval_det t = slot->dets[j];
            slot->dets[j] = slot->dets[j - 1];
            slot->dets[j - 1] = t;
        }
    slot->n = count;
    return 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    shared_state *st = w->st;
    mtcnn_detector *det = NULL;
    mtcam_frame frame = {0};
    int rc = mtcnn_detector_create(st->p->model, &st->p->options, &det);
    if (rc) {
        fail(st, rc);
        return NULL;
    }
    while (!atomic_load(&st->stop)) {
        int i = atomic_fetch_add(&st->next, 1);
        if (i >= st->ds->n_images)
            break;
        const char *path = st->ds->images[i].path;
        rc = capture_image_load(path, &frame);
        if (!rc) {
            rc = detect_one(det, &frame, &st->out[i]);
            if (rc) {
                char why[512]; /* the message buffer cannot be its own format argument */
                snprintf(why, sizeof why, "%s", mtcnn_last_error());
                mtcam_set_error(rc, "%s: %s", path, why);
            }
        }
        mtcam_frame_free(&frame);
        if (rc) {
            fail(st, rc);
            break;
        }
        atomic_fetch_add(&st->done, 1);
    }
    mtcnn_detector_destroy(det);
    return NULL;
}

int eval_run(const eval_run_params *p, const eval_dataset *ds, eval_image_dets *out)
{
    int n_threads = p->threads < 1 ? 1 : p->threads;
    if (n_threads > ds->n_images && ds->n_images > 0)
        n_threads = ds->n_images;
    shared_state *st = calloc(1, sizeof *st);
    worker *workers = calloc((size_t)n_threads, sizeof *workers);
    if (!st || !workers) {
        free(st);
        free(workers);
        return mtcam_set_error(MTCNN_ENOMEM, "out of memory starting the evaluation");
    }
    st->p = p;
    st->ds = ds;
    st->out = out;
    int rc = 0;
    for (int t = 0; t < n_threads; t++) {
        workers[t].st = st;
        if (pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) != 0) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "cannot start evaluation thread %d", t);
            atomic_store(&st->stop, 1);
            break;
        }
        workers[t].started = 1;
    }
    /* Progress from this thread, so the callback never needs to be thread-safe. */
    while (!rc && p->progress) {
        int done = atomic_load(&st->done);
        if (done >= ds->n_images || atomic_load(&st->stop))
            break;
        p->progress(p->progress_ctx, done, ds->n_images);
        struct timespec ts = {0, 500 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (int t = 0; t < n_threads; t++)
        if (workers[t].started)
            pthread_join(workers[t].thread, NULL);
    if (!rc && atomic_load(&st->failed))
        rc = mtcam_set_error(st->error_code, "%s", st->error_msg);
    if (!rc && p->progress)
        p->progress(p->progress_ctx, atomic_load(&st->done), ds->n_images);
    free(workers);
    free(st);
    return rc;
}

void eval_image_dets_free(eval_image_dets *d, int n)
{
    if (!d)
        return;
    for (int i = 0; i < n; i++) {
        free(d[i].dets);
        d[i].dets = NULL;
        d[i].n = 0;
    }
}
