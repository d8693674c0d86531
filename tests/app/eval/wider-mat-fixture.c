/* wider-mat-fixture SPEC VAL.mat SUBSET.mat - writes a WIDER-like split's .mat files for the
 * end-to-end test, with the tests' own MAT writer (mat-writer.c): VAL.mat zlib-compressed as
 * MATLAB saves it, SUBSET.mat plain. SPEC lines: "EVENT FILE N" then N lines "x y w h keep"
 * (keep 1: the face is in the subset). Exit 0, or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mat-writer.h"

#define MAX_EVENTS 16
#define MAX_FILES 64
#define MAX_FACES 64

typedef struct fx_image {
    char file[256];
    int n;
    double box[MAX_FACES * 4]; /* column-major n x 4 */
    double keep[MAX_FACES];
    int n_keep;
} fx_image;

typedef struct fx_event {
    char name[256];
    fx_image img[MAX_FILES];
    int n;
} fx_event;

static fx_event events[MAX_EVENTS];
static int n_events;

static int read_spec(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char ev[256], file[256];
    int n;
    while (fscanf(f, "%255s %255s %d", ev, file, &n) == 3) {
        if (n < 0 || n > MAX_FACES)
            break;
        int e = 0;
        while (e < n_events && strcmp(events[e].name, ev) != 0)
            e++;
        if (e == n_events) {
            if (n_events == MAX_EVENTS)
                break;
            snprintf(events[n_events++].name, 256, "%s", ev);
        }
        if (events[e].n == MAX_FILES)
            break;
        fx_image *im = &events[e].img[events[e].n++];
        snprintf(im->file, sizeof im->file, "%s", file);
        im->n = n;
        for (int i = 0; i < n; i++) {
            double v[4];
            int keep;
            if (fscanf(f, "%lf %lf %lf %lf %d", &v[0], &v[1], &v[2], &v[3], &keep) != 5) {
                fclose(f);
                return -1;
            }
            for (int c = 0; c < 4; c++)
                im->box[c * n + i] = v[c];
            if (keep)
                im->keep[im->n_keep++] = i + 1;
        }
    }
    int ok = feof(f);
    fclose(f);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 4 || read_spec(argv[1]) < 0) {
        fprintf(stderr, "wider-mat-fixture: usage: SPEC VAL.mat SUBSET.mat (bad or missing spec)\n");
        return 1;
    }
    static mw_value names[MAX_EVENTS], files[MAX_EVENTS][MAX_FILES], boxes[MAX_EVENTS][MAX_FILES],
        keeps[MAX_EVENTS][MAX_FILES], ev_files[MAX_EVENTS], ev_boxes[MAX_EVENTS],
        ev_keeps[MAX_EVENTS];
    for (int e = 0; e < n_events; e++) {
        names[e] = (mw_value){MW_CHAR, 0, 0, NULL, events[e].name, NULL};
        for (int j = 0; j < events[e].n; j++) {
            fx_image *im = &events[e].img[j];
            files[e][j] = (mw_value){MW_CHAR, 0, 0, NULL, im->file, NULL};
            boxes[e][j] = (mw_value){MW_DOUBLE, im->n, im->n ? 4 : 0, im->box, NULL, NULL};
            keeps[e][j] = (mw_value){MW_DOUBLE, im->n_keep, im->n_keep ? 1 : 0, im->keep, NULL,
                                     NULL};
        }
        ev_files[e] = (mw_value){MW_CELL, events[e].n, 1, NULL, NULL, files[e]};
        ev_boxes[e] = (mw_value){MW_CELL, events[e].n, 1, NULL, NULL, boxes[e]};
        ev_keeps[e] = (mw_value){MW_CELL, events[e].n, 1, NULL, NULL, keeps[e]};
    }
    mw_value event_list = {MW_CELL, n_events, 1, NULL, NULL, names};
    mw_value file_list = {MW_CELL, n_events, 1, NULL, NULL, ev_files};
    mw_value bbx = {MW_CELL, n_events, 1, NULL, NULL, ev_boxes};
    mw_value gt = {MW_CELL, n_events, 1, NULL, NULL, ev_keeps};
    mat_buf b;
    mat_begin(&b);
    mat_add(&b, "event_list", &event_list, 1);
    mat_add(&b, "file_list", &file_list, 1);
    mat_add(&b, "face_bbx_list", &bbx, 1);
    if (mat_save(&b, argv[2]) < 0) {
        fprintf(stderr, "wider-mat-fixture: %s: cannot write\n", argv[2]);
        return 1;
    }
    mat_begin(&b);
    mat_add(&b, "event_list", &event_list, 0);
    mat_add(&b, "file_list", &file_list, 0);
    mat_add(&b, "face_bbx_list", &bbx, 0);
    mat_add(&b, "gt_list", &gt, 0);
    if (mat_save(&b, argv[3]) < 0) {
        fprintf(stderr, "wider-mat-fixture: %s: cannot write\n", argv[3]);
        return 1;
    }
    return 0;
}
