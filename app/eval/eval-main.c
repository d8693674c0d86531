/* eval-main.c - mtcam-eval: runs one or more models over an annotated data set and reports
 * detection, landmark and speed figures (terminal, JSON, HTML). See docs/eval.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "eval-dataset.h"
#include "eval-fddb.h"
#include "eval-report.h"
#include "eval-run.h"
#include "eval-score.h"
#include "eval-wider-subset.h"
#include "model-path.h"
#include "mtcnn.h"
#include "output-check.h"

#define PROG "mtcam-eval"

typedef struct args {
    int format;
    const char *root;
    const char *lists[8];
    int n_lists;
    int limit, subset;
    unsigned long long seed;
    const char *models[EVAL_MAX_MODELS];
    int n_models;
    const char *labels[EVAL_MAX_MODELS];
    int n_labels;
    int precisions[EVAL_MAX_MODELS]; /* mtcnn_precision of the nth model */
    int n_precisions;
    float min_face, factor, thresholds[3], sweep;
    float overlap;        /* <0: the format's default */
    float width_range[2]; /* <0: the default */
    const char *json, *html;
    int threads, quiet;
    int caltech_raw_points; /* --caltech-raw-points */
    int wider_subset;        /* official easy/medium/hard AP (-1: none) */
    const char *wider_split; /* folder of the .mat files */
} args;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: " PROG " --dataset caltech|mtfl|dlib|wider|fddb --root DIR [options]\n"
            "  --list FILE          annotation file (repeatable; default: the set's usual file)\n"
            "  --limit N            only the first N images\n"
            "  --subset N           a random N images, chosen by --seed (default seed 1)\n"
            "  --seed S             seed of --subset\n"
            "  --model FILE         model to evaluate (repeatable; default: models/" MTCAM_MODEL_FILE ")\n"
            "  --label NAME         name of the matching --model in the reports\n"
            "  --precision P        auto (default), fp32 or int8 for the matching --model (one\n"
            "                       --precision alone applies to every model)\n"
            "  --min-face N         smallest face searched, pixels (default 20); smaller\n"
            "                       annotated faces are ignored\n"
            "  --thresholds A,B,C   P/R/O-Net thresholds of the operating point (default 0.6,0.7,0.7)\n"
            "  --sweep-threshold T  O-Net threshold of the run the PR curve sweeps (default 0.05)\n"
            "  --factor F           pyramid scale step (default 0.709)\n"
            "  --iou T              overlap a box (or FDDB ellipse) match needs (default 0.5)\n"
            "  --width-range A,B    Caltech: box width range in inter-ocular distances (1.2,4)\n"
            "  --caltech-raw-points Caltech: compare with the points as stored (1-based, MATLAB)\n"
            "                       instead of converted to 0-based pixels (docs/eval.md)\n"
            "  --json FILE          write the figures as JSON\n"
            "  --html FILE          write an HTML report with the plots\n"
            "  --threads N          images evaluated in parallel (default 1)\n"
            "  --quiet              no progress on stderr\n"
            "  --wider-subset S     WIDER: also the official easy|medium|hard AP (needs the\n"
            "                       split's .mat files)\n"
            "  --wider-split DIR    folder of wider_face_val.mat and wider_<S>_val.mat\n"
            "                       (default ROOT/../wider_face_split)\n");
}

static int bad_flag(const char *flag, const char *why, const char *value)
{
    fprintf(stderr, PROG ": %s: %s%s%s%s\n", flag, why, value ? " '" : "", value ? value : "",
            value ? "'" : "");
    return 2;
}

/* Returns 0, or the exit code (2) after printing why. */
static int parse_args(int argc, char **argv, args *a)
{
    mtcnn_options def;
    mtcnn_options_default(&def);
    memset(a, 0, sizeof *a);
    a->format = -1;
    a->seed = 1;
    a->min_face = def.min_face;
    a->factor = def.factor;
    memcpy(a->thresholds, def.thresholds, sizeof a->thresholds);
    a->sweep = 0.05f;
    a->overlap = -1;
    a->width_range[0] = a->width_range[1] = -1;
    a->threads = 1;
    a->wider_subset = -1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (strcmp(f, "-h") == 0 || strcmp(f, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(f, "--quiet") == 0) {
            a->quiet = 1;
            continue;
        }
        if (strcmp(f, "--caltech-raw-points") == 0) {
            a->caltech_raw_points = 1;
            continue;
        }
        if (strncmp(f, "--", 2) != 0)
            return bad_flag(f, "unexpected argument", NULL);
        static const char *const value_flags[] = {
            "--dataset", "--root", "--list", "--limit", "--subset", "--seed", "--model",
            "--precision", "--label", "--min-face", "--thresholds", "--sweep-threshold",
            "--factor", "--iou", "--width-range", "--json", "--html", "--wider-subset",
            "--wider-split", "--threads", NULL};
        if (!app_is_one_of(f, value_flags))
            return bad_flag(f, "unknown flag (see --help)", NULL);
        if (i + 1 >= argc)
            return bad_flag(f, "needs a value", NULL);
        const char *v = argv[++i];
        if (strcmp(f, "--dataset") == 0) {
            if ((a->format = eval_format_parse(v)) < 0)
                return bad_flag(f, "expected caltech, mtfl, dlib, wider or fddb, got", v);
        } else if (strcmp(f, "--root") == 0) {
            a->root = v;
        } else if (strcmp(f, "--list") == 0) {
            if (a->n_lists == 8)
                return bad_flag(f, "at most 8 lists", NULL);
            a->lists[a->n_lists++] = v;
        } else if (strcmp(f, "--limit") == 0) {
            if (app_parse_int(v, 1, 1 << 30, &a->limit))
                return bad_flag(f, "expected a positive integer, got", v);
        } else if (strcmp(f, "--subset") == 0) {
            if (app_parse_int(v, 1, 1 << 30, &a->subset))
                return bad_flag(f, "expected a positive integer, got", v);
        } else if (strcmp(f, "--seed") == 0) {
            char *end;
            errno = 0;
            a->seed = strtoull(v, &end, 10);
            if (end == v || *end || errno || v[0] == '-')
                return bad_flag(f, "expected a non-negative integer, got", v);
        } else if (strcmp(f, "--model") == 0) {
            if (a->n_models == EVAL_MAX_MODELS)
                return bad_flag(f, "at most 8 models", NULL);
            a->models[a->n_models++] = v;
        } else if (strcmp(f, "--precision") == 0) {
            mtcnn_precision p;
            if (a->n_precisions == EVAL_MAX_MODELS)
                return bad_flag(f, "at most 8 precisions", NULL);
            if (mtcnn_precision_parse(v, &p))
                return bad_flag(f, "expected auto, fp32 or int8, got", v);
            a->precisions[a->n_precisions++] = p;
        } else if (strcmp(f, "--label") == 0) {
            if (a->n_labels == EVAL_MAX_MODELS)
                return bad_flag(f, "at most 8 labels", NULL);
            a->labels[a->n_labels++] = v;
        } else if (strcmp(f, "--min-face") == 0) {
            if (app_parse_float(v, 12, 100000, &a->min_face))
                return bad_flag(f, "expected a size >= 12 pixels, got", v);
        } else if (strcmp(f, "--thresholds") == 0) {
            if (app_parse_floats(v, 3, 0, 1, a->thresholds))
                return bad_flag(f, "expected three values in [0,1] like 0.6,0.7,0.7, got", v);
        } else if (strcmp(f, "--sweep-threshold") == 0) {
            if (app_parse_float(v, 0, 1, &a->sweep))
                return bad_flag(f, "expected a value in [0,1], got", v);
        } else if (strcmp(f, "--factor") == 0) {
            if (app_parse_float(v, 0.05f, 0.99f, &a->factor))
                return bad_flag(f, "expected a value in (0,1), got", v);
        } else if (strcmp(f, "--iou") == 0) {
            if (app_parse_float(v, 0.01f, 1, &a->overlap))
                return bad_flag(f, "expected a value in (0,1], got", v);
        } else if (strcmp(f, "--width-range") == 0) {
            if (app_parse_floats(v, 2, 0.1f, 100, a->width_range) ||
                a->width_range[0] >= a->width_range[1])
                return bad_flag(f, "expected two increasing values like 1.2,4, got", v);
        } else if (strcmp(f, "--json") == 0) {
            a->json = v;
        } else if (strcmp(f, "--html") == 0) {
            a->html = v;
        } else if (strcmp(f, "--wider-subset") == 0) {
            if ((a->wider_subset = eval_wider_subset_parse(v)) < 0)
                return bad_flag(f, "expected easy, medium or hard, got", v);
        } else if (strcmp(f, "--wider-split") == 0) {
            a->wider_split = v;
        } else if (strcmp(f, "--threads") == 0) {
            if (app_parse_int(v, 1, 256, &a->threads))
                return bad_flag(f, "expected 1..256, got", v);
        } else {
            return bad_flag(f, "unknown flag (see --help)", NULL);
        }
    }
    if (a->format < 0)
        return bad_flag("--dataset", "is required (caltech, mtfl, dlib, wider or fddb)", NULL);
    if (!a->root)
        return bad_flag("--root", "is required (the data set's folder)", NULL);
    if (a->n_labels > a->n_models && !(a->n_models == 0 && a->n_labels == 1))
        return bad_flag("--label", "more labels than models", NULL);
    if (a->n_precisions > 1 && a->n_precisions > a->n_models)
        return bad_flag("--precision", "more precisions than models", NULL);
    if (a->sweep > a->thresholds[2])
        return bad_flag("--sweep-threshold", "must not be above the O-Net threshold", NULL);
    if ((a->wider_subset >= 0 || a->wider_split) && a->format != EVAL_WIDER)
        return bad_flag(a->wider_subset >= 0 ? "--wider-subset" : "--wider-split",
                        "needs --dataset wider", NULL);
    if (a->wider_split && a->wider_subset < 0)
        return bad_flag("--wider-split", "needs --wider-subset", NULL);
    return 0;
}

typedef struct progress_ctx {
    const char *label;
    int tty, last_decile;
} progress_ctx;

static void progress(void *ctx, int done, int total)
{
    progress_ctx *p = ctx;
    if (p->tty) {
        fprintf(stderr, "\r%s: %d/%d images", p->label, done, total);
        if (done == total)
            fputc('\n', stderr);
    } else {
        int decile = total ? 10 * done / total : 10;
        if (decile > p->last_decile) {
            p->last_decile = decile;
            fprintf(stderr, "%s: %d/%d images\n", p->label, done, total);
        }
    }
    fflush(stderr);
}

/* "models/original.mtcnn" -> "original". */
static void default_label(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(buf, size, "%.*s", n, base);
}

static int run_program(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc;

    eval_dataset ds = {0};
    char lists[2048] = "", selection[128] = "all";
    int exit_code = 1;
    eval_image_dets *dets[EVAL_MAX_MODELS] = {0};
    eval_result results[EVAL_MAX_MODELS];
    eval_fddb_roc fddb[EVAL_MAX_MODELS] = {{0}}; /* FDDB's official ROC (--dataset fddb) */
    int n_results = 0;
    eval_wider_split *wsplit = NULL; /* --wider-subset */
    eval_wider_result *wider = NULL;
    char model_paths[EVAL_MAX_MODELS][4096], labels[EVAL_MAX_MODELS][256];
    mtcnn_model *model = NULL;

    ds.caltech_raw_points = a.caltech_raw_points;
    for (int i = 0; i < (a.n_lists ? a.n_lists : 1); i++) {
        rc = eval_dataset_read((eval_format)a.format, a.root, a.n_lists ? a.lists[i] : NULL, &ds);
        if (rc) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        if (a.n_lists)
            snprintf(lists + strlen(lists), sizeof lists - strlen(lists), "%s%s", i ? ", " : "",
                     a.lists[i]);
    }
    if (a.subset) {
        eval_dataset_subset(&ds, a.subset, a.seed);
        snprintf(selection, sizeof selection, "random %d (seed %llu)", a.subset, a.seed);
    }
    if (a.limit) {
        eval_dataset_limit(&ds, a.limit);
        snprintf(selection + strlen(selection), sizeof selection - strlen(selection),
                 "%sfirst %d", a.subset ? ", " : "", a.limit);
        if (!a.subset)
            snprintf(selection, sizeof selection, "first %d", a.limit);
    }
    if (ds.n_images == 0) {
        fprintf(stderr, PROG ": %s: the data set lists no images\n", a.root);
        goto done;
    }

    if (a.wider_subset >= 0) {
        char split_dir[4096];
        snprintf(split_dir, sizeof split_dir, "%s", a.wider_split ? a.wider_split : a.root);
        if (!a.wider_split)
            snprintf(split_dir, sizeof split_dir, "%s/../wider_face_split", a.root);
        wider = calloc(EVAL_MAX_MODELS, sizeof *wider);
        if (!wider) {
            fprintf(stderr, PROG ": out of memory\n");
            goto done;
        }
        if (eval_wider_split_read(split_dir, a.wider_subset, &ds, &wsplit)) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
    }

    eval_settings settings;
    eval_settings_default((eval_format)a.format, a.min_face, a.thresholds[2], &settings);
    if (a.overlap > 0)
        settings.rule.min_overlap = a.overlap;
    if (a.width_range[0] > 0) {
        settings.rule.width_min = a.width_range[0];
        settings.rule.width_max = a.width_range[1];
    }

    int n_models = a.n_models ? a.n_models : 1;
    for (int m = 0; m < n_models; m++) {
        if (app_model_path(a.n_models ? a.models[m] : NULL, model_paths[m], sizeof model_paths[m])) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        if (m < a.n_labels)
            snprintf(labels[m], sizeof labels[m], "%s", a.labels[m]);
        else
            default_label(model_paths[m], labels[m], sizeof labels[m]);
        if (mtcnn_model_load(model_paths[m], &model)) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        dets[m] = calloc((size_t)ds.n_images, sizeof *dets[m]);
        if (!dets[m]) {
            fprintf(stderr, PROG ": out of memory\n");
            goto done;
        }
        progress_ctx pc = {.label = labels[m], .tty = isatty(2), .last_decile = 0};
        eval_run_params rp = {.model = model, .threads = a.threads,
                              .progress = a.quiet ? NULL : progress, .progress_ctx = &pc};
        mtcnn_options_default(&rp.options);
        rp.options.min_face = a.min_face;
        rp.options.factor = a.factor;
        rp.options.thresholds[0] = a.thresholds[0];
        rp.options.thresholds[1] = a.thresholds[1];
        rp.options.thresholds[2] = a.sweep;
        if (a.n_precisions)
            rp.options.precision = a.n_precisions == 1 ? a.precisions[0]
                                   : m < a.n_precisions ? a.precisions[m]
                                                        : MTCNN_PRECISION_AUTO;
        rc = eval_run(&rp, &ds, dets[m]);
        mtcnn_model_free(model);
        model = NULL;
        if (rc) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        if (eval_score(&ds, dets[m], &settings, &results[m])) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        n_results++;
        if (wsplit && eval_wider_split_score(wsplit, &ds, dets[m], &wider[m])) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        if (a.format == EVAL_FDDB && eval_fddb_roc_build(&ds, dets[m], &fddb[m])) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
    }

    eval_report rep = {.format = eval_format_name((eval_format)a.format), .root = a.root,
                       .lists = lists, .selection = selection, .settings = &settings,
                       .sweep_threshold = a.sweep, .factor = a.factor, .threads = a.threads,
                       .n_models = n_models};
    if (a.format == EVAL_CALTECH)
        rep.points = a.caltech_raw_points ? "as stored (1-based, MATLAB)"
                                          : "the file's 1-based pixels converted to 0-based";
    memcpy(rep.thresholds, a.thresholds, sizeof rep.thresholds);
    for (int m = 0; m < n_models; m++)
        rep.models[m] = (eval_report_model){labels[m], model_paths[m], &results[m],
                                            a.format == EVAL_FDDB ? &fddb[m] : NULL};
    for (int m = 0; wsplit && m < n_models; m++) {
        rep.wider[m] = &wider[m];
        rep.wider_subset = eval_wider_subset_name(a.wider_subset);
    }
    eval_report_text(stdout, &rep);
    for (int m = 0; wsplit && m < n_models; m++)
        eval_wider_split_text(stdout, wsplit, labels[m], &wider[m]);
    for (int m = 0; m < n_models && a.format == EVAL_FDDB; m++)
        eval_fddb_text(stdout, labels[m], &fddb[m]);
    fflush(stdout);
    if (a.json && eval_report_json(a.json, &rep)) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        goto done;
    }
    if (a.html && eval_report_html(a.html, &rep)) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        goto done;
    }
    exit_code = 0;
done:
    mtcnn_model_free(model);
    eval_wider_split_free(wsplit);
    free(wider);
    for (int m = 0; m < n_results; m++)
        eval_result_free(&results[m]);
    for (int m = 0; m < EVAL_MAX_MODELS; m++)
        eval_fddb_roc_free(&fddb[m]);
    for (int m = 0; m < EVAL_MAX_MODELS; m++) {
        eval_image_dets_free(dets[m], ds.n_images);
        free(dets[m]);
    }
    eval_dataset_free(&ds);
    return exit_code;
}

int main(int argc, char **argv)
{
    int status = run_program(argc, argv);
    /* What went to stdout is the result: a write that failed there fails the program. */
    return app_close_stdout(PROG) ? 1 : status;
}
