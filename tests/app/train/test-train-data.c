/* Reading the training sets (app/train/train-data.c): Caltech's 1-based points become 0-based
 * targets, the validation split keeps its images out, MTFL's points are taken as stored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "train-data.h"

static char root[64];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int make_root(void)
{
    snprintf(root, sizeof root, "/tmp/mtcam-train-data-XXXXXX");
    if (!mkdtemp(root))
        return 0;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/caltech-webfaces %s/mtfl-landmarks", root, root);
    return system(cmd) == 0;
}

static void remove_root(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

/* Two names: one in the training part and one in the validation part of split seed 7. */
static void pick_names(char train[32], char val[32])
{
    train[0] = val[0] = 0;
    for (int i = 0; i < 1000 && (!train[0] || !val[0]); i++) {
        char name[32];
        snprintf(name, sizeof name, "pic%05d.jpg", i);
        strcpy(train_is_validation(name, 7) ? val : train, name);
    }
}

static int caltech_points(void)
{
    if (!make_root())
        SKIP("cannot create a temporary folder");
    char tr[32], va[32], text[512];
    pick_names(tr, va);
    snprintf(text, sizeof text, "%s\n%s\n", tr, va);
    put("caltech-webfaces/images.txt", text);
    /* Eyes 20 apart, mouth 24 below their middle, in the file's 1-based pixels. */
    snprintf(text, sizeof text,
             "%s 41 51 61 51 51 63 51 75\n%s 1 1 2 2 3 3 4 4\n", tr, va);
    put("caltech-webfaces/ground_truth.txt", text);

    train_list l;
    int rc = train_load_caltech(root, 7, 0, &l);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(l.n, 1);
    CHECK_STR_CONTAINS(l.img[0].path, tr);
    CHECK_INT_EQ(l.img[0].n_faces, 1);
    const mtt_face *f = &l.img[0].faces[0];
    /* Targets are 0-based: one less than the file in x and y. */
    CHECK_NEAR(f->lm[0], 40, 0);
    CHECK_NEAR(f->lm[5], 50, 0);
    CHECK_NEAR(f->lm[1], 60, 0);
    CHECK_NEAR(f->lm[6], 50, 0);
    CHECK(isnan(f->lm[2]) && isnan(f->lm[3]) && isnan(f->lm[4]));
    /* The box rule on the 0-based points: side 1.23 (20 + 24), centre 0.21 of the way from the
     * eyes (50, 50) to the mouth (50, 74). */
    const float side = 1.23f * 44, cx = 50, cy = 50 + 0.21f * 24;
    CHECK_NEAR(f->box[0], cx - 0.5f * (side - 1), 1e-3);
    CHECK_NEAR(f->box[1], cy - 0.5f * (side - 1), 1e-3);
    CHECK_NEAR(f->box[2] - f->box[0] + 1, side, 1e-3);
    train_list_free(&l);

    rc = train_load_caltech(root, 7, 1, &l);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(l.n, 1);
    CHECK_STR_CONTAINS(l.img[0].path, va);
    CHECK_NEAR(l.img[0].faces[0].lm[0], 0, 0);
    train_list_free(&l);

    put("caltech-webfaces/ground_truth.txt", "pic00001.jpg 1 2 3\n");
    rc = train_load_caltech(root, 7, 0, &l);
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "ground_truth.txt: line 1");
    remove_root();
    return 0;
}

static int mtfl_points(void)
{
    if (!make_root())
        SKIP("cannot create a temporary folder");
    put("mtfl-landmarks/train_80x80_box_lm.txt",
        "# path left right top bottom x1 y1 x2 y2 x3 y3 x4 y4 x5 y5\n"
        "lfw/a.jpg 27.2 51.84 29.76 54.40 34.32 34.80 47.28 36.24 40.40 46.00 "
        "34.00 50.80 45.04 52.08\n");
    train_list l;
    int rc = train_load_mtfl(root, &l);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(l.n, 1);
    const mtt_face *f = &l.img[0].faces[0];
    CHECK_NEAR(f->lm[0], 34.32f, 1e-4);
    CHECK_NEAR(f->lm[5], 34.80f, 1e-4);
    CHECK_NEAR(f->lm[4], 45.04f, 1e-4);
    CHECK_NEAR(f->lm[9], 52.08f, 1e-4);
    train_list_free(&l);
    remove_root();
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"caltech_points", caltech_points},
                                       {"mtfl_points", mtfl_points},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
