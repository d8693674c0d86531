/* mtcam-bench - how fast the cascade runs on one frame, stage by stage.
 *
 * Loads IMAGE, resizes it to --size with the engine's area resampler, runs the detector
 * --iters times after a warm-up, and prints for each stage the median time, the boxes it
 * produced and the GFLOP/s it achieved against the FP32 peak measured here with an FMA loop
 * of the kernels' instruction set. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bench-peak.h"
#include "bench-track.h"
#include "cpu.h"
#include "clock.h"
#include "frame.h"
#include "image-file.h"
#include "kernels.h"
#include "model-path.h"
#include "mtcnn.h"
#include "resample.h"
#include "output-check.h"

#define PROG "mtcam-bench"

static const char usage_text[] =
    "usage: " PROG " [options] IMAGE\n"
    "       " PROG " --track FRAMES [options] [VIDEO]\n"
    "Times the face detector on IMAGE (JPEG, PNG, PPM/PGM) resized to --size: per stage\n"
    "(pyramid, P-Net, R-Net, O-Net, NMS and glue) the median time over --iters runs, the\n"
    "boxes leaving each stage, and GFLOP/s as a fraction of the FP32 peak of the cores used\n"
    "(measured first with an FMA-throughput loop of the kernels' instruction set).\n"
    "\n"
    "options:\n"
    "  --model FILE       model file (default: $MTCAM_MODEL, then models/" MTCAM_MODEL_FILE ")\n"
    "  --size WxH         frame size (default 640x480; 0x0 = the image as it is)\n"
    "  --min-face N       smallest face searched, pixels (default 40)\n"
    "  --threads N        threads for one detect call (1 .. 256; default 1)\n"
    "  --iters N          timed runs (default 200), after min(N, 10) warm-up runs\n"
    "  --kernels NAME     scalar, avx2, avx512, neon or auto (default auto)\n"
    "  --precision P      auto (default), fp32 or int8 (the line above the table says which\n"
    "                     ran; % of peak is of the FP32 peak either way)\n"
    "  --json             one JSON object instead of the table\n"
    "  --peaks            print the multiply-add rate of each kernel instruction this CPU\n"
    "                     has (FP32 FMA, INT8 vpdpbusd, BF16 vdpbf16ps) and exit\n"
    "  --track FRAMES     the tracker against full detection instead, on the first FRAMES\n"
    "                     frames of VIDEO (Y4M or MJPEG AVI; default: the demo source), both\n"
    "                     on every frame: per size (--size, else 640x480, 1280x720 and\n"
    "                     1920x1080) the median per-frame time and multiply-adds of each, the\n"
    "                     frames where both count as many faces, landmark jitter and lag\n"
    "                     (docs/tracking.md)\n"
    "  --track-option NAME=VALUE  a tracker option other than its default: scan_parts,\n"
    "                     scan_interval, grace, smooth, motion, min_inside, min_cutoff, beta,\n"
    "                     d_cutoff (mtcnn.h); may be repeated\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 done, 1 the image, model or kernels failed, 2 bad usage.\n";

typedef struct bench_args {
    const char *model, *image, *kernels;
    int width, height, min_face, threads, iters, json, peaks;
    int track_frames, size_given; /* --track FRAMES; --size was given */
    mtcnn_precision precision;
    mtcnn_tracker_options topt;   /* defaults changed by --track-option */
} bench_args;

/* NAME=VALUE onto the tracker options (checked when the tracker is made). 0 or -1. */
static int set_track_option(mtcnn_tracker_options *o, const char *nv)
{
    static const struct {
        const char *name;
        int is_int;
        size_t off;
    } known[] = {
        {"scan_parts", 1, offsetof(mtcnn_tracker_options, scan_parts)},
        {"scan_interval", 1, offsetof(mtcnn_tracker_options, scan_interval)},
        {"grace", 1, offsetof(mtcnn_tracker_options, grace)},
        {"smooth", 1, offsetof(mtcnn_tracker_options, smooth)},
        {"motion", 0, offsetof(mtcnn_tracker_options, motion)},
        {"min_inside", 0, offsetof(mtcnn_tracker_options, min_inside)},
        {"min_cutoff", 0, offsetof(mtcnn_tracker_options, min_cutoff)},
        {"beta", 0, offsetof(mtcnn_tracker_options, beta)},
        {"d_cutoff", 0, offsetof(mtcnn_tracker_options, d_cutoff)},
    };
    const char *eq = strchr(nv, '=');
    if (!eq)
        return -1;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strlen(known[i].name) != (size_t)(eq - nv) || strncmp(nv, known[i].name, eq - nv))
            continue;
        char *field = (char *)o + known[i].off;
        if (known[i].is_int)
            return app_parse_int(eq + 1, -1000000, 1000000, (int *)(void *)field) ? -1 : 0;
        return app_parse_float(eq + 1, -1e6, 1e6, (float *)(void *)field) ? -1 : 0;
    }
    return -1;
}

/* Returns 0, or the exit status (2 bad usage, -1 --help). */
static int parse_args(int argc, char **argv, bench_args *a)
{
    *a = (bench_args){.kernels = "auto", .width = 640, .height = 480, .min_face = 40,
                      .threads = 1, .iters = 200};
    mtcnn_tracker_options_default(&a->topt);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage_text, stdout);
            return -1;
        }
        if (!strcmp(arg, "--json")) {
            a->json = 1;
            continue;
        }
        if (!strcmp(arg, "--peaks")) {
            a->peaks = 1;
            continue;
        }
        if (arg[0] != '-') {
            if (a->image)
                return app_usage_error(PROG, "more than one IMAGE or VIDEO");
            a->image = arg;
            continue;
        }
        static const char *const value_flags[] = {
            "--model", "--kernels", "--track-option", "--track", "--precision", "--size",
            "--min-face", "--threads", "--iters", NULL};
        if (!app_is_one_of(arg, value_flags))
            return app_usage_error(PROG, "unknown option %s", arg);
        if (i + 1 >= argc)
            return app_usage_error(PROG, "%s needs a value", arg);
        const char *v = argv[++i];
        if (!strcmp(arg, "--model"))
            a->model = v;
        else if (!strcmp(arg, "--kernels"))
            a->kernels = v;
        else if (!strcmp(arg, "--track-option")) {
            if (set_track_option(&a->topt, v))
                return app_usage_error(PROG, "--track-option '%s': expected NAME=VALUE with NAME "
                                       "one of scan_parts, scan_interval, grace, smooth, motion, "
                                       "min_inside, min_cutoff, beta, d_cutoff", v);
        } else if (!strcmp(arg, "--track")) {
            if (app_parse_int(v, 3, 1000000, &a->track_frames))
                return app_usage_error(PROG, "--track '%s': expected a frame count, 3 .. 1000000",
                                       v);
        } else if (!strcmp(arg, "--precision")) {
            if (mtcnn_precision_parse(v, &a->precision))
                return app_usage_error(PROG, "--precision '%s': expected auto, fp32 or int8", v);
        } else if (!strcmp(arg, "--size")) {
            a->size_given = 1;
            if (!strchr(v, 'x'))
                return app_usage_error(PROG, "--size '%s': expected WxH", v);
            if (app_parse_size(v, 0, 16384, &a->width, &a->height) ||
                (a->width == 0) != (a->height == 0))
                return app_usage_error(PROG, "--size '%s': expected WxH, 1 .. 16384 each (or 0x0)",
                                       v);
        } else if (!strcmp(arg, "--min-face")) {
            if (app_parse_int(v, 12, 100000, &a->min_face))
                return app_usage_error(PROG, "--min-face '%s': expected an integer >= 12", v);
        } else if (!strcmp(arg, "--threads")) {
            if (app_parse_int(v, 1, 256, &a->threads))
                return app_usage_error(PROG, "--threads '%s': expected 1 .. 256", v);
        } else if (!strcmp(arg, "--iters")) {
            if (app_parse_int(v, 1, 1000000, &a->iters))
                return app_usage_error(PROG, "--iters '%s': expected 1 .. 1000000", v);
        } else
            return app_usage_error(PROG, "unknown option %s", arg);
    }
    if (!a->image && !a->track_frames && !a->peaks)
        return app_usage_error(PROG, "no IMAGE given");
    if (a->track_frames && a->size_given && a->width == 0)
        return app_usage_error(PROG, "--track needs a frame size, not 0x0");
    int known = 0;
    for (int i = 0; mtk_table_names[i]; i++)
        known |= !strcmp(a->kernels, mtk_table_names[i]);
    if (!known && strcmp(a->kernels, "auto") != 0)
        return app_usage_error(PROG, "--kernels '%s': expected scalar, avx2, avx512, neon or auto",
                               a->kernels);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double load_average(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

enum { S_PYRAMID, S_PNET, S_RNET, S_ONET, S_NMS, S_TOTAL, S_COUNT };
static const char *const stage_names[S_COUNT] = {"pyramid", "pnet", "rnet", "onet",
                                                 "nms_glue", "total"};

/* The frame to time: the image resized to the asked size (RGB24). */
static int make_frame(const bench_args *a, const mtk_table *k, mtcam_frame *img,
                      uint8_t **pixels, mtcnn_image *view)
{
    if (capture_image_load(a->image, img) != 0) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        return 1;
    }
    const int w = a->width ? a->width : img->width, h = a->height ? a->height : img->height;
    *pixels = malloc((size_t)w * h * 3);
    if (!*pixels) {
        fprintf(stderr, PROG ": out of memory for a %dx%d frame\n", w, h);
        return 1;
    }
    const mtcnn__src src = {.data = img->data, .width = img->width, .height = img->height,
                            .stride = img->stride, .bpp = 3, .off = {0, 1, 2}};
    mtcnn__buf tmp = {0};
    const int rc = mtcnn__resize_rgb24(k, &src, w, h, *pixels, (ptrdiff_t)w * 3, &tmp);
    mtcnn__buf_free(&tmp);
    if (rc) {
        fprintf(stderr, PROG ": resizing %s: %s\n", a->image, mtcnn_strerror(rc));
        return 1;
    }
    *view = (mtcnn_image){.data = *pixels, .width = w, .height = h, .stride = (ptrdiff_t)w * 3,
                          .format = MTCNN_PIXEL_RGB24};
    return 0;
}

/* --track: the tracker against full detection at each size. */
static int run_track(const bench_args *a, const mtcnn_model *model)
{
    bench_track_args t = {.source = a->image ? a->image : "demo", .frames = a->track_frames,
                          .min_face = a->min_face, .threads = a->threads,
                          .precision = a->precision};
    t.topt = a->topt;
    static const int sizes[][2] = {{640, 480}, {1280, 720}, {1920, 1080}};
    const int n = a->size_given ? 1 : 3;
    for (int i = 0; i < n; i++) {
        const int w = a->size_given ? a->width : sizes[i][0];
        const int h = a->size_given ? a->height : sizes[i][1];
        bench_track_result r;
        if (bench_track_size(model, &t, w, h, &r))
            return 1;
        bench_track_print(&t, &r, a->json);
        fflush(stdout);
    }
    return 0;
}

/* --peaks: one core's multiply-add rate of each kernel instruction this CPU has (the
 * BF16 decision in docs/performance.md rests on these). */
static int print_peaks(void)
{
    const unsigned f = mtk_cpu_features();
    (void)f;
    const struct {
        const char *loop, *what;
        int ops_per_mac, have;
    } p[] = {
        {"scalar", "scalar FP32 multiply + add", 2, 1},
#if defined(__x86_64__)
        {"avx2", "AVX2 FP32 FMA (vfmadd ymm)", 2, !!(f & MTK_CPU_AVX2)},
        {"avx512", "AVX-512 FP32 FMA (vfmadd zmm)", 2, !!(f & MTK_CPU_AVX512)},
        {"vnni", "AVX-512 VNNI INT8 (vpdpbusd zmm)", 2, !!(f & MTK_CPU_AVX512VNNI)},
        {"bf16", "AVX-512 BF16 (vdpbf16ps zmm)", 2, !!(f & MTK_CPU_AVX512BF16)},
#endif
#if defined(__aarch64__)
        {"neon", "NEON FP32 FMA", 2, !!(f & MTK_CPU_NEON)},
#endif
    };
    printf("multiply-adds per second, one core, best of 40 runs (load average %.2f)\n",
           load_average());
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        if (!p[i].have) {
            printf("  %-36s  (not on this CPU)\n", p[i].what);
            continue;
        }
        const double g = bench_peak_gflops(p[i].loop, 0.3) / p[i].ops_per_mac;
        printf("  %-36s %8.1f G/s\n", p[i].what, g);
    }
    return 0;
}

static int run_program(int argc, char **argv)
{
    bench_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.peaks)
        return print_peaks();
    const mtk_table *k = mtk_find_table(a.kernels);
    if (!k) {
        fprintf(stderr, PROG ": kernels '%s' not supported by this CPU or build\n", a.kernels);
        return 1;
    }
    /* The detector takes the process-wide table: name it before anything asks for it. */
    setenv("MTCAM_KERNELS", k->name, 1);
    if (mtk_get_table() != k) {
        fprintf(stderr, PROG ": kernels '%s' could not be selected\n", k->name);
        return 1;
    }
    mtcnn_model *model = NULL;
    if (app_model_load(a.model, &model) != 0) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        return 1;
    }
    if (a.track_frames) {
        rc = run_track(&a, model);
        mtcnn_model_free(model);
        return rc;
    }
    mtcam_frame img = {0};
    uint8_t *pixels = NULL;
    mtcnn_image view;
    mtcnn_detector *det = NULL;
    double *ms[S_COUNT] = {0};
    int status = 1;
    if (make_frame(&a, k, &img, &pixels, &view))
        goto done;
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.min_face = (float)a.min_face;
    o.threads = a.threads;
    o.precision = a.precision;
    if (mtcnn_detector_create(model, &o, &det) != 0) {
        fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
        goto done;
    }
    for (int s = 0; s < S_COUNT; s++)
        if (!(ms[s] = malloc(sizeof(double) * (size_t)a.iters))) {
            fprintf(stderr, PROG ": out of memory\n");
            goto done;
        }
    const double peak = bench_peak_gflops(k->name, 0.2);
    const double load0 = load_average();
    const mtcnn_face *faces;
    int n_faces = 0;
    mtcnn_stats st = {0};
    /* Warm-up runs (caches, pool threads, scratch growth) are not timed: up to 10, never more
     * than the timed runs, so a short run stays short. */
    const int warmup = a.iters < 10 ? a.iters : 10;
    /* CPU time of this thread per run: with one thread it is the whole detect call's work,
     * and unlike wall time it leaves out the time other processes hold the core (a figure
     * that stays usable on a shared machine; caches are still shared). */
    double *cpu = malloc(sizeof(double) * (size_t)a.iters);
    if (!cpu) {
        fprintf(stderr, PROG ": out of memory\n");
        goto done;
    }
    for (int it = -warmup; it < a.iters; it++) {
        struct timespec c0, c1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        const int drc = mtcnn_detect(det, &view, &faces, &n_faces);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        if (it >= 0)
            cpu[it] = (c1.tv_sec - c0.tv_sec) * 1e3 + (c1.tv_nsec - c0.tv_nsec) * 1e-6;
        if (drc != 0) {
            free(cpu);
            fprintf(stderr, PROG ": %s\n", mtcnn_last_error());
            goto done;
        }
        st = *mtcnn_detector_stats(det);
        if (it < 0)
            continue;
        ms[S_PYRAMID][it] = st.ms_pyramid;
        ms[S_PNET][it] = st.ms_pnet;
        ms[S_RNET][it] = st.ms_rnet;
        ms[S_ONET][it] = st.ms_onet;
        ms[S_NMS][it] = st.ms_total - st.ms_pyramid - st.ms_pnet - st.ms_rnet - st.ms_onet;
        ms[S_TOTAL][it] = st.ms_total;
    }
    const double load1 = load_average();
    /* The median is the figure; the fastest run shows what an undisturbed core does when
     * the machine is shared (median() sorts, so the minimum is the first). */
    double med[S_COUNT], best[S_COUNT];
    for (int s = 0; s < S_COUNT; s++) {
        med[s] = median(ms[s], a.iters);
        best[s] = ms[s][0];
    }
    const double cpu_med = median(cpu, a.iters), cpu_min = cpu[0];
    free(cpu);
    /* MACs are the same every run (same frame, same boxes): take the last run's. */
    const double macs[S_COUNT] = {0, st.pnet_macs, st.rnet_macs, st.onet_macs, 0,
                                  st.pnet_macs + st.rnet_macs + st.onet_macs};
    const double cores_peak = peak * a.threads;
    const int counts[S_COUNT] = {st.n_scales, st.n_pnet, st.n_rnet, st.n_onet, n_faces, n_faces};
    if (a.json) {
        printf("{\"image\": \"%s\", \"width\": %d, \"height\": %d, \"min_face\": %d, "
               "\"threads\": %d, \"kernels\": \"%s\", \"precision\": \"%s\", \"iters\": %d, "
               "\"peak_gflops_core\": %.2f, "
               "\"load_avg\": [%.2f, %.2f], \"n_pnet_raw\": %d, \"faces\": %d, "
               "\"caller_cpu_ms\": %.4f, \"caller_cpu_min_ms\": %.4f, \"stages\": {",
               a.image, view.width, view.height, a.min_face, a.threads, k->name,
               mtcnn_precision_name(mtcnn_detector_precision(det)), a.iters, peak, load0, load1,
               st.n_pnet_raw, n_faces, cpu_med, cpu_min);
        for (int s = 0; s < S_COUNT; s++) {
            const double gf = med[s] > 0 && macs[s] > 0 ? 2 * macs[s] / (med[s] * 1e6) : 0;
            printf("%s\"%s\": {\"ms\": %.4f, \"min_ms\": %.4f, \"boxes\": %d, "
                   "\"gflops\": %.2f, \"peak_fraction\": %.4f}",
                   s ? ", " : "", stage_names[s], med[s], best[s], counts[s], gf,
                   cores_peak > 0 ? gf / cores_peak : 0);
        }
        printf("}}\n");
    } else {
        printf("%s at %dx%d, min face %d, %d thread%s, kernels %s, %s, %d runs (median)\n",
               a.image, view.width, view.height, a.min_face, a.threads, a.threads > 1 ? "s" : "",
               k->name, mtcnn_precision_name(mtcnn_detector_precision(det)), a.iters);
        printf("FP32 peak %.1f GFLOP/s per core (%s FMA loop); load average %.2f -> %.2f\n",
               peak, k->name, load0, load1);
        printf("%-10s %9s %9s %7s %9s %7s\n", "stage", "ms", "min ms", "boxes", "GFLOP/s",
               "% peak");
        static const char *const box_what[S_COUNT] = {"levels", "", "", "", "faces", "faces"};
        for (int s = 0; s < S_COUNT; s++) {
            const double gf = med[s] > 0 && macs[s] > 0 ? 2 * macs[s] / (med[s] * 1e6) : 0;
            printf("%-10s %9.3f %9.3f %7d", stage_names[s], med[s], best[s], counts[s]);
            if (gf > 0)
                printf(" %9.1f %6.1f%%", gf, cores_peak > 0 ? 100 * gf / cores_peak : 0);
            else
                printf(" %9s %7s", "-", "-");
            printf(" %s\n", box_what[s]);
        }
        printf("(P-Net cells over threshold before NMS: %d; sum of stage medians %.3f ms)\n",
               st.n_pnet_raw, med[S_PYRAMID] + med[S_PNET] + med[S_RNET] + med[S_ONET] + med[S_NMS]);
        printf("CPU time of the calling thread per run: median %.3f ms, min %.3f ms%s\n", cpu_med,
               cpu_min, a.threads > 1 ? " (the pool's workers not counted)" : "");
    }
    status = 0;
done:
    for (int s = 0; s < S_COUNT; s++)
        free(ms[s]);
    mtcnn_detector_destroy(det);
    free(pixels);
    mtcam_frame_free(&img);
    mtcnn_model_free(model);
    return status;
}

int main(int argc, char **argv)
{
    int status = run_program(argc, argv);
    /* What went to stdout is the result: a write that failed there fails the program. */
    return app_close_stdout(PROG) ? 1 : status;
}
