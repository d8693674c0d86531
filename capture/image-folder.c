/* image-folder.c - still images as a stream: one image repeated (a still camera), or a folder
 * of images shown one after another in natural name order ("img2" before "img10"). Files that
 * are not images are skipped with a counted warning; a folder with no image is an error.
 * An image that does not decode is reported once and left out of later loops; when a whole
 * pass decodes nothing, the source fails (it would otherwise spin through the folder forever
 * without a frame). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "image-file.h"
#include "source.h"

typedef struct image_source {
    capture_source base;
    char **paths;          /* folder: the image files, sorted; NULL once one failed to decode */
    size_t n_paths, next;
    int single;            /* one image, decoded once at open */
    mtcam_frame frame;
    capture_playback play;
    uint64_t good_this_pass;
    unsigned pass;         /* folder: loops done (warnings of decoded images: first pass) */
} image_source;

/* Natural order: runs of digits compare by value, the rest byte by byte. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)a[la]))
                la++;
            while (isdigit((unsigned char)b[lb]))
                lb++;
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c)
                return c;
            a += la;
            b += lb;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int path_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int c = natural_cmp(a, b);
    return c ? c : strcmp(a, b);
}

/* 1 when the file starts like an image, 0 when not, negative when it cannot be read. */
static int looks_like_image(const char *path)
{
    unsigned char head[16];
    int n = capture__read_head(path, head, sizeof head);
    if (n < 0)
        return n;
    return capture_image_sniff(head, (size_t)n) != CAPTURE_IMAGE_UNKNOWN;
}

static int list_folder(image_source *s)
{
    const char *dir = s->base.spec;
    DIR *d = opendir(dir);
    if (!d)
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", dir, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    size_t dlen = strlen(dir);
    int slash = dlen > 0 && dir[dlen - 1] == '/';
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", ".." and hidden files */
        size_t len = dlen + 1 + strlen(e->d_name) + 1;
        char *path = malloc(len);
        if (!path) {
            rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", dir);
            break;
        }
        snprintf(path, len, "%s%s%s", dir, slash ? "" : "/", e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path); /* sub-folders, broken links, devices: not part of the slideshow */
            continue;
        }
        int img = looks_like_image(path);
        if (img <= 0) {
            capture__warn(&s->base, "%s: skipped, not a JPEG, PNG or PPM image", path);
            free(path);
            continue;
        }
        if (s->n_paths == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(s->paths, cap * sizeof *p);
            if (!p) {
                free(path);
                rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", dir);
                break;
            }
            s->paths = p;
        }
        s->paths[s->n_paths++] = path;
    }
    closedir(d);
    if (rc)
        return rc;
    if (s->n_paths == 0)
        return mtcam_set_error(MTCNN_ENOTFOUND,
                               "%s: no JPEG, PNG or PPM images in the folder (%d other files)",
                               dir, s->base.warnings);
    qsort(s->paths, s->n_paths, sizeof *s->paths, path_cmp);
    return 0;
}

static int next_image(capture_source *src)
{
    image_source *s = (image_source *)src;
    if (s->single) {
        if (s->play.seq > 0 && !s->base.opt.loop)
            return mtcam_set_error(MTCNN_EEOF, "%s: end of stream (one image)", s->base.spec);
        return 0;
    }
    while (s->next < s->n_paths && !s->paths[s->next])
        s->next++; /* failed before: reported then */
    if (s->next >= s->n_paths) {
        /* Not MTCNN_EFORMAT, which readers skip: a folder with nothing to show is the end. */
        if (s->good_this_pass == 0)
            return mtcam_set_error(MTCNN_ENOTFOUND,
                                   "%s: none of the %zu images in the folder could be decoded",
                                   s->base.spec, s->n_paths);
        if (!s->base.opt.loop)
            return mtcam_set_error(MTCNN_EEOF, "%s: end of the folder", s->base.spec);
        s->next = 0;
        s->good_this_pass = 0;
        s->pass++;
        while (!s->paths[s->next])
            s->next++; /* one at least decoded in the last pass */
    }
    size_t i = s->next++;
    mtcam_frame_free(&s->frame);
    int rc = capture_image_load(s->paths[i], &s->frame);
    if (rc == MTCNN_ENOMEM)
        return rc;
    if (rc) {
        /* Reported once (the caller warns with this message), then left out. */
        free(s->paths[i]);
        s->paths[i] = NULL;
        return MTCNN_EFORMAT;
    }
    if (*capture_image_warning() && s->pass == 0) /* once each */
        capture__warn(&s->base, "%s", capture_image_warning());
    s->good_this_pass++;
    return 0;
}

static int image_read(capture_source *src, const mtcam_frame **frame, int timeout_ms)
{
    image_source *s = (image_source *)src;
    return capture__playback_read(src, &s->play, next_image, &s->frame, timeout_ms, frame);
}

static void image_close(capture_source *src)
{
    image_source *s = (image_source *)src;
    for (size_t i = 0; i < s->n_paths; i++)
        free(s->paths[i]);
    free(s->paths);
    mtcam_frame_free(&s->frame);
}

static const capture_source_ops image_ops = {"image", 0, image_read, image_close};
static const capture_source_ops folder_ops = {"folder", 0, image_read, image_close};

int capture__open_image(const char *spec, const capture_options *opt, capture_source **out)
{
    image_source *s = (image_source *)capture__source_new(sizeof *s, &image_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", spec);
    s->single = 1;
    int rc = capture_image_load(spec, &s->frame);
    if (rc) {
        capture_close(&s->base);
        return rc;
    }
    if (*capture_image_warning())
        capture__warn(&s->base, "%s", capture_image_warning());
    double fps = opt->fps > 0 ? opt->fps : 25;
    s->base.rate = fps;
    capture__pacer_init(&s->play.pacer, fps, opt->as_fast_as_possible);
    char rate[32] = "as fast as possible";
    if (!opt->as_fast_as_possible)
        snprintf(rate, sizeof rate, "at %.4g fps", fps);
    if (opt->loop)
        snprintf(s->base.description, sizeof s->base.description, "%s: image %dx%d, repeated %s",
                 spec, s->frame.width, s->frame.height, rate);
    else
        snprintf(s->base.description, sizeof s->base.description, "%s: image %dx%d, shown once",
                 spec, s->frame.width, s->frame.height);
    *out = &s->base;
    return 0;
}

int capture__open_folder(const char *spec, const capture_options *opt, capture_source **out)
{
    image_source *s = (image_source *)capture__source_new(sizeof *s, &folder_ops, spec, opt);
    if (!s)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", spec);
    int rc = list_folder(s);
    if (rc) {
        capture_close(&s->base);
        return rc;
    }
    double fps = opt->fps > 0 ? opt->fps : 1;
    s->base.rate = fps;
    capture__pacer_init(&s->play.pacer, fps, opt->as_fast_as_possible);
    char rate[32] = "as fast as possible";
    if (!opt->as_fast_as_possible)
        snprintf(rate, sizeof rate, "%.4g images/s", fps);
    char skipped[48] = "";
    if (s->base.warnings)
        snprintf(skipped, sizeof skipped, " (%d other files skipped)", s->base.warnings);
    snprintf(s->base.description, sizeof s->base.description, "%s: %zu images%s, %s, %s", spec,
             s->n_paths, skipped, rate, opt->loop ? "looping" : "once");
    *out = &s->base;
    return 0;
}
