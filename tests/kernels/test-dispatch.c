/* The whole cascade on every dispatch target and thread count: SIMD tables agree with the
 * scalar reference path (faces within 1 px, scores within 1e-3, like test-pipeline), and any
 * thread count gives bit-identical results to one thread. Each case runs on the shipped model
 * with the project's photos, and on the original weights with the peer photos when ../shared
 * is there (check_subjects). The thread cases are labelled tsan and run under
 * ThreadSanitizer in CI. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check-peer.h"
#include "check.h"
#include "detector.h"
#include "frame.h"
#include "kernels.h"
#include "mtcnn.h"

static mtcnn_model *model; /* the subject being run */

/* Loads the subjects; 0 or 1. */
static int setup(const check_subject **subjects, int *n)
{
    *n = check_subjects(subjects);
    CHECK(*n >= 1);
    return 0;
}

/* Results of one detect call, copied out of the detector. */
typedef struct result {
    int n, n_stage[3];
    mtcnn_face faces[64];
} result;

static int run(const mtk_table *k, int threads, float min_face, const mtcam_frame *f, result *r)
{
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.threads = threads;
    o.min_face = min_face;
    o.precision = MTCNN_PRECISION_FP32; /* the shipped model is calibrated: AUTO may be INT8 */
    mtcnn_detector *d;
    CHECK(mtcnn_detector_create(model, &o, &d) == 0);
    d->k = k; /* internal: run this table whatever the process-wide choice is */
    mtcnn_image img = check_rgb_view(f);
    const mtcnn_face *faces;
    memset(r, 0, sizeof *r);
    int rc = mtcnn_detect(d, &img, &faces, &r->n);
    if (rc == 0) {
        memcpy(r->faces, faces, sizeof *faces * (size_t)(r->n < 64 ? r->n : 64));
        const mtcnn_stats *st = mtcnn_detector_stats(d);
        r->n_stage[0] = st->n_pnet, r->n_stage[1] = st->n_rnet, r->n_stage[2] = st->n_onet;
    }
    mtcnn_detector_destroy(d);
    CHECK_MSG(rc == 0, "detect: %s", mtcnn_last_error());
    return 0;
}

static int test_targets_agree(void)
{
    const check_subject *subj;
    int ns;
    CHECK(setup(&subj, &ns) == 0);
    const mtk_table *scalar = mtk_find_table("scalar");
    int compared = 0;
    for (int si = 0; si < ns; si++)
        for (int p = 0; p < CHECK_N_PHOTOS; p++) {
            const char *const *photos = subj[si].photos;
            model = subj[si].model;
            mtcam_frame f;
            CHECK(check_subject_photo(&subj[si], p, &f) == 0);
            for (float min_face = 20; min_face <= 40; min_face += 20) {
                result ref, got;
                CHECK(run(scalar, 1, min_face, &f, &ref) == 0);
                for (int i = 0; mtk_table_names[i]; i++) {
                    const mtk_table *k = mtk_find_table(mtk_table_names[i]);
                    if (!k || k == scalar)
                        continue;
                    CHECK(run(k, 1, min_face, &f, &got) == 0);
                    CHECK_MSG(got.n == ref.n, "%s, min face %g, %s: %d faces, scalar %d", photos[p],
                              (double)min_face, k->name, got.n, ref.n);
                    for (int j = 0; j < got.n && j < 64; j++) {
                        for (int c = 0; c < 4; c++)
                            CHECK_NEAR(got.faces[j].box[c], ref.faces[j].box[c], 1.0);
                        CHECK_NEAR(got.faces[j].score, ref.faces[j].score, 1e-3);
                        for (int l = 0; l < 5; l++) {
                            CHECK_NEAR(got.faces[j].landmarks[l][0], ref.faces[j].landmarks[l][0],
                                       1.0);
                            CHECK_NEAR(got.faces[j].landmarks[l][1], ref.faces[j].landmarks[l][1],
                                       1.0);
                        }
                    }
                    fprintf(stderr, "%s, %s min face %g: %s = scalar (%d faces)\n", subj[si].name,
                            photos[p], (double)min_face, k->name, got.n);
                    compared++;
                }
            }
            mtcam_frame_free(&f);
        }
    if (!compared)
        SKIP("no SIMD kernel table on this CPU: nothing to compare with the scalar path");
    return 0;
}

static int same(const result *a, const result *b)
{
    return a->n == b->n && !memcmp(a->n_stage, b->n_stage, sizeof a->n_stage) &&
           !memcmp(a->faces, b->faces, sizeof a->faces[0] * (size_t)(a->n < 64 ? a->n : 64));
}

/* The tables worth running threaded: the chosen one, and scalar when it is not. */
static int tables_for_threads(const mtk_table **t)
{
    int n = 0;
    t[n++] = mtk_get_table();
    if (strcmp(t[0]->name, "scalar") != 0)
        t[n++] = mtk_find_table("scalar");
    return n;
}

static int test_threads_identical(void)
{
    const check_subject *subj;
    int ns;
    CHECK(setup(&subj, &ns) == 0);
    for (int si = 0; si < ns; si++) {
        model = subj[si].model;
        mtcam_frame f;
        CHECK(check_subject_photo(&subj[si], CHECK_PHOTO_TWO, &f) == 0);
        const mtk_table *t[2];
        const int nt = tables_for_threads(t);
        for (int i = 0; i < nt; i++) {
            result one, many;
            CHECK(run(t[i], 1, 20, &f, &one) == 0);
            CHECK(one.n == 2);
            for (int threads = 2; threads <= 4; threads++) {
                CHECK(run(t[i], threads, 20, &f, &many) == 0);
                CHECK_MSG(same(&one, &many), "%s: %d threads differ from one", t[i]->name, threads);
            }
            fprintf(stderr, "%s, %s: 1-4 threads identical\n", subj[si].name, t[i]->name);
        }
        mtcam_frame_free(&f);
    }
    return 0;
}

static int test_threads_resize(void)
{
    const check_subject *subj;
    int ns;
    CHECK(setup(&subj, &ns) == 0);
    for (int si = 0; si < ns; si++) {
        model = subj[si].model;
        mtcam_frame f;
        CHECK(check_subject_photo(&subj[si], CHECK_PHOTO_ONE_A, &f) == 0);
        result ref;
        CHECK(run(mtk_get_table(), 1, 20, &f, &ref) == 0);
        mtcnn_detector *d;
        mtcnn_options fp32;
        mtcnn_options_default(&fp32);
        fp32.precision = MTCNN_PRECISION_FP32; /* as run() */
        CHECK(mtcnn_detector_create(model, &fp32, &d) == 0);
        const int counts[] = {3, 2, 1, 4, 4, 2};
        mtcnn_image img = check_rgb_view(&f);
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            mtcnn_options o;
            mtcnn_detector_get_options(d, &o);
            o.threads = counts[i];
            CHECK(mtcnn_detector_set_options(d, &o) == 0);
            const mtcnn_face *faces;
            int n;
            CHECK(mtcnn_detect(d, &img, &faces, &n) == 0);
            CHECK_INT_EQ(n, ref.n);
            CHECK(!memcmp(faces, ref.faces, sizeof *faces * (size_t)n));
        }
        mtcnn_options o;
        mtcnn_detector_get_options(d, &o);
        o.threads = 0;
        CHECK_INT_EQ(mtcnn_detector_set_options(d, &o), MTCNN_EINVAL);
        mtcnn_detector_get_options(d, &o);
        CHECK_INT_EQ(o.threads, 2); /* the old options stay */
        mtcnn_detector_destroy(d);
        mtcam_frame_free(&f);
    }
    return 0;
}

typedef struct worker {
    const mtcam_frame *f;
    const result *ref;
    int ok;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    result r;
    w->ok = 1;
    for (int i = 0; i < 2 && w->ok; i++)
        w->ok = run(mtk_get_table(), 2, 20, w->f, &r) == 0 && same(&r, w->ref);
    return NULL;
}

static int test_shared_model(void)
{
    const check_subject *subj;
    int ns;
    CHECK(setup(&subj, &ns) == 0);
    for (int si = 0; si < ns; si++) {
        model = subj[si].model;
        mtcam_frame f;
        CHECK(check_subject_photo(&subj[si], CHECK_PHOTO_ONE_B, &f) == 0);
        result ref;
        CHECK(run(mtk_get_table(), 1, 20, &f, &ref) == 0);
        /* Three callers, each with its own two-thread detector, one model. */
        pthread_t th[3];
        worker w[3];
        for (int i = 0; i < 3; i++) {
            w[i] = (worker){.f = &f, .ref = &ref};
            CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0);
        }
        for (int i = 0; i < 3; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < 3; i++)
            CHECK_MSG(w[i].ok, "%s: caller %d got different faces", subj[si].name, i);
        mtcam_frame_free(&f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"targets_agree", test_targets_agree},
                                       {"threads_identical", test_threads_identical},
                                       {"threads_resize", test_threads_resize},
                                       {"shared_model", test_shared_model},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
