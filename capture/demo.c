/* demo.c - the source used when there is no camera: a slow pan and zoom over the portrait
 * photos in assets/demo (Ken Burns style), cross-fading from one photo to the next. Every
 * frame is a pure function of its number, so runs are reproducible and tests can check it.
 *
 * The photos are looked for in $MTCAM_ASSETS/demo, then beside the executable
 * (../share/mtcam/assets/demo, for an install), then in the compiled-in install and source
 * folders (MTCAM_ASSETS_INSTALL_DIR, MTCAM_ASSETS_DIR). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "file.h"
#include "image-file.h"
#include "source.h"

#define DEMO_MAX_PHOTOS 8
#define DEMO_SECONDS_PER_PHOTO 6.0
#define DEMO_FADE_SECONDS 1.0

typedef struct demo_source {
    capture_source base;
    mtcam_frame photos[DEMO_MAX_PHOTOS];
    int n_photos;
    double fps;
    mtcam_frame frame, scratch;
    int32_t *x_table;       /* per output column: source x in 16.16 fixed point */
    capture_pacer pacer;
    uint64_t seq;
    char dir[PATH_MAX];
} demo_source;

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Fills `out` with the first assets/demo folder that exists. $MTCAM_ASSETS, when set, is the
 * only place looked at, so a wrong override is reported rather than silently bypassed. */
static int find_assets(char *out, size_t size, char *tried, size_t tried_size)
{
    char cand[4][PATH_MAX];
    int n = 0;
    const char *env = getenv("MTCAM_ASSETS");
    if (env && *env) {
        snprintf(cand[n++], PATH_MAX, "%.4000s/demo", env);
    } else {
        char exe_dir[PATH_MAX];
        if (mtcam_exe_dir(exe_dir, sizeof exe_dir) == 0)
            snprintf(cand[n++], PATH_MAX, "%.4000s/../share/mtcam/assets/demo", exe_dir);
#ifdef MTCAM_ASSETS_INSTALL_DIR
        snprintf(cand[n++], PATH_MAX, "%.4000s/demo", MTCAM_ASSETS_INSTALL_DIR);
#endif
#ifdef MTCAM_ASSETS_DIR
        snprintf(cand[n++], PATH_MAX, "%.4000s/demo", MTCAM_ASSETS_DIR);
#endif
    }
    tried[0] = 0;
    for (int i = 0; i < n; i++) {
        if (is_dir(cand[i]) && (size_t)snprintf(out, size, "%s", cand[i]) < size)
            return 0;
        size_t used = strlen(tried);
        snprintf(tried + used, tried_size - used, "%s%s", used ? ", " : "", cand[i]);
    }
    return MTCNN_ENOTFOUND;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Decodes every image in the folder (sorted by name, other files ignored). */
static int load_photos(demo_source *s)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return mtcam_set_error(MTCNN_ENOTFOUND, "demo: %s: %s", s->dir, strerror(errno));
    char *names[64];
    int n = 0, rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 5 ||
            (strcmp(e->d_name + l - 4, ".jpg") && strcmp(e->d_name + l - 4, ".png")))
            continue;
        if (!(names[n] = strdup(e->d_name))) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "demo: out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, name_cmp);
    for (int i = 0; i < n; i++) {
        if (!rc && s->n_photos < DEMO_MAX_PHOTOS) {
            char path[PATH_MAX + 256];
            snprintf(path, sizeof path, "%s/%s", s->dir, names[i]);
            rc = capture_image_load(path, &s->photos[s->n_photos]);
            if (!rc)
                s->n_photos++;
        }
        free(names[i]);
    }
    if (!rc && s->n_photos == 0)
        rc = mtcam_set_error(MTCNN_ENOTFOUND, "demo: no photos (.jpg, .png) in %s", s->dir);
    return rc;
}

static double ease(double u)
{
    return u * u * (3 - 2 * u); /* smoothstep: starts and stops gently */
}

/* The part of photo `k` shown at `u` in [0,1] of its time: a crop with the output's aspect,
 * zooming in or out by 30% (alternating per photo) and drifting across the upper part of the
 * picture, where the faces of portraits are. */
static void view_rect(const demo_source *s, int k, double u, double *x0, double *y0, double *w,
                      double *h)
{
    const mtcam_frame *p = &s->photos[k];
    double aspect = (double)s->frame.width / s->frame.height;
    double bw = p->width, bh = p->width / aspect;
    if (bh > p->height) {
        bh = p->height;
        bw = bh * aspect;
    }
    double e = ease(u);
    double zoom = (k & 1) ? 1.3 - 0.3 * e : 1.0 + 0.3 * e;
    *w = bw / zoom;
    *h = bh / zoom;
    /* centre drifts from left-upper to right-middle (mirrored every other photo) */
    double cx = (k & 1) ? 0.56 - 0.12 * e : 0.44 + 0.12 * e;
    double cy = 0.42 + 0.06 * e;
    *x0 = cx * p->width - *w / 2;
    *y0 = cy * p->height - *h / 2;
    if (*x0 < 0)
        *x0 = 0;
    if (*y0 < 0)
        *y0 = 0;
    if (*x0 + *w > p->width)
        *x0 = p->width - *w;
    if (*y0 + *h > p->height)
        *y0 = p->height - *h;
}

/* Bilinear resampling of photo `k`'s rectangle into `dst`. */
static void render_view(demo_source *s, int k, double u, mtcam_frame *dst)
{
    const mtcam_frame *p = &s->photos[k];
    double x0, y0, w, h;
    view_rect(s, k, u, &x0, &y0, &w, &h);
    int W = dst->width, H = dst->height;
    double sx = w / W, sy = h / H;
    for (int i = 0; i < W; i++) {
        double x = x0 + (i + 0.5) * sx - 0.5;
        if (x < 0)
            x = 0;
        if (x > p->width - 1.001)
            x = p->width - 1.001;
        s->x_table[i] = (int32_t)(x * 65536.0);
    }
    for (int j = 0; j < H; j++) {
        double y = y0 + (j + 0.5) * sy - 0.5;
        if (y < 0)
            y = 0;
        if (y > p->height - 1.001)
            y = p->height - 1.001;
        int yi = (int)y;
        int32_t fy = (int32_t)((y - yi) * 256.0);
        const uint8_t *r0 = p->data + (ptrdiff_t)yi * p->stride;
        const uint8_t *r1 = yi + 1 < p->height ? r0 + p->stride : r0;
        uint8_t *o = dst->data + (ptrdiff_t)j * dst->stride;
        for (int i = 0; i < W; i++, o += 3) {
            int32_t xf = s->x_table[i];
            int xi = xf >> 16;
            int32_t fx = (xf & 0xffff) >> 8;
            const uint8_t *a = r0 + 3 * xi, *b = r1 + 3 * xi;
            int dx = xi + 1 < p->width ? 3 : 0;
            for (int c = 0; c < 3; c++) {
                int32_t top = a[c] * (256 - fx) + a[c + dx] * fx;
                int32_t bot = b[c] * (256 - fx) + b[c + dx] * fx;
                o[c] = (uint8_t)((top * (256 - fy) + bot * fy + 32768) >> 16);
            }
        }
    }
}

static void blend(mtcam_frame *dst, const mtcam_frame *src, double alpha)
{
    int a = (int)(alpha * 256 + 0.5);
    for (int j = 0; j < dst->height; j++) {
        uint8_t *o = dst->data + (ptrdiff_t)j * dst->stride;
        const uint8_t *q = src->data + (ptrdiff_t)j * src->stride;
        for (int i = 0; i < 3 * dst->width; i++)
            o[i] = (uint8_t)((o[i] * (256 - a) + q[i] * a + 128) >> 8);
    }
}

/* Draws frame `n`: photo k for DEMO_SECONDS_PER_PHOTO, fading into photo k+1 over the last
 * DEMO_FADE_SECONDS of its time. */
static void render_frame(demo_source *s, uint64_t n)
{
    double t = (double)n / s->fps;
    double seg = DEMO_SECONDS_PER_PHOTO;
    uint64_t idx = (uint64_t)(t / seg);
    double local = t - (double)idx * seg;
    int k = (int)(idx % (uint64_t)s->n_photos);
    /* each photo's motion spans its own time plus the fade into the next */
    double span = seg + DEMO_FADE_SECONDS;
    render_view(s, k, (local + DEMO_FADE_SECONDS) / span, &s->frame);
    double fade_start = seg - DEMO_FADE_SECONDS;
    if (s->n_photos > 1 && local >= fade_start) {
        int k2 = (k + 1) % s->n_photos;
        double a = (local - fade_start) / DEMO_FADE_SECONDS;
        render_view(s, k2, (local - fade_start) / span, &s->scratch);
        blend(&s->frame, &s->scratch, a);
    }
}

static int demo_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    demo_source *s = (demo_source *)src;
    int64_t ts;
    int rc = capture__pacer_wait(&s->pacer, s->seq, timeout_ms, &ts);
    if (rc)
        return rc;
    render_frame(s, s->seq);
    s->frame.timestamp_ns = ts;
    s->frame.seq = s->seq++;
    *frame = &s->frame;
    return 0;
}

static void demo_close(capture_source *src)
{
    demo_source *s = (demo_source *)src;
    for (int i = 0; i < s->n_photos; i++)
        mtcam_frame_free(&s->photos[i]);
    mtcam_frame_free(&s->frame);
    mtcam_frame_free(&s->scratch);
    free(s->x_table);
}

static const capture_source_ops demo_ops = {"demo", 0, demo_read, demo_close};

int capture__open_demo(const char *spec, const capture_options *opt, capture_source **out)
{
    demo_source *s = (demo_source *)capture__source_new(sizeof *s, &demo_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "demo: out of memory");
    int rc;
    char tried[4 * PATH_MAX + 16];
    if (find_assets(s->dir, sizeof s->dir, tried, sizeof tried) != 0) {
        rc = mtcam_set_error(MTCNN_ENOTFOUND,
                             "demo: photos not found (looked in %s); set MTCAM_ASSETS to the "
                             "folder holding demo/",
                             tried);
        goto fail;
    }
    if ((rc = load_photos(s)))
        goto fail;
    int w = opt->width > 0 ? opt->width : 640, h = opt->height > 0 ? opt->height : 480;
    if ((rc = mtcam_frame_alloc(&s->frame, w, h)) || (rc = mtcam_frame_alloc(&s->scratch, w, h)))
        goto fail;
    s->x_table = malloc((size_t)w * sizeof *s->x_table);
    if (!s->x_table) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "demo: out of memory");
        goto fail;
    }
    s->fps = opt->fps > 0 ? opt->fps : 25;
    s->base.rate = s->fps;
    capture__pacer_init(&s->pacer, s->fps, opt->as_fast_as_possible);
    snprintf(s->base.description, sizeof s->base.description,
             "demo: %d photos from %.160s, %dx%d %.4g fps%s", s->n_photos, s->dir, w, h, s->fps,
             opt->as_fast_as_possible ? " (as fast as possible)" : "");
    *out = &s->base;
    return 0;
fail:
    capture_close(&s->base);
    return rc;
}
