/* detect.c - mtcam-detect: faces in still images, one JSON line per image.
 *
 * Images are decoded, detected and (with --draw, --crops) drawn and cropped by N worker threads, each with its
 * own detector on one shared, read-only model; the main thread prints the results in the
 * order the images were given, as soon as each is ready. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "detect-track.h"
#include "clock.h"
#include "err.h"
#include "face-crops.h"
#include "image-file.h"
#include "image-write.h"
#include "model-path.h"
#include "output-check.h"
#include "mtcnn.h"
#include "overlay.h"

#define PROG        "mtcam-detect"
#define MAX_THREADS 64

static const char usage_text[] =
    "usage: " PROG " [options] IMAGE...\n"
    "       " PROG " --track [options] VIDEO...\n"
    "Finds faces in JPEG, PNG and PPM/PGM images and prints one JSON object per image and\n"
    "line, in the order given:\n"
    "  {\"image\": PATH, \"width\": W, \"height\": H, \"ms\": T, \"faces\": [{\"box\": [x1, y1, "
    "x2, y2],\n"
    "   \"score\": S, \"landmarks\": [[x, y] x 5]}]}\n"
    "Coordinates are 0-based pixels, boxes inclusive; landmarks (left eye, right eye, nose,\n"
    "left and right mouth corner) appear when the last stage run gives them.\n"
    "\n"
    "options:\n"
    "  --model FILE         model file (default: $MTCAM_MODEL, then models/" MTCAM_MODEL_FILE ")\n"
    "  --min-face N         smallest face searched, pixels (>= 12; default 20)\n"
    "  --factor F           image pyramid scale step (0.1 .. 0.95; default 0.709)\n"
    "  --thresholds A,B,C   P/R/O-Net face thresholds in [0, 1] (default 0.6,0.7,0.7)\n"
    "  --stages 1|2|3       run the cascade up to this net (default 3)\n"
    "  --threads N          images processed in parallel (1 .. 64; default 1)\n"
    "  --bgr                feed the image with R and B swapped, as peers using OpenCV's BGR do\n"
    "  --landmarks WHICH    onet (default), mirror (average with a mirrored O-Net pass) or\n"
    "                       lnet (refine with the L-Net of the model, det4)\n"
    "  --precision P        auto (default: int8 when the model is calibrated and the CPU has\n"
    "                       an INT8 kernel, else fp32), fp32 or int8\n"
    "  --draw DIR           also write each image with the detections as DIR/<name>.png\n"
    "  --track              the arguments are Y4M or MJPEG AVI videos: faces are tracked\n"
    "                       through every frame and one JSON line per frame is printed,\n"
    "                       {\"video\": PATH, \"frame\": I, \"time\": S, \"width\": W, \"height\": H,\n"
    "                        \"mode\": \"scan\"|\"track\", \"ms\": T, \"faces\": [{\"id\": N, ...}]},\n"
    "                       ids stable within a video (docs/tracking.md); --threads is then\n"
    "                       the threads of one frame\n"
    "  --crops DIR          also write each face's aligned 112x112 crop (ArcFace's five-point\n"
    "                       template) as DIR/<name>-face<i>.png, i as in \"faces\"\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 all images done, 1 an image or the model failed (the other images are\n"
    "still processed), 2 bad usage.\n";

typedef struct detect_args {
    const char *model;
    const char *draw_dir;
    const char *crops_dir;
    mtcnn_options opt;
    int threads;
    char **images;
    int n_images;
    int track; /* --track: images[] are videos */
} detect_args;

/* Returns 0, or the exit status (2 for bad usage, -1 for --help: exit 0). */
static int parse_args(int argc, char **argv, detect_args *a)
{
    memset(a, 0, sizeof *a);
    mtcnn_options_default(&a->opt);
    a->threads = 1;
    a->images = calloc((size_t)argc, sizeof *a->images);
    if (!a->images) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            a->images[a->n_images++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            options_done = 1;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage_text, stdout);
            return -1;
        }
        if (!strcmp(arg, "--track")) {
            a->track = 1;
            continue;
        }
        if (!strcmp(arg, "--bgr")) {
            a->opt.swap_rb = 1;
            continue;
        }
        /* Options with a value: "--name value" or "--name=value". */
        static const char *const with_value[] = {
            "--model",   "--min-face", "--factor",   "--thresholds",
            "--stages", "--threads",  "--draw",     "--landmarks", "--crops",
            "--precision"};
        const char *name = NULL, *value = NULL;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t len = strlen(with_value[k]);
            if (!strncmp(arg, with_value[k], len) && (arg[len] == '\0' || arg[len] == '=')) {
                name = with_value[k];
                value = arg[len] == '=' ? arg + len + 1 : NULL;
            }
        }
        if (!name)
            return app_usage_error(PROG, "unknown option '%s'", arg);
        if (!value) {
            if (i + 1 >= argc)
                return app_usage_error(PROG, "%s needs a value", name);
            value = argv[++i];
        }
        if (!strcmp(name, "--model")) {
            a->model = value;
        } else if (!strcmp(name, "--draw")) {
            if (!*value)
                return app_usage_error(PROG, "--draw needs a folder");
            a->draw_dir = value;
        } else if (!strcmp(name, "--crops")) {
            if (!*value)
                return app_usage_error(PROG, "--crops needs a folder");
            a->crops_dir = value;
        } else if (!strcmp(name, "--min-face")) {
            if (app_parse_float(value, 12, 100000, &a->opt.min_face))
                return app_usage_error(
                    PROG,
                    "--min-face '%s': expected a size in pixels from 12 to 100000 "
                    "(the nets see faces of 12 pixels and more)",
                    value);
        } else if (!strcmp(name, "--factor")) {
            if (app_parse_float(value, 0.1, 0.95, &a->opt.factor))
                return app_usage_error(PROG, "--factor '%s': expected a number from 0.1 to 0.95",
                                       value);
        } else if (!strcmp(name, "--thresholds")) {
            if (app_parse_floats(value, 3, 0, 1, a->opt.thresholds))
                return app_usage_error(PROG,
                                       "--thresholds '%s': expected three numbers in [0, 1] "
                                       "separated by commas, e.g. 0.6,0.7,0.7",
                                       value);
        } else if (!strcmp(name, "--landmarks")) {
            a->opt.mirror_landmarks = !strcmp(value, "mirror");
            a->opt.refine_landmarks = !strcmp(value, "lnet");
            if (strcmp(value, "onet") && !a->opt.mirror_landmarks && !a->opt.refine_landmarks)
                return app_usage_error(PROG, "--landmarks '%s': expected onet, mirror or lnet",
                                       value);
        } else if (!strcmp(name, "--precision")) {
            mtcnn_precision p;
            if (mtcnn_precision_parse(value, &p))
                return app_usage_error(PROG, "--precision '%s': expected auto, fp32 or int8",
                                       value);
            a->opt.precision = p;
        } else if (!strcmp(name, "--stages")) {
            if (app_parse_int(value, 1, 3, &a->opt.stages))
                return app_usage_error(PROG, "--stages '%s': expected 1, 2 or 3", value);
        } else if (!strcmp(name, "--threads")) {
            if (app_parse_int(value, 1, MAX_THREADS, &a->threads))
                return app_usage_error(PROG, "--threads '%s': expected a number from 1 to %d",
                                       value, MAX_THREADS);
        }
    }
    if (a->n_images == 0)
        return app_usage_error(PROG, a->track ? "no video given" : "no image given");
    if (a->track && a->draw_dir)
        return app_usage_error(PROG, "--draw works on images, not with --track");
    return 0;
}

/* ---- growing strings --------------------------------------------------------------------- */

typedef struct strbuf {
    char *s;
    size_t len, cap;
    int failed; /* out of memory: the text is incomplete */
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) MTCAM_PRINTF(2, 3);
static void sb_printf(strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

/* A JSON string: quotes, backslashes and control characters escaped; other bytes (UTF-8
 * file names) as they are. */
static void sb_json_string(strbuf *b, const char *s)
{
    sb_printf(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_printf(b, "\\%c", *p);
        else if (*p == '\n')
            sb_printf(b, "\\n");
        else if (*p == '\t')
            sb_printf(b, "\\t");
        else if (*p < 0x20 || *p == 0x7F)
            sb_printf(b, "\\u%04x", *p);
        else
            sb_printf(b, "%c", *p);
    }
    sb_printf(b, "\"");
}

/* A number with `decimals` digits after the point; JSON has no NaN or infinity: null. */
static void sb_number(strbuf *b, double v, int decimals)
{
    if (isfinite(v))
        sb_printf(b, "%.*f", decimals, v);
    else
        sb_printf(b, "null");
}

/* ---- one image --------------------------------------------------------------------------- */

typedef struct image_result {
    char *line;  /* the JSON line, or NULL */
    char *error; /* a one-line error, or NULL */
    char *warning; /* what the decoder stepped over (a JPEG without its end marker), or NULL */
    int done;
} image_result;

static char *message_copy(const char *fmt, ...) MTCAM_PRINTF(1, 2);
static char *message_copy(const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return strdup(tmp); /* NULL only when out of memory; print_result then says so */
}

static void format_json(strbuf *b, const char *path, const mtcam_frame *frame, double ms,
                        const mtcnn_face *faces, int count)
{
    sb_printf(b, "{\"image\": ");
    sb_json_string(b, path);
    sb_printf(b, ", \"width\": %d, \"height\": %d, \"ms\": ", frame->width, frame->height);
    sb_number(b, ms, 3);
    sb_printf(b, ", \"faces\": [");
    for (int i = 0; i < count; i++) {
        const mtcnn_face *f = &faces[i];
        sb_printf(b, "%s{\"box\": [", i ? ", " : "");
        for (int k = 0; k < 4; k++) {
            sb_printf(b, k ? ", " : "");
            sb_number(b, f->box[k], 4);
        }
        sb_printf(b, "], \"score\": ");
        sb_number(b, f->score, 6);
        if (f->has_landmarks) {
            sb_printf(b, ", \"landmarks\": [");
            for (int k = 0; k < 5; k++) {
                sb_printf(b, "%s[", k ? ", " : "");
                sb_number(b, f->landmarks[k][0], 4);
                sb_printf(b, ", ");
                sb_number(b, f->landmarks[k][1], 4);
                sb_printf(b, "]");
            }
            sb_printf(b, "]");
        }
        sb_printf(b, "}");
    }
    sb_printf(b, "]}");
}

static void process_image(const detect_args *a, mtcnn_detector *det, const char *path,
                          const char *draw_path, const char *crop_prefix, image_result *r)
{
    mtcam_frame frame;
    if (capture_image_load(path, &frame)) {
        r->error = message_copy("%s", mtcam_last_error());
        return;
    }
    if (*capture_image_warning())
        r->warning = message_copy("%s", capture_image_warning());
    mtcnn_image img = {frame.data, frame.width, frame.height, frame.stride, MTCNN_PIXEL_RGB24};
    const mtcnn_face *faces;
    int count;
    int64_t t0 = mtcam_now_ns();
    if (mtcnn_detect(det, &img, &faces, &count)) {
        r->error = message_copy("%s: %s", path, mtcnn_last_error());
        mtcam_frame_free(&frame);
        return;
    }
    double ms = mtcam_ms_since(t0);
    strbuf b = {0};
    format_json(&b, path, &frame, ms, faces, count);
    if (b.failed) {
        free(b.s);
        r->error = message_copy("%s: out of memory", path);
        mtcam_frame_free(&frame);
        return;
    }
    r->line = b.s;
    int written;
    /* Crops first: --draw paints over the frame. */
    if (crop_prefix && render_write_face_crops(crop_prefix, &frame, faces, count, &written))
        r->error = message_copy("%s", mtcam_last_error());
    if (draw_path && !r->error) {
        render_overlay_style style;
        render_overlay_style_default(&style);
        render_overlay_draw_faces(&frame, faces, count, &style);
        if (render_image_write_png(draw_path, &frame))
            r->error = message_copy("%s", mtcam_last_error());
    }
    mtcam_frame_free(&frame);
}

/* ---- --draw and --crops output names ---------------------------------------------------- */

/* mkdir -p: creates `dir` and its missing parents. */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return mtcam_set_error(MTCNN_EINVAL, "%s: path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                int err = errno;
                return mtcam_set_error(mtcam_errno_code(err), "%s: cannot create: %s", path,
                                       strerror(err));
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return mtcam_set_error(MTCNN_EINVAL, "%s: not a folder", dir);
    return 0;
}

/* DIR/<file name without its extension><suffix>; a name used by an earlier image gets "-2",
 * "-3"... so two images never write the same file. */
static char **output_paths(const detect_args *a, const char *dir, const char *suffix)
{
    char **out = calloc((size_t)a->n_images, sizeof *out);
    if (!out)
        return NULL;
    for (int i = 0; i < a->n_images; i++) {
        const char *base = strrchr(a->images[i], '/');
        base = base ? base + 1 : a->images[i];
        const char *dot = strrchr(base, '.');
        int stem_len = (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base));
        for (int n = 1;; n++) {
            strbuf b = {0};
            sb_printf(&b, "%s/%.*s", dir, stem_len, base);
            if (n > 1)
                sb_printf(&b, "-%d", n);
            sb_printf(&b, "%s", suffix);
            if (b.failed) {
                free(b.s);
                for (int k = 0; k < i; k++)
                    free(out[k]);
                free(out);
                return NULL;
            }
            int taken = 0;
            for (int k = 0; k < i && !taken; k++)
                taken = !strcmp(out[k], b.s);
            if (!taken) {
                out[i] = b.s;
                break;
            }
            free(b.s);
        }
    }
    return out;
}

/* ---- workers ----------------------------------------------------------------------------- */

typedef struct work {
    const detect_args *args;
    char **draw_paths;
    char **crop_prefixes;
    image_result *results;
    atomic_int next; /* the next image to take */
    pthread_mutex_t lock;
    pthread_cond_t ready;
} work;

typedef struct worker {
    work *w;
    mtcnn_detector *det;
    pthread_t thread;
} worker;

static void *worker_main(void *arg)
{
    worker *me = arg;
    work *w = me->w;
    for (;;) {
        int i = atomic_fetch_add(&w->next, 1);
        if (i >= w->args->n_images)
            break;
        image_result r = {0};
        process_image(w->args, me->det, w->args->images[i], w->draw_paths ? w->draw_paths[i] : NULL,
                      w->crop_prefixes ? w->crop_prefixes[i] : NULL, &r);
        pthread_mutex_lock(&w->lock);
        w->results[i] = r;
        w->results[i].done = 1;
        pthread_cond_broadcast(&w->ready);
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* Prints result i (waiting for it); returns 1 when the image failed. */
static int print_result(work *w, int i)
{
    pthread_mutex_lock(&w->lock);
    while (!w->results[i].done)
        pthread_cond_wait(&w->ready, &w->lock);
    image_result r = w->results[i];
    w->results[i].line = w->results[i].error = w->results[i].warning = NULL;
    pthread_mutex_unlock(&w->lock);
    if (r.warning)
        fprintf(stderr, PROG ": warning: %s\n", r.warning);
    if (r.line) {
        fputs(r.line, stdout);
        fputc('\n', stdout);
        /* Lines appear as images finish, also through a pipe; a failed write is said once
         * here, and fails the run at the end. */
        app_flush_stdout(PROG);
    }
    int failed = r.error != NULL || !r.line;
    if (r.error)
        fprintf(stderr, PROG ": %s\n", r.error);
    else if (!r.line)
        fprintf(stderr, PROG ": %s: out of memory\n", w->args->images[i]);
    free(r.line);
    free(r.error);
    free(r.warning);
    return failed;
}

static int run(const detect_args *a, const mtcnn_model *model)
{
    int status = 0, started = 0;
    work w = {.args = a};
    atomic_init(&w.next, 0);
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.ready, NULL);
    int n_workers = a->threads < a->n_images ? a->threads : a->n_images;
    worker *workers = calloc((size_t)n_workers, sizeof *workers);
    w.results = calloc((size_t)a->n_images, sizeof *w.results);
    if (!workers || !w.results) {
        fprintf(stderr, PROG ": out of memory\n");
        status = 1;
        goto done;
    }
    if (a->draw_dir) {
        if (make_dirs(a->draw_dir)) {
            fprintf(stderr, PROG ": %s\n", mtcam_last_error());
            status = 1;
            goto done;
        }
        w.draw_paths = output_paths(a, a->draw_dir, ".png");
        if (!w.draw_paths) {
            fprintf(stderr, PROG ": out of memory\n");
            status = 1;
            goto done;
        }
    }
    if (a->crops_dir) {
        if (make_dirs(a->crops_dir)) {
            fprintf(stderr, PROG ": %s\n", mtcam_last_error());
            status = 1;
            goto done;
        }
        w.crop_prefixes = output_paths(a, a->crops_dir, "");
        if (!w.crop_prefixes) {
            fprintf(stderr, PROG ": out of memory\n");
            status = 1;
            goto done;
        }
    }
    /* All detectors first: a failure here is one message, not one per image. */
    for (int t = 0; t < n_workers; t++) {
        workers[t].w = &w;
        if (mtcnn_detector_create(model, &a->opt, &workers[t].det)) {
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            status = 1;
            goto done;
        }
    }
    if (n_workers == 1) {
        /* One thread: the main thread does the work, printing each line as it goes. */
        for (int i = 0; i < a->n_images; i++) {
            image_result r = {0};
            process_image(a, workers[0].det, a->images[i], w.draw_paths ? w.draw_paths[i] : NULL,
                          w.crop_prefixes ? w.crop_prefixes[i] : NULL, &r);
            r.done = 1;
            w.results[i] = r;
            status |= print_result(&w, i);
        }
        goto done;
    }
    for (; started < n_workers; started++) {
        int err = pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]);
        if (err) {
            fprintf(stderr, PROG ": cannot start a thread: %s\n", strerror(err));
            status = 1;
            break;
        }
    }
    if (started > 0)
        for (int i = 0; i < a->n_images; i++)
            status |= print_result(&w, i);
done:
    for (int t = 0; t < started; t++)
        pthread_join(workers[t].thread, NULL);
    if (workers)
        for (int t = 0; t < n_workers; t++)
            mtcnn_detector_destroy(workers[t].det);
    if (w.draw_paths)
        for (int i = 0; i < a->n_images; i++)
            free(w.draw_paths[i]);
    free(w.draw_paths);
    if (w.crop_prefixes)
        for (int i = 0; i < a->n_images; i++)
            free(w.crop_prefixes[i]);
    free(w.crop_prefixes);
    if (w.results)
        for (int i = 0; i < a->n_images; i++) {
            free(w.results[i].line);
            free(w.results[i].error);
            free(w.results[i].warning);
        }
    free(w.results);
    free(workers);
    pthread_cond_destroy(&w.ready);
    pthread_mutex_destroy(&w.lock);
    return status;
}

int main(int argc, char **argv)
{
    detect_args a;
    int status = parse_args(argc, argv, &a);
    if (status) {
        free(a.images);
        return status < 0 ? 0 : status;
    }
    mtcnn_model *model = NULL;
    if (app_model_load(a.model, &model)) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        free(a.images);
        return 1;
    }
    if (a.opt.refine_landmarks && !mtcnn_model_has_lnet(model)) {
        /* Asked for, it must happen: silently giving O-Net's points would mislead. */
        fprintf(stderr, PROG ": --landmarks lnet: the model has no L-Net (convert det4 with "
                        "mtcam-convert to get one)\n");
        mtcnn_model_free(model);
        free(a.images);
        return 1;
    }
    if (a.track) {
        /* Videos one after the other, each through its own tracker (ids restart at 1). */
        mtcnn_tracker_options topt;
        mtcnn_tracker_options_default(&topt);
        a.opt.threads = a.threads;
        status = 0;
        for (int i = 0; i < a.n_images; i++)
            status |= detect_track_video(a.images[i], model, &a.opt, &topt);
    } else {
        status = run(&a, model);
    }
    mtcnn_model_free(model);
    free(a.images);
    if (app_close_stdout(PROG))
        status = 1;
    return status;
}
