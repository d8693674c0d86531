/* bench-dlib-xml.c - the measurement behind the dlib XML reader's choice (docs/eval.md):
 * for each file, the data set from the expat reader (eval-read-xml.c) against the one from
 * the hand-written scanner it replaced (old_eval_read_dlib_xml, built by .ci/bench-xml from
 * main's history), field by field; then the time to read the file with each, and with
 * libxml2 parsing it into a tree (xmlReadMemory: a lower bound for a libxml2 reader, before
 * any glue). Built and run by .ci/bench-xml; not a test.
 * usage: bench-dlib-xml ROUNDS FILE... */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "eval-dataset.h"

int old_eval_read_dlib_xml(const char *root, const char *xml_file, eval_dataset *ds);

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* 0 when the two sets hold the same images and faces, bit for bit. */
static int same(const eval_dataset *a, const eval_dataset *b, const char *file)
{
    if (a->n_images != b->n_images) {
        printf("%s: %d images vs %d\n", file, a->n_images, b->n_images);
        return -1;
    }
    for (int i = 0; i < a->n_images; i++) {
        const eval_image *x = &a->images[i], *y = &b->images[i];
        if (strcmp(x->path, y->path) || x->n_faces != y->n_faces) {
            printf("%s: image %d differs (%s, %d faces vs %s, %d)\n", file, i, x->path,
                   x->n_faces, y->path, y->n_faces);
            return -1;
        }
        for (int k = 0; k < x->n_faces; k++)
            if (memcmp(&x->faces[k], &y->faces[k], sizeof x->faces[k])) {
                printf("%s: image %d face %d differs\n", file, i, k);
                return -1;
            }
    }
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-dlib-xml ROUNDS FILE...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), status = 0;
    printf("%-40s %7s %6s %6s %8s %10s %10s %12s\n", "file", "bytes", "images", "faces",
           "same", "expat us", "old us", "libxml2 us");
    for (int a = 2; a < argc; a++) {
        const char *file = argv[a];
        eval_dataset n = {0}, o = {0};
        if (eval_read_dlib_xml("", file, &n) || old_eval_read_dlib_xml("", file, &o)) {
            printf("%s: %s\n", file, mtcam_last_error());
            return 1;
        }
        int ok = same(&n, &o, file) == 0;
        status |= !ok;
        int faces, flagged;
        eval_dataset_count(&n, &faces, &flagged);
        double t[3] = {1e9, 1e9, 1e9}; /* best of 5 batches of `rounds` reads */
        size_t size = 0;
        char *text = slurp(file, &size);
        for (int batch = 0; batch < 5; batch++) {
            for (int which = 0; which < 3; which++) {
                double t0 = now_s();
                for (int r = 0; r < rounds; r++) {
                    if (which == 2) {
                        xmlDocPtr doc = xmlReadMemory(text, (int)size, file, NULL, XML_PARSE_NONET);
                        if (!doc)
                            return 1;
                        xmlFreeDoc(doc);
                        continue;
                    }
                    eval_dataset d = {0};
                    if ((which ? old_eval_read_dlib_xml : eval_read_dlib_xml)("", file, &d))
                        return 1;
                    eval_dataset_free(&d);
                }
                double dt = (now_s() - t0) / rounds * 1e6;
                if (dt < t[which])
                    t[which] = dt;
            }
        }
        free(text);
        const char *base = strrchr(file, '/');
        printf("%-40s %7zu %6d %6d %8s %10.1f %10.1f %12.1f\n", base ? base + 1 : file, size,
               n.n_images, faces, ok ? "yes" : "NO", t[0], t[1], t[2]);
        eval_dataset_free(&n);
        eval_dataset_free(&o);
    }
    return status;
}
