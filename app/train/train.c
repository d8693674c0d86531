/* mtcam-train - trains the project's MTCNN model: samples from the annotated images, P-Net,
 * mined R-Net and O-Net samples, the three fits and the model file (docs/training.md). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "err.h"
#include "fit.h"
#include "image-file.h"
#include "calibrate.h"
#include "train-data.h"
#include "args.h"
#include "output-check.h"

#define PROG "mtcam-train"

typedef struct opts {
    const char *data, *work, *out, *val_gt, *val_images;
    int stage;            /* -1 unset */
    uint64_t seed, split_seed;
    int threads, batch, images, mtfl, resume;
    int calib_images;     /* export: INT8 calibration images (0 = none) */
    int epochs[3];
    float lr;
    long samples_per_epoch[3];
    float shift[3];
    float eye_shift[2];
    int onet_mtfl_eyes;   /* O-Net learns its eyes from MTFL too, not only from Caltech */
    int onet_lm_rnet;     /* O-Net's landmark faces also from R-Net's positive boxes */
} opts;

static const char *stage_names[3] = {"pnet", "rnet", "onet"};
static const int stage_sides[3] = {12, 24, 48}; /* input crop side of each net */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " <command> [options]\n"
            "commands:\n"
            "  prepare --stage pnet   cut P-Net samples from the training images\n"
            "  mine --stage rnet|onet run the trained earlier stages to make the next samples\n"
            "  fit --stage S          train stage S on its samples (checkpoint per epoch)\n"
            "  export -o FILE         write the model from the three checkpoints\n"
            "  all [-o FILE]          the whole pipeline: prepare, fit, mine, fit, mine, fit, export\n"
            "  split --val-gt F --val-images F  write the validation part for mtcam-eval\n"
            "options:\n"
            "  --data DIR       the shared data folder (default %s)\n"
            "  --work DIR       samples and checkpoints (default train-work)\n"
            "  --seed N         training seed (default 1); --split-seed N validation split (7)\n"
            "  --threads N      worker threads (default 2)\n"
            "  --epochs N|P,R,O epochs (default 10,8,12: the shipped model's)\n"
            "  --batch N        mini-batch (default 128); --lr X Adam step (default 0.001)\n"
            "  --samples-per-epoch N|P,R,O  samples drawn per epoch, 0 = the sample count\n"
            "                   (default 0,100000,80000)\n"
            "  --images N       use only the first N training images (0 = all)\n"
            "  --mtfl N         use only the first N landmark images (0 = all)\n"
            "  --resume         continue a fit from its checkpoint\n"
            "  --shift P,R,O    export: add these to the face logits of the three nets\n"
            "                   (calibrates where the default thresholds operate; default 0)\n"
            "  --onet-eyes caltech|both  O-Net's eye targets: Caltech's only, or MTFL's too\n"
            "                   (default both; the sets place the eye centre differently)\n"
            "  --onet-landmarks jitter|both  O-Net's landmark faces: jittered crops around the\n"
            "                   annotation only, or also R-Net's positive boxes (default jitter)\n"
            "  --eye-shift DX,DY export: move O-Net's eye landmarks by this fraction of the box\n"
            "                   (aligns them with an annotation convention; default 0)\n"
            "  --calib-images N export: INT8 calibration on N training images (default %d,\n"
            "                   0 = none; mtcam-convert --calibrate does the same to any file)\n",
            MTCAM_DEFAULT_DATA_DIR, CALIBRATE_DEFAULT_IMAGES);
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_stage(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, stage_names[i]) == 0)
            return i;
    return -1;
}

static void work_path(const opts *o, const char *name, const char *ext, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s.%s", o->work, name, ext);
}

/* ---- sample generation over many images on worker threads ---------------------------- */

typedef struct gen_job {
    const train_list *list;
    size_t first, last;
    uint64_t seed, index_base;
    mtt_cut_counts counts;
    const mtcnn_model *model;  /* mining: run stages 1..mine_stage; NULL: cut only */
    int mine_stage, max_neg, lm_twins;
    mtt_sample_set set;
    int rc, failed;
    char err[256];
    pthread_t tid;
} gen_job;

static void *gen_work(void *arg)
{
    gen_job *j = arg;
    mtcnn_detector *det = NULL;
    if (j->model) {
        mtcnn_options mo;
        mtcnn_options_default(&mo);
        mo.stages = j->mine_stage;
        if ((j->rc = mtcnn_detector_create(j->model, &mo, &det)) != 0) {
            snprintf(j->err, sizeof j->err, "%s", mtcnn_last_error());
            return NULL;
        }
    }
    for (size_t i = j->first; i < j->last && j->rc == 0; i++) {
        const train_image *im = &j->list->img[i];
        mtcam_frame fr = {0};
        if (capture_image_load(im->path, &fr) != 0) {
            j->failed++; /* unreadable image: skipped, counted */
            continue;
        }
        const mtcnn_image img = {fr.data, fr.width, fr.height, fr.stride, MTCNN_PIXEL_RGB24};
        mtt_rng r;
        mtt_rng_seed(&r, mtt_rng_derive(j->seed, j->index_base + i));
        if (det)
            j->rc = mtt_mine_samples(&j->set, det, j->mine_stage, &img, im->faces, im->n_faces,
                                     j->max_neg, j->lm_twins, &r);
        if (j->rc == 0)
            j->rc = mtt_cut_samples(&j->set, &img, im->faces, im->n_faces, &j->counts, &r);
        if (j->rc)
            snprintf(j->err, sizeof j->err, "%s: %s", im->path, mtcnn_last_error());
        mtcam_frame_free(&fr);
    }
    mtcnn_detector_destroy(det);
    return NULL;
}

/* Samples from every image of `list`, split over threads, merged in image order. */
static int generate(const opts *o, const train_list *list, size_t limit, int side,
                    const mtt_cut_counts *counts, const mtcnn_model *model, int mine_stage,
                    int max_neg, uint64_t index_base, mtt_sample_set *out)
{
    const size_t n = limit && limit < list->n ? limit : list->n;
    const int nt = o->threads;
    gen_job *jobs = calloc((size_t)nt, sizeof *jobs);
    if (!jobs)
        return mtcam_set_error(MTCNN_ENOMEM, "no memory");
    for (int t = 0; t < nt; t++) {
        gen_job *j = &jobs[t];
        j->list = list;
        j->first = n * t / nt;
        j->last = n * (t + 1) / nt;
        j->seed = o->seed;
        j->index_base = index_base;
        j->counts = *counts;
        j->model = model;
        j->mine_stage = mine_stage;
        j->max_neg = max_neg;
        j->lm_twins = mine_stage == 2 && o->onet_lm_rnet;
        mtt_samples_init(&j->set, side);
        if (t > 0 && pthread_create(&j->tid, NULL, gen_work, j) != 0)
            gen_work(j);
    }
    gen_work(&jobs[0]);
    int rc = 0, failed = 0;
    for (int t = 0; t < nt; t++) {
        if (t > 0)
            pthread_join(jobs[t].tid, NULL);
    }
    for (int t = 0; t < nt; t++) {
        if (jobs[t].rc && !rc) {
            rc = jobs[t].rc;
            fprintf(stderr, PROG ": %s\n", jobs[t].err);
        }
        failed += jobs[t].failed;
        if (!rc)
            rc = mtt_samples_append(out, &jobs[t].set);
        mtt_samples_free(&jobs[t].set);
    }
    free(jobs);
    if (failed)
        fprintf(stderr, PROG ": warning: %d images could not be read and were skipped\n", failed);
    return rc;
}

static void print_counts(const char *what, const mtt_sample_set *s, double sec)
{
    size_t c[MTT_KINDS];
    mtt_samples_count(s, c);
    printf("%s: %zu samples (%zu negatives, %zu positives, %zu part faces, %zu landmark faces) "
           "in %.0f s\n", what, s->n, c[MTT_NEG], c[MTT_POS], c[MTT_PART], c[MTT_LMK], sec);
    fflush(stdout);
}

/* Writes a stage's sample set as W/<stage>.<ext> and prints its counts as `what <stage>`. */
static int save_samples(const opts *o, int stage, const char *ext, const char *what,
                        const mtt_sample_set *set, int64_t t0)
{
    char path[4096];
    work_path(o, stage_names[stage], ext, path, sizeof path);
    int rc = mtt_samples_write(path, set);
    if (rc == 0) {
        char label[64];
        snprintf(label, sizeof label, "%s %s", what, stage_names[stage]);
        print_counts(label, set, mtcam_ms_since(t0) * 1e-3);
    }
    return rc;
}

/* The held-out samples of a stage: cut (and mined) from the validation part of Caltech by
 * the training rules, with their own random streams, so the training samples do not depend on
 * them. fit measures the net on them after every epoch; nothing is chosen by them. */
static int make_val_samples(const opts *o, int stage, const mtcnn_model *model,
                            const mtt_cut_counts *cc)
{
    const int64_t t0 = mtcam_now_ns();
    train_list val;
    int rc = train_load_caltech(o->data, o->split_seed, 1, &val);
    if (rc)
        return rc;
    mtt_sample_set set;
    mtt_samples_init(&set, stage_sides[stage]);
    rc = generate(o, &val, (size_t)o->images, stage_sides[stage], cc, model, stage, 30, 4000000,
                  &set);
    if (rc == 0)
        rc = save_samples(o, stage, "val.samples", "held-out", &set, t0);
    mtt_samples_free(&set);
    train_list_free(&val);
    return rc;
}

/* P-Net's samples, or R-/O-Net's with the earlier stages of `model` mining. */
static int make_samples(const opts *o, int stage, const mtcnn_model *model)
{
    const int64_t t0 = mtcam_now_ns();
    train_list cal, mtfl;
    int rc = train_load_caltech(o->data, o->split_seed, 0, &cal);
    if (rc)
        return rc;
    if ((rc = train_load_mtfl(o->data, &mtfl)) != 0) {
        train_list_free(&cal);
        return rc;
    }
    mtt_sample_set set;
    mtt_samples_init(&set, stage_sides[stage]);
    /* Caltech: negatives, positives, parts (the detector's proposals add the hard negatives
     * from stage 2 on); MTFL: landmark faces plus a few positives and parts. */
    /* Caltech's eye points become landmark faces for O-Net, the net whose landmarks are
     * used (P-Net and R-Net learn landmarks from MTFL only). */
    /* O-Net's landmark crops are jittered more (shift 12%, side 0.76-1.24): its input boxes
     * come from R-Net's regression, not from the annotation. */
    const float jit = stage == 2 ? 0.12f : 0.05f;
    mtt_cut_counts cc = {stage == 0 ? 24 : 4, stage == 0 ? 4 : 2, stage == 0 ? 6 : 5,
                         stage == 0 ? 6 : 4, stage == 2 ? 3 : 0, 12, jit};
    mtt_cut_counts cm = {0, 0, 1, 1, stage == 2 ? 4 : 3, 12, jit};
    if (stage == 2 && !o->onet_mtfl_eyes)
        for (size_t i = 0; i < mtfl.n; i++)
            for (int f = 0; f < mtfl.img[i].n_faces; f++) {
                float *lm = mtfl.img[i].faces[f].lm;
                lm[0] = lm[1] = lm[5] = lm[6] = NAN;
            }
    rc = generate(o, &cal, (size_t)o->images, stage_sides[stage], &cc, model, stage, 30, 0, &set);
    if (rc == 0)
        rc = generate(o, &mtfl, (size_t)o->mtfl, stage_sides[stage], &cm, NULL, 0, 0, 1000000,
                      &set);
    if (rc == 0)
        rc = save_samples(o, stage, "samples", stage ? "mine" : "prepare", &set, t0);
    mtt_samples_free(&set);
    train_list_free(&cal);
    train_list_free(&mtfl);
    if (rc == 0)
        rc = make_val_samples(o, stage, model, &cc);
    return rc;
}

/* Loads the checkpoints of stages [0, upto) into nets; later ones stay freshly initialised. */
static int load_nets(const opts *o, mtt_net nets[3], int upto)
{
    int rc = 0;
    for (int s = 0; s < 3; s++)
        if ((rc = mtt_net_init(&nets[s], (mtt_stage)s, o->seed + (uint64_t)s)) != 0)
            return rc;
    for (int s = 0; s < upto && rc == 0; s++) {
        char path[4096];
        work_path(o, stage_names[s], "ckpt", path, sizeof path);
        rc = mtt_checkpoint_load_weights(path, &nets[s]);
    }
    return rc;
}

static int cmd_mine(const opts *o, int stage)
{
    mtt_net nets[3];
    memset(nets, 0, sizeof nets);
    int rc = load_nets(o, nets, stage);
    mtcnn_model *model = NULL;
    if (rc == 0)
        rc = mtt_model_from_nets(&nets[0], &nets[1], &nets[2], &model);
    if (rc == 0)
        rc = make_samples(o, stage, model);
    mtcnn_model_free(model);
    for (int s = 0; s < 3; s++)
        mtt_net_free(&nets[s]);
    return rc;
}

static void on_progress(const mtt_progress *p, void *user)
{
    const int stage = *(const int *)user;
    if (p->validation) {
        printf("%s epoch %d/%d held-out: loss %.4f (cls %.4f box %.4f lm %.5f) acc %.3f on %ld "
               "samples, %.1f s\n", stage_names[stage], p->epoch, p->epochs, p->loss, p->cls,
               p->box, p->lm, p->accuracy, p->val_samples,
               p->samples_per_s > 0 ? p->val_samples / p->samples_per_s : 0.0);
        fflush(stdout);
        return;
    }
    printf("%s epoch %d/%d step %ld/%ld loss %.4f (cls %.4f box %.4f lm %.5f) acc %.3f "
           "lr %.2g %.0f samples/s%s\n", stage_names[stage], p->epoch, p->epochs, p->step,
           p->steps, p->loss, p->cls, p->box, p->lm, p->accuracy, p->lr, p->samples_per_s,
           p->end_of_epoch ? " [epoch done]" : "");
    fflush(stdout);
}

static int cmd_fit(const opts *o, int stage)
{
    const int64_t t0 = mtcam_now_ns();
    char spath[4096], cpath[4096];
    work_path(o, stage_names[stage], "samples", spath, sizeof spath);
    work_path(o, stage_names[stage], "ckpt", cpath, sizeof cpath);
    mtt_sample_set set, val = {0};
    int rc = mtt_samples_read(spath, &set);
    if (rc)
        return rc;
    /* The held-out samples are optional (work folders made before they existed). */
    char vpath[4096];
    work_path(o, stage_names[stage], "val.samples", vpath, sizeof vpath);
    FILE *probe = fopen(vpath, "rb");
    if (probe) {
        fclose(probe);
        if ((rc = mtt_samples_read(vpath, &val)) != 0) {
            mtt_samples_free(&set);
            return rc;
        }
    }
    mtt_net net;
    if ((rc = mtt_net_init(&net, (mtt_stage)stage, o->seed + (uint64_t)stage)) == 0) {
        mtt_fit_options fo;
        mtt_fit_options_default(&fo);
        fo.epochs = o->epochs[stage];
        fo.batch = o->batch;
        fo.threads = o->threads;
        fo.lr = o->lr;
        fo.seed = o->seed * 3 + (uint64_t)stage;
        fo.samples_per_epoch = (size_t)o->samples_per_epoch[stage];
        fo.checkpoint = cpath;
        fo.resume = o->resume;
        fo.val = val.n ? &val : NULL;
        int st = stage;
        rc = mtt_fit(&net, &set, &fo, on_progress, &st);
    }
    if (rc == 0) {
        printf("fit %s: done in %.0f s, checkpoint %s\n", stage_names[stage],
               mtcam_ms_since(t0) * 1e-3, cpath);
        fflush(stdout);
    }
    mtt_net_free(&net);
    mtt_samples_free(&set);
    mtt_samples_free(&val);
    return rc;
}

static int cmd_export(const opts *o, const char *out)
{
    mtt_net nets[3];
    memset(nets, 0, sizeof nets);
    int rc = load_nets(o, nets, 3);
    for (int s = 0; s < 3 && rc == 0; s++)
        mtt_net_shift_face_logit(&nets[s], o->shift[s]);
    if (rc == 0)
        mtt_net_shift_landmarks(&nets[2], 3u, o->eye_shift[0], o->eye_shift[1]);
    if (rc == 0)
        rc = mtt_export_model(out, &nets[0], &nets[1], &nets[2]);
    for (int s = 0; s < 3; s++)
        mtt_net_free(&nets[s]);
    /* The INT8 calibration, on the training images (the file is rewritten with it). */
    if (rc == 0 && o->calib_images > 0 &&
        (rc = calibrate_model_file(out, o->data, o->split_seed, o->calib_images, out, stdout)))
        remove(out); /* no half-made model under the name asked for */
    if (rc == 0)
        printf("export: wrote %s\n", out);
    return rc;
}

static int cmd_all(const opts *o)
{
    const int64_t t0 = mtcam_now_ns();
    int rc = make_samples(o, 0, NULL);
    for (int s = 0; s < 3 && rc == 0; s++) {
        if (s > 0)
            rc = cmd_mine(o, s);
        if (rc == 0)
            rc = cmd_fit(o, s);
    }
    char def[4096];
    work_path(o, "mtcam", "mtcnn", def, sizeof def);
    if (rc == 0)
        rc = cmd_export(o, o->out ? o->out : def);
    if (rc == 0)
        printf("all: done in %.1f min\n", mtcam_ms_since(t0) / 60000.0);
    return rc;
}

static int run_program(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    opts o = {MTCAM_DEFAULT_DATA_DIR, "train-work", NULL, NULL, NULL, -1, 1, 7, 2, 128, 0, 0, 0,
              CALIBRATE_DEFAULT_IMAGES, {10, 8, 12}, 1e-3f, {0, 100000, 80000}, {0, 0, 0}, {0, 0}, 1,
              0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp(a, "--resume") == 0) {
            o.resume = 1;
            continue;
        }
        static const char *const value_flags[] = {
            "--data", "--work", "-o", "--out", "--val-gt", "--val-images", "--stage",
            "--epochs", "--samples-per-epoch", "--shift", "--onet-landmarks", "--onet-eyes",
            "--eye-shift", "--lr", "--seed", "--split-seed", "--threads", "--batch", "--images",
            "--mtfl", "--calib-images", NULL};
        if (!app_is_one_of(a, value_flags)) {
            fprintf(stderr, PROG ": unknown option %s (see --help)\n", a);
            return 2;
        }
        if (!v) {
            fprintf(stderr, PROG ": %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--data") == 0) {
            o.data = v;
        } else if (strcmp(a, "--work") == 0) {
            o.work = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            o.out = v;
        } else if (strcmp(a, "--val-gt") == 0) {
            o.val_gt = v;
        } else if (strcmp(a, "--val-images") == 0) {
            o.val_images = v;
        } else if (strcmp(a, "--stage") == 0) {
            if ((o.stage = parse_stage(v)) < 0) {
                fprintf(stderr, PROG ": --stage: '%s' is not pnet, rnet or onet\n", v);
                return 2;
            }
        } else if (strcmp(a, "--epochs") == 0) {
            int e[3];
            const int k = sscanf(v, "%d,%d,%d", &e[0], &e[1], &e[2]);
            if (k == 1 && e[0] > 0 && e[0] <= 1000) {
                o.epochs[0] = o.epochs[1] = o.epochs[2] = e[0];
            } else if (k == 3 && e[0] > 0 && e[1] > 0 && e[2] > 0 && e[0] <= 1000 &&
                       e[1] <= 1000 && e[2] <= 1000) {
                memcpy(o.epochs, e, sizeof e);
            } else {
                fprintf(stderr, PROG ": --epochs: '%s' is not N or P,R,O (1..1000)\n", v);
                return 2;
            }
        } else if (strcmp(a, "--samples-per-epoch") == 0) {
            long e[3];
            const int k = sscanf(v, "%ld,%ld,%ld", &e[0], &e[1], &e[2]);
            if (k == 1 && e[0] >= 0 && e[0] < (1L << 40)) {
                o.samples_per_epoch[0] = o.samples_per_epoch[1] = o.samples_per_epoch[2] = e[0];
            } else if (k == 3 && e[0] >= 0 && e[1] >= 0 && e[2] >= 0) {
                memcpy(o.samples_per_epoch, e, sizeof e);
            } else {
                fprintf(stderr, PROG ": --samples-per-epoch: '%s' is not N or P,R,O\n", v);
                return 2;
            }
        } else if (strcmp(a, "--shift") == 0) {
            float f[3];
            if (sscanf(v, "%f,%f,%f", &f[0], &f[1], &f[2]) != 3 || !(fabsf(f[0]) <= 10) ||
                !(fabsf(f[1]) <= 10) || !(fabsf(f[2]) <= 10)) {
                fprintf(stderr, PROG ": --shift: '%s' is not P,R,O in -10..10\n", v);
                return 2;
            }
            memcpy(o.shift, f, sizeof f);
        } else if (strcmp(a, "--onet-landmarks") == 0) {
            if (strcmp(v, "jitter") == 0)
                o.onet_lm_rnet = 0;
            else if (strcmp(v, "both") == 0)
                o.onet_lm_rnet = 1;
            else {
                fprintf(stderr, PROG ": --onet-landmarks: '%s' is not jitter or both\n", v);
                return 2;
            }
        } else if (strcmp(a, "--onet-eyes") == 0) {
            if (strcmp(v, "caltech") == 0)
                o.onet_mtfl_eyes = 0;
            else if (strcmp(v, "both") == 0)
                o.onet_mtfl_eyes = 1;
            else {
                fprintf(stderr, PROG ": --onet-eyes: '%s' is not caltech or both\n", v);
                return 2;
            }
        } else if (strcmp(a, "--eye-shift") == 0) {
            float f[2];
            if (sscanf(v, "%f,%f", &f[0], &f[1]) != 2 || !(fabsf(f[0]) <= 0.5f) ||
                !(fabsf(f[1]) <= 0.5f)) {
                fprintf(stderr, PROG ": --eye-shift: '%s' is not DX,DY in -0.5..0.5\n", v);
                return 2;
            }
            memcpy(o.eye_shift, f, sizeof f);
        } else if (strcmp(a, "--lr") == 0) {
            char *end;
            o.lr = strtof(v, &end);
            if (*end || !(o.lr > 0 && o.lr < 1)) {
                fprintf(stderr, PROG ": --lr: '%s' is not in (0, 1)\n", v);
                return 2;
            }
        } else {
            static const struct {
                const char *name;
                long lo, hi;
            } ints[] = {{"--seed", 0, 1L << 40},  {"--split-seed", 0, 1L << 40},
                        {"--threads", 1, 16},     {"--batch", 1, 4096},
                        {"--images", 0, 1 << 30}, {"--mtfl", 0, 1 << 30},
                        {"--calib-images", 0, 1000000}};
            int which = -1;
            for (int k = 0; k < 7; k++)
                if (strcmp(a, ints[k].name) == 0)
                    which = k;
            if (which < 0) {
                fprintf(stderr, PROG ": unknown option %s (see --help)\n", a);
                return 2;
            }
            if (parse_int(v, ints[which].lo, ints[which].hi, &n)) {
                fprintf(stderr, PROG ": %s: '%s' is not an integer in %ld..%ld\n", a, v,
                        ints[which].lo, ints[which].hi);
                return 2;
            }
            switch (which) {
            case 0: o.seed = (uint64_t)n; break;
            case 1: o.split_seed = (uint64_t)n; break;
            case 2: o.threads = (int)n; break;
            case 3: o.batch = (int)n; break;
            case 4: o.images = (int)n; break;
            case 5: o.mtfl = (int)n; break;
            default: o.calib_images = (int)n; break;
            }
        }
    }
    if (strcmp(cmd, "split") != 0 && mkdir(o.work, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": %s: cannot create the work folder: %s\n", o.work, strerror(errno));
        return 1;
    }
    int rc;
    if (strcmp(cmd, "prepare") == 0) {
        if (o.stage > 0) {
            fprintf(stderr, PROG ": prepare makes P-Net samples; R-Net and O-Net samples come "
                            "from 'mine'\n");
            return 2;
        }
        rc = make_samples(&o, 0, NULL);
    } else if (strcmp(cmd, "mine") == 0) {
        if (o.stage < 1) {
            fprintf(stderr, PROG ": mine needs --stage rnet or onet\n");
            return 2;
        }
        rc = cmd_mine(&o, o.stage);
    } else if (strcmp(cmd, "fit") == 0) {
        if (o.stage < 0) {
            fprintf(stderr, PROG ": fit needs --stage pnet, rnet or onet\n");
            return 2;
        }
        rc = cmd_fit(&o, o.stage);
    } else if (strcmp(cmd, "export") == 0) {
        if (!o.out) {
            fprintf(stderr, PROG ": export needs -o FILE\n");
            return 2;
        }
        rc = cmd_export(&o, o.out);
    } else if (strcmp(cmd, "all") == 0) {
        rc = cmd_all(&o);
    } else if (strcmp(cmd, "split") == 0) {
        if (!o.val_gt || !o.val_images) {
            fprintf(stderr, PROG ": split needs --val-gt FILE and --val-images FILE\n");
            return 2;
        }
        rc = train_write_validation(o.data, o.split_seed, o.val_gt, o.val_images);
    } else {
        fprintf(stderr, PROG ": unknown command '%s' (see --help)\n", cmd);
        return 2;
    }
    if (rc) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int status = run_program(argc, argv);
    /* What went to stdout is the result: a write that failed there fails the program. */
    return app_close_stdout(PROG) ? 1 : status;
}
