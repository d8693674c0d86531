/* test-eval-wider.c - the MAT-file v5 reader on files written by the tests' own writer
 * (plain and zlib-compressed, cells of cells, char arrays, the small-element form), damaged
 * files, and WIDER FACE's official AP on a hand-made case with a known answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "eval-mat.h"
#include "eval-wider-official.h"
#include "mat-writer.h"
#include "mtcnn.h"

/* The test's variables: what wider_face_val.mat / wider_hard_val.mat hold, in small. */
static const double boxes_a[] = {10, 200, 20, 210, 30, 40, 31, 41}; /* 2 x 4, column-major */
static const double boxes_b[] = {1.5, 2.5, 3.5, 4.5};               /* 1 x 4 */
static const double keep_a[] = {2};
static const double small_u8[] = {1, 2, 255};

static void build(mat_buf *b, int compressed)
{
    static mw_value names[2], files[2], boxes[2], keeps[2], ev_files[2], ev_boxes[2],
        ev_keeps[2];
    names[0] = (mw_value){MW_CHAR, 0, 0, NULL, "0--Parade", NULL};
    names[1] = (mw_value){MW_CHAR, 0, 0, NULL, "1--Handshaking", NULL};
    files[0] = (mw_value){MW_CHAR, 0, 0, NULL, "0_Parade_marchingband_1_465", NULL};
    files[1] = (mw_value){MW_CHAR, 0, 0, NULL, "x", NULL};
    boxes[0] = (mw_value){MW_DOUBLE, 2, 4, boxes_a, NULL, NULL};
    boxes[1] = (mw_value){MW_DOUBLE, 1, 4, boxes_b, NULL, NULL};
    keeps[0] = (mw_value){MW_DOUBLE, 1, 1, keep_a, NULL, NULL};
    keeps[1] = (mw_value){MW_DOUBLE, 0, 0, NULL, NULL, NULL}; /* [] : no face of the subset */
    /* event 0 holds image 0; event 1 holds image 1 */
    ev_files[0] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &files[0]};
    ev_files[1] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &files[1]};
    ev_boxes[0] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &boxes[0]};
    ev_boxes[1] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &boxes[1]};
    ev_keeps[0] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &keeps[0]};
    ev_keeps[1] = (mw_value){MW_CELL, 1, 1, NULL, NULL, &keeps[1]};
    mw_value event_list = {MW_CELL, 2, 1, NULL, NULL, names};
    mw_value file_list = {MW_CELL, 2, 1, NULL, NULL, ev_files};
    mw_value face_bbx_list = {MW_CELL, 2, 1, NULL, NULL, ev_boxes};
    mw_value gt_list = {MW_CELL, 2, 1, NULL, NULL, ev_keeps};
    mw_value small = {MW_UINT8, 1, 3, small_u8, NULL, NULL};
    mat_begin(b);
    mat_add(b, "event_list", &event_list, compressed);
    mat_add(b, "file_list", &file_list, compressed);
    mat_add(b, "face_bbx_list", &face_bbx_list, compressed);
    mat_add(b, "gt_list", &gt_list, compressed);
    mat_add(b, "u8", &small, compressed); /* 3 bytes of data: the small-element form */
}

static int check_contents(const eval_mat_file *f)
{
    CHECK_INT_EQ(f->n_vars, 5);
    const eval_mat_array *ev = eval_mat_find(f, "event_list");
    CHECK(ev && ev->kind == EVAL_MAT_CELL && ev->numel == 2 && ev->dims[0] == 2);
    CHECK(ev->cells[0].kind == EVAL_MAT_CHAR && strcmp(ev->cells[0].str, "0--Parade") == 0);
    CHECK(strcmp(ev->cells[1].str, "1--Handshaking") == 0);
    const eval_mat_array *fl = eval_mat_find(f, "file_list");
    CHECK(fl && fl->numel == 2 && fl->cells[0].kind == EVAL_MAT_CELL);
    CHECK(strcmp(fl->cells[0].cells[0].str, "0_Parade_marchingband_1_465") == 0);
    CHECK(strcmp(fl->cells[1].cells[0].str, "x") == 0);
    const eval_mat_array *bb = eval_mat_find(f, "face_bbx_list");
    CHECK(bb && bb->numel == 2);
    const eval_mat_array *m = &bb->cells[0].cells[0];
    CHECK(m->kind == EVAL_MAT_NUMERIC && m->n_dims == 2 && m->dims[0] == 2 && m->dims[1] == 4);
    for (int i = 0; i < 8; i++)
        CHECK(m->num[i] == boxes_a[i]); /* exact: doubles go through unchanged */
    m = &bb->cells[1].cells[0];
    CHECK(m->numel == 4 && m->num[0] == 1.5 && m->num[3] == 4.5);
    const eval_mat_array *gl = eval_mat_find(f, "gt_list");
    CHECK(gl && gl->cells[0].cells[0].numel == 1 && gl->cells[0].cells[0].num[0] == 2);
    CHECK(gl->cells[1].cells[0].numel == 0 && gl->cells[1].cells[0].kind == EVAL_MAT_NUMERIC);
    const eval_mat_array *u8 = eval_mat_find(f, "u8");
    CHECK(u8 && u8->numel == 3 && u8->num[0] == 1 && u8->num[2] == 255);
    CHECK(eval_mat_find(f, "nope") == NULL);
    return 0;
}

static int roundtrip(int compressed)
{
    char path[] = "/tmp/mtcam-mat-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    mat_buf b;
    build(&b, compressed);
    CHECK(mat_save(&b, path) == 0);
    eval_mat_file f;
    int rc = eval_mat_read(path, &f);
    unlink(path);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    rc = check_contents(&f);
    eval_mat_free(&f);
    return rc;
}

static int mat_plain(void) { return roundtrip(0); }
static int mat_zlib(void) { return roundtrip(1); }

/* Every truncation and many single-byte corruptions: an error of one line naming the file, or
 * (cut at a variable boundary, or a harmless byte) fewer variables or the same ones. */
static int damaged_one(const unsigned char *data, size_t n, size_t full_vars)
{
    eval_mat_file f;
    int rc = eval_mat_parse(data, n, "t.mat", &f);
    if (rc < 0) {
        const char *msg = mtcam_last_error();
        CHECK_MSG(strncmp(msg, "t.mat: ", 7) == 0 && !strchr(msg, '\n'), "'%s'", msg);
    } else {
        CHECK((size_t)f.n_vars <= full_vars);
    }
    eval_mat_free(&f);
    return 0;
}

static int mat_damaged(void)
{
    for (int compressed = 0; compressed <= 1; compressed++) {
        mat_buf b;
        build(&b, compressed);
        CHECK(!b.failed);
        for (size_t n = 0; n < b.size; n++) /* truncations */
            if (damaged_one(b.data, n, 5))
                return mat_buf_free(&b), 1;
        unsigned char *copy = malloc(b.size);
        CHECK(copy);
        unsigned seed = 12345;
        for (int k = 0; k < 3000; k++) { /* random bytes set to random values */
            memcpy(copy, b.data, b.size);
            seed = seed * 1103515245u + 12345u;
            size_t at = 128 + (seed >> 8) % (b.size - 128);
            seed = seed * 1103515245u + 12345u;
            copy[at] = (unsigned char)(seed >> 16);
            if (damaged_one(copy, b.size, 5))
                return free(copy), mat_buf_free(&b), 1;
        }
        free(copy);
        /* The exact messages for the obvious cases. */
        eval_mat_file f;
        CHECK(eval_mat_parse(b.data, 100, "t.mat", &f) == MTCNN_EFORMAT);
        CHECK_STR_CONTAINS(mtcam_last_error(), "shorter than a MAT-file header");
        eval_mat_free(&f);
        CHECK(eval_mat_parse(b.data, b.size - 3, "t.mat", &f) == MTCNN_EFORMAT);
        eval_mat_free(&f);
        b.data[127] = 'X';
        CHECK(eval_mat_parse(b.data, b.size, "t.mat", &f) == MTCNN_EFORMAT);
        CHECK_STR_CONTAINS(mtcam_last_error(), "not a MAT-file version 5");
        eval_mat_free(&f);
        mat_buf_free(&b);
    }
    eval_mat_file f;
    CHECK(eval_mat_read("/nonexistent/w.mat", &f) == MTCNN_EIO);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent/w.mat: ");
    eval_mat_free(&f);
    return 0;
}

/* Two images; boxes x, y, w, h with w = h = 99 (100 px under the +1 convention).
 * Image 1: faces A (0,0) and B (200,0) in the subset, C (400,0) not (ignored).
 *   d1 on A 0.9, d2 on C 0.8 (ignored: not a proposal), d3 nowhere 0.7 (FP),
 *   d4 on A again 0.6 (a repeat: a proposal, no new recall).
 * Image 2: face D (0,0) in the subset. d5 on D 0.5, d6 nowhere 0.1.
 * Normalised by min 0.1 / max 0.9: 1, .875, .75, .625, .5, 0. Subset faces: A, B, D = 3.
 * Going down the thresholds: d1: P 1/1 R 1/3; + d2: unchanged; + d3: P 1/2; + d4: P 1/3;
 * + d5: P 2/4 R 2/3; + d6 (t = 0): P 2/5 R 2/3.
 * VOC AP: precision's envelope is 1 up to R 1/3 and 0.5 up to R 2/3 -> 1/3 + 1/6 = 0.5. */
static const float gt1[] = {0, 0, 99, 99, 200, 0, 99, 99, 400, 0, 99, 99};
static const unsigned char keep1[] = {1, 1, 0};
static const float gt2[] = {0, 0, 99, 99};
static const unsigned char keep2[] = {1};

static void hand_case(float scale, float shift, float *d1, float *d2, eval_wider_image im[2])
{
    /* Image 1's detections given out of score order: the protocol sorts them. */
    const float a[] = {600, 600, 50, 50, 0.7f, 0, 0, 99, 99, 0.9f, 1, 1, 98, 98, 0.6f,
                       400, 0, 99, 99, 0.8f};
    const float b[] = {0, 0, 99, 99, 0.5f, 300, 300, 40, 40, 0.1f};
    memcpy(d1, a, sizeof a);
    memcpy(d2, b, sizeof b);
    for (int i = 0; i < 4; i++)
        d1[5 * i + 4] = d1[5 * i + 4] * scale + shift;
    for (int i = 0; i < 2; i++)
        d2[5 * i + 4] = d2[5 * i + 4] * scale + shift;
    im[0] = (eval_wider_image){gt1, 3, keep1, d1, 4};
    im[1] = (eval_wider_image){gt2, 1, keep2, d2, 2};
}

static int official_ap_hand(void)
{
    float d1[20], d2[10];
    eval_wider_image im[2];
    static eval_wider_result r;
    hand_case(1, 0, d1, d2, im);
    CHECK(eval_wider_official(im, 2, &r) == 0);
    CHECK_INT_EQ(r.n_faces, 3);
    CHECK_NEAR(r.precision[0], 1.0, 1e-12); /* t = 0.999: d1 */
    CHECK_NEAR(r.recall[0], 1.0 / 3, 1e-12);
    CHECK_NEAR(r.precision[99], 1.0, 1e-12);  /* t = 0.9: d1 (d2 is .875) */
    CHECK_NEAR(r.precision[199], 1.0, 1e-12); /* t = 0.8: d1, d2 (ignored) */
    CHECK_NEAR(r.precision[299], 0.5, 1e-12); /* t = 0.7: + d3 (.75) */
    CHECK_NEAR(r.precision[399], 1.0 / 3, 1e-12); /* t = 0.6: + d4 */
    CHECK_NEAR(r.precision[599], 0.5, 1e-12); /* t = 0.4: + d5 */
    CHECK_NEAR(r.recall[599], 2.0 / 3, 1e-12);
    CHECK_NEAR(r.precision[999], 0.4, 1e-12); /* t = 0: all */
    CHECK_NEAR(r.recall[999], 2.0 / 3, 1e-12);
    CHECK_NEAR(r.ap, 0.5, 1e-12);
    /* Only the order of scores matters after the min-max normalisation. */
    hand_case(10, -3, d1, d2, im);
    CHECK(eval_wider_official(im, 2, &r) == 0);
    CHECK_NEAR(r.ap, 0.5, 1e-12);
    /* Counting C would make d2 a hit: R 2/4 at P 1 then 3/4 at P 3/5 -> 0.5 + 0.25 * 0.6. */
    static const unsigned char all[] = {1, 1, 1};
    im[0].keep = all;
    CHECK(eval_wider_official(im, 2, &r) == 0);
    CHECK_INT_EQ(r.n_faces, 4);
    CHECK_NEAR(r.ap, 0.5 + 0.25 * 0.6, 1e-12);
    return 0;
}

static int voc_ap(void)
{
    const double rec[] = {0.5, 0.5, 1.0}, prec[] = {1.0, NAN, 0.5};
    CHECK_NEAR(eval_wider_voc_ap(rec, prec, 3), 0.5 + 0.5 * 0.5, 1e-12);
    const double rec2[] = {0.0, 0.25}, prec2[] = {NAN, 0.8};
    CHECK_NEAR(eval_wider_voc_ap(rec2, prec2, 2), 0.2, 1e-12);
    CHECK_NEAR(eval_wider_voc_ap(NULL, NULL, 0), 0.0, 0);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"mat_plain", mat_plain},
                                       {"mat_zlib", mat_zlib},
                                       {"mat_damaged", mat_damaged},
                                       {"official_ap_hand", official_ap_hand},
                                       {"voc_ap", voc_ap},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
