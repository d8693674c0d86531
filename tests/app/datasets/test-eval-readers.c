/* test-eval-readers.c - the data set readers on small files written by the tests: dlib XML,
 * WIDER FACE text, FDDB ellipse folds, Caltech points, MTFL lines; their errors; subsets. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "eval-dataset.h"
#include "eval-mat.h"
#include "mtcnn.h"

static char tmpdir[256];

static const char *make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mtcam-eval-test-XXXXXX");
    return mkdtemp(tmpdir);
}

static void remove_tmpdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Writes tmpdir/name and returns its path (a static buffer per call site is enough here). */
static const char *write_file(const char *name, const char *fmt, ...)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/%s", tmpdir, name);
    FILE *fp = fopen(p, "w");
    if (!fp)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fclose(fp);
    return p;
}

/* A dlib box with the 68 iBUG parts: the eye rings 36-41 around (30,40) and 42-47 around
 * (60,42), nose tip 30 at (45,55), mouth corners 48 (35,70) and 54 (55,71); other parts at
 * (0,0). */
static void append_parts(char *buf, size_t size)
{
    static const float ring[6][2] = {{-4, 0}, {-2, -2}, {2, -2}, {4, 0}, {2, 2}, {-2, 2}};
    for (int i = 0; i < 68; i++) {
        float x = 0, y = 0;
        if (i >= 36 && i < 42) {
            x = 30 + ring[i - 36][0];
            y = 40 + ring[i - 36][1];
        } else if (i >= 42 && i < 48) {
            x = 60 + ring[i - 42][0];
            y = 42 + ring[i - 42][1];
        } else if (i == 30) {
            x = 45, y = 55;
        } else if (i == 48) {
            x = 35, y = 70;
        } else if (i == 54) {
            x = 55, y = 71;
        }
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "      <part name='%02d' x='%g' y='%g'/>\n", i, x, y);
    }
}

static int dlib_xml(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    static char xml[16384];
    snprintf(xml, sizeof xml,
             "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
             "<?xml-stylesheet type='text/xsl' href='image_metadata_stylesheet.xsl'?>\n"
             "<dataset>\n<name>test</name>\n<comment>a <b>comment</b> element</comment>\n"
             "<!-- a comment with <box> inside -->\n<images>\n"
             "  <image file='a&amp;b.jpg' width='100' height='100'>\n"
             "    <box top='20' left='10' width='64' height='60'>\n");
    append_parts(xml, sizeof xml);
    size_t len = strlen(xml);
    snprintf(xml + len, sizeof xml - len,
             "    </box>\n"
             "    <box top=\"5\" left=\"70\" width=\"20\" height=\"22\" ignore=\"1\"/>\n"
             "    <box top='1' left='2' width='30' height='30'><label>x</label></box>\n"
             "  </image>\n"
             "  <image file='sub/empty.jpg'/>\n"
             "</images>\n</dataset>\n");
    const char *path = write_file("faces.xml", "%s", xml);
    eval_dataset ds = {0};
    int rc = eval_dataset_read(EVAL_DLIB, "/data", path, &ds);
    remove_tmpdir();
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 2);
    CHECK(strcmp(ds.images[0].path, "/data/a&b.jpg") == 0);
    CHECK(strcmp(ds.images[1].path, "/data/sub/empty.jpg") == 0);
    CHECK_INT_EQ(ds.images[0].n_faces, 3);
    CHECK_INT_EQ(ds.images[1].n_faces, 0);
    const eval_face *f = &ds.images[0].faces[0];
    CHECK(f->has_box && !f->ignore);
    CHECK_NEAR(f->box[0], 10, 0);
    CHECK_NEAR(f->box[1], 20, 0);
    CHECK_NEAR(f->box[2], 74, 0);
    CHECK_NEAR(f->box[3], 80, 0);
    CHECK_INT_EQ(f->pts_mask, 0x1f);
    CHECK_NEAR(f->pts[EVAL_LEYE][0], 30, 1e-5);
    CHECK_NEAR(f->pts[EVAL_LEYE][1], 40, 1e-5);
    CHECK_NEAR(f->pts[EVAL_REYE][0], 60, 1e-5);
    CHECK_NEAR(f->pts[EVAL_REYE][1], 42, 1e-5);
    CHECK_NEAR(f->pts[EVAL_NOSE][0], 45, 0);
    CHECK_NEAR(f->pts[EVAL_LMOUTH][0], 35, 0);
    CHECK_NEAR(f->pts[EVAL_RMOUTH][1], 71, 0);
    CHECK_NEAR(eval_face_iod(f), sqrt(30.0 * 30.0 + 4.0), 1e-4);
    CHECK(ds.images[0].faces[1].ignore);
    CHECK_NEAR(ds.images[0].faces[1].box[2], 90, 0);
    CHECK_INT_EQ(ds.images[0].faces[2].pts_mask, 0); /* no parts, no landmarks */
    int n, flagged;
    eval_dataset_count(&ds, &n, &flagged);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(flagged, 1);
    eval_dataset_free(&ds);
    return 0;
}

/* MAT v5 files written by SciPy (tests/app/datasets/data/README.md), plain and compressed:
 * WIDER's nesting of cells, an empty 0x4 array, and every numeric class read as doubles. */
static int mat_scipy_files(void)
{
    static const char *const names[] = {"wider-like-plain.mat", "wider-like-compressed.mat"};
    for (int n = 0; n < 2; n++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", MTCAM_DATASETS_DATA_DIR, names[n]);
        eval_mat_file f;
        int rc = eval_mat_read(path, &f);
        CHECK_MSG(rc == 0, "%s", mtcam_last_error());
        const eval_mat_array *ev = eval_mat_find(&f, "event_list");
        const eval_mat_array *fl = eval_mat_find(&f, "file_list");
        const eval_mat_array *bb = eval_mat_find(&f, "face_bbx_list");
        CHECK(ev && fl && bb && eval_mat_find(&f, "hard_gt_list"));
        CHECK(ev->kind == EVAL_MAT_CELL && ev->numel == 2 && ev->dims[0] == 2);
        CHECK(strcmp(ev->cells[1].str, "1--Handshaking") == 0);
        CHECK(fl->cells[0].kind == EVAL_MAT_CELL && fl->cells[0].numel == 2);
        CHECK(strcmp(fl->cells[0].cells[1].str, "0_Parade_Parade_0_628") == 0);
        const eval_mat_array *b = &bb->cells[0].cells[0];
        CHECK(b->kind == EVAL_MAT_NUMERIC && b->dims[0] == 2 && b->dims[1] == 4);
        /* column-major: [[345 211 4 4], [331 126 3 3]] */
        CHECK_NEAR(b->num[0], 345, 0);
        CHECK_NEAR(b->num[1], 331, 0);
        CHECK_NEAR(b->num[2], 211, 0);
        CHECK_NEAR(b->num[7], 3, 0);
        const eval_mat_array *empty = &bb->cells[1].cells[0];
        CHECK(empty->numel == 0 && empty->dims[0] == 0 && empty->dims[1] == 4);
        eval_mat_free(&f);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/classes.mat", MTCAM_DATASETS_DATA_DIR);
    eval_mat_file f;
    int rc = eval_mat_read(path, &f);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    const eval_mat_array *a;
    CHECK((a = eval_mat_find(&f, "i8")) && a->numel == 2 && a->num[0] == -1 && a->num[1] == 2);
    CHECK((a = eval_mat_find(&f, "u16")) && a->num[0] == 65535);
    CHECK((a = eval_mat_find(&f, "i32")) && a->numel == 3 && a->num[1] == -2);
    CHECK((a = eval_mat_find(&f, "s")) && a->num[0] == 1.5);
    CHECK((a = eval_mat_find(&f, "u64")) && a->num[0] == 1099511627776.0);
    CHECK((a = eval_mat_find(&f, "txt")) && a->kind == EVAL_MAT_CHAR &&
          strcmp(a->str, "hello") == 0);
    CHECK((a = eval_mat_find(&f, "empty")) && a->numel == 0);
    eval_mat_free(&f);
    return 0;
}

/* The encoding dlib declares (ISO-8859-1) is honoured: a Latin-1 name comes out as UTF-8, and
 * character references are decoded. */
static int dlib_xml_encoding(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    const char *path = write_file("latin1.xml", "%s",
                                  "<?xml version='1.0' encoding='ISO-8859-1'?>\n"
                                  "<dataset><images><image file='caf\xe9&#x2d;&#65;.jpg'>"
                                  "<box top='1' left='2' width='3' height='4'/>"
                                  "</image></images></dataset>\n");
    eval_dataset ds = {0};
    int rc = eval_read_dlib_xml("/r", path, &ds);
    remove_tmpdir();
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 1);
    CHECK_MSG(strcmp(ds.images[0].path, "/r/caf\xc3\xa9-A.jpg") == 0, "path '%s'",
              ds.images[0].path);
    CHECK_INT_EQ(ds.images[0].n_faces, 1);
    eval_dataset_free(&ds);
    return 0;
}

/* Each broken file fails with EFORMAT and a message naming the file and the line. */
static int dlib_xml_errors(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    static const struct {
        const char *text, *expect;
    } bad[] = {
        {"<dataset><images>\n<image file='a.jpg'>\n<box top='1' left='2' width='3'/>"
         "</image></images></dataset>",
         ":3: <box> without the 'height' attribute"},
        {"<dataset><images><image file='a.jpg'><box top='x' left='2' width='3' height='4'/>"
         "</image></images></dataset>",
         "not a number"},
        {"<dataset><images><image file='a.jpg'>\n<box top='1' left='2' width='3' height='4'>",
         "file ends inside"},
        {"<dataset><images><image file='a.jpg'><box top='1", "ends inside <image>"},
        {"<images><image file='a.jpg'/></images>", "no <dataset> element"},
        {"<dataset><box top='1' left='2' width='3' height='4'/></dataset>", "outside an <image>"},
        {"<dataset><image file='a.jpg'><box top='1' left='2' width='0' height='4'/></image>"
         "</dataset>",
         "width or height <= 0"},
        {"<dataset><!-- never closed </dataset>", "unclosed token"},
        {"<dataset><image file='a&bogus;.jpg'/></dataset>", "undefined entity"},
        {"<dataset></dataset><dataset>", "junk after document element"},
        {"<dataset><images></dataset>", "mismatched tag"},
        {"<dataset><image file='a.jpg'><part name='1' x='2' y='3'/></image></dataset>",
         "<part> outside a <box>"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *path = write_file("bad.xml", "%s", bad[i].text);
        eval_dataset ds = {0};
        int rc = eval_read_dlib_xml("/r", path, &ds);
        eval_dataset_free(&ds);
        if (rc != MTCNN_EFORMAT || !strstr(mtcam_last_error(), bad[i].expect) ||
            !strstr(mtcam_last_error(), "bad.xml")) {
            remove_tmpdir();
            CHECK_MSG(0, "case %zu: rc %d, message '%s', expected '%s'", i, rc,
                      mtcam_last_error(), bad[i].expect);
        }
    }
    remove_tmpdir();
    return 0;
}

/* Three images: two faces (the second flagged invalid), an empty image written the official
 * way ("0" then an all-zero record), an empty image without that record, then one face with
 * heavy blur (2) and one with normal blur (1). */
static int wider_reader(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    const char *gt = write_file("gt.txt",
                                "0--Parade/0_Parade_1.jpg\n2\n"
                                "10 20 30 40 0 0 0 0 0 0 \n"
                                "50 60 7 8 1 0 0 1 0 0 \n"
                                "1--Handshaking/1_a.jpg\n0\n0 0 0 0 0 0 0 0 0 0 \n"
                                "2--Demo/2_b.jpg\n0\n"
                                "3--Riot/3_c.jpg\n2\n"
                                "1 2 30 30 2 0 0 0 0 0\n"
                                "100 2 30 30 1 0 0 0 2 1\n");
    eval_dataset ds = {0};
    int rc = eval_read_wider("/w/images", gt, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 4);
    CHECK(strcmp(ds.images[0].path, "/w/images/0--Parade/0_Parade_1.jpg") == 0);
    CHECK(strcmp(ds.images[3].path, "/w/images/3--Riot/3_c.jpg") == 0);
    CHECK_INT_EQ(ds.images[0].n_faces, 2);
    CHECK_INT_EQ(ds.images[1].n_faces, 0);
    CHECK_INT_EQ(ds.images[2].n_faces, 0);
    CHECK_INT_EQ(ds.images[3].n_faces, 2);
    const eval_face *f = &ds.images[0].faces[0];
    CHECK_NEAR(f->box[0], 10, 0);
    CHECK_NEAR(f->box[1], 20, 0);
    CHECK_NEAR(f->box[2], 40, 0);
    CHECK_NEAR(f->box[3], 60, 0);
    CHECK(!f->ignore);
    CHECK(ds.images[0].faces[1].ignore);  /* invalid */
    CHECK(ds.images[3].faces[0].ignore);  /* heavy blur */
    CHECK(!ds.images[3].faces[1].ignore); /* normal blur, heavy occlusion: counted */
    eval_dataset_free(&ds);

    /* Through the default lookup: ROOT/images and ROOT/../wider_face_split/. */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/WIDER_val/images' '%s/wider_face_split' && "
             "cp '%s' '%s/wider_face_split/wider_face_val_bbx_gt.txt'", tmpdir, tmpdir, gt, tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
    char root[400];
    snprintf(root, sizeof root, "%s/WIDER_val", tmpdir);
    rc = eval_dataset_read(EVAL_WIDER, root, NULL, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 4);
    CHECK_STR_CONTAINS(ds.images[0].path, "WIDER_val/images/0--Parade/0_Parade_1.jpg");
    eval_dataset_free(&ds);

    /* A count that is not a number, or missing at the end of the file. */
    const char *no_count = write_file("count.txt", "a.jpg\nmany\n");
    CHECK_INT_EQ(eval_read_wider("/w", no_count, &ds), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "count.txt:2: expected the number of faces");
    eval_dataset_free(&ds);
    no_count = write_file("count.txt", "a.jpg\n");
    CHECK_INT_EQ(eval_read_wider("/w", no_count, &ds), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "expected the number of faces");
    eval_dataset_free(&ds);

    const char *bad = write_file("bad.txt", "a.jpg\n1\n1 2 3 4 0 0 0 0 0\n");
    rc = eval_read_wider("/w", bad, &ds);
    eval_dataset_free(&ds);
    remove_tmpdir();
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "bad.txt:3:");
    return 0;
}

/* Two images of a fold; the second has two ellipses (the trailing "1" column is allowed). */
static int fddb_reader(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    const char *fold = write_file("FDDB-fold-01-ellipseList.txt",
                                  "2002/08/11/big/img_591\n1\n"
                                  "123.583300 85.549500 1.265839 269.693400 161.781200  1\n"
                                  "2002/08/26/big/img_265\n2\n"
                                  "30 20 0 100 50  1\n"
                                  "30 20 1.5707963267948966 200 50  1\n");
    eval_dataset ds = {0};
    int rc = eval_read_fddb("/fddb", fold, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 2);
    CHECK(strcmp(ds.images[0].path, "/fddb/2002/08/11/big/img_591.jpg") == 0);
    CHECK_INT_EQ(ds.images[1].n_faces, 2);
    const eval_face *f = &ds.images[0].faces[0];
    CHECK(f->has_ellipse && f->has_box);
    CHECK_NEAR(f->ellipse[0], 123.5833, 1e-4);
    CHECK_NEAR(f->ellipse[2], 1.265839, 1e-6);
    CHECK_NEAR(f->ellipse[4], 161.7812, 1e-4);
    /* Angle 0: the major radius runs along x; pi/2: along y. */
    const eval_face *a = &ds.images[1].faces[0], *b = &ds.images[1].faces[1];
    CHECK_NEAR(a->box[0], 70, 1e-4);
    CHECK_NEAR(a->box[1], 30, 1e-4);
    CHECK_NEAR(a->box[2], 130, 1e-4);
    CHECK_NEAR(a->box[3], 70, 1e-4);
    CHECK_NEAR(b->box[0], 180, 1e-4);
    CHECK_NEAR(b->box[1], 20, 1e-4);
    CHECK_NEAR(b->box[3], 80, 1e-4);
    eval_dataset_free(&ds);

    /* The default: every fold in ROOT/FDDB-folds. */
    char cmd[2048], root[400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/FDDB-folds' && cp '%s' '%s/FDDB-folds/' && "
             "cp '%s' '%s/FDDB-folds/FDDB-fold-07-ellipseList.txt'", tmpdir, fold, tmpdir, fold,
             tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(root, sizeof root, "%s", tmpdir);
    rc = eval_dataset_read(EVAL_FDDB, root, NULL, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 4);
    eval_dataset_free(&ds);

    const char *no_count = write_file("count.txt", "img\n-1\n");
    CHECK_INT_EQ(eval_read_fddb("/f", no_count, &ds), MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "count.txt:2: expected the number of faces");
    eval_dataset_free(&ds);

    const char *bad = write_file("bad.txt", "img\n1\n10 -2 0 5 5 1\n");
    rc = eval_read_fddb("/f", bad, &ds);
    eval_dataset_free(&ds);
    remove_tmpdir();
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "bad.txt:3: ellipse radius");
    return 0;
}

/* images.txt lists a, b, c; the ground truth has two faces for a (one with its eyes written
 * right to left), none for b, one for c, and one for d (not listed: left out). */
static int caltech_reader(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    write_file("ground_truth.txt",
               "c.jpg 1 2 3 4 5 6 7 8\n"
               "a.jpg 10 20 30 20 20 30 20 40\n"
               "d.jpg 1 1 2 2 3 3 4 4\n"
               "a.jpg 90 20 70 21 80 30 80 40\n");
    write_file("images.txt", "a.jpg\nb.jpg\nc.jpg\n");
    eval_dataset ds = {0};
    int rc = eval_dataset_read(EVAL_CALTECH, tmpdir, NULL, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 3);
    CHECK_STR_CONTAINS(ds.images[0].path, "/images/a.jpg");
    CHECK_INT_EQ(ds.images[0].n_faces, 2);
    CHECK_INT_EQ(ds.images[1].n_faces, 0);
    CHECK_INT_EQ(ds.images[2].n_faces, 1);
    /* The file's points are MATLAB's 1-based pixels: read as 0-based, one less. */
    const eval_face *f = &ds.images[0].faces[1];
    CHECK_NEAR(f->pts[EVAL_LEYE][0], 69, 0);
    CHECK_NEAR(f->pts[EVAL_LEYE][1], 20, 0);
    CHECK_NEAR(f->pts[EVAL_REYE][0], 89, 0);
    CHECK_NEAR(f->pts[EVAL_NOSE][0], 79, 0);
    CHECK_NEAR(f->mouth_centre[0], 79, 0);
    CHECK_NEAR(f->mouth_centre[1], 39, 0);
    CHECK_INT_EQ(f->pts_mask, 0x3); /* eyes only: nose and mouth follow another convention */
    CHECK(!f->has_box);
    eval_dataset_free(&ds);

    /* --caltech-raw-points: as stored. */
    eval_dataset raw = {.caltech_raw_points = 1};
    rc = eval_dataset_read(EVAL_CALTECH, tmpdir, NULL, &raw);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    f = &raw.images[0].faces[1];
    CHECK_NEAR(f->pts[EVAL_LEYE][0], 70, 0);
    CHECK_NEAR(f->pts[EVAL_LEYE][1], 21, 0);
    CHECK_NEAR(f->mouth_centre[1], 40, 0);
    eval_dataset_free(&raw);

    write_file("ground_truth.txt", "a.jpg 10 20 30 20 20 30 20\n");
    rc = eval_dataset_read(EVAL_CALTECH, tmpdir, NULL, &ds);
    eval_dataset_free(&ds);
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "ground_truth.txt:1:");
    remove_tmpdir();
    return 0;
}

static int mtfl_reader(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    const char *list = write_file("list.txt",
                                  "# path left right top bottom x1 y1 ... x5 y5\n"
                                  "lfw/a.jpg 27.2 51.84 29.76 54.40 34.32 34.80 47.28 36.24 "
                                  "40.40 46.00 34.00 50.80 45.04 52.08\n\n"
                                  "net/b.jpg 1 41 2 42 10 10 30 10 20 20 12 30 28 30\n");
    eval_dataset ds = {0};
    int rc = eval_read_mtfl("/m", list, &ds);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    CHECK_INT_EQ(ds.n_images, 2);
    CHECK(strcmp(ds.images[0].path, "/m/lfw/a.jpg") == 0);
    const eval_face *f = &ds.images[0].faces[0];
    CHECK_NEAR(f->box[0], 27.2, 1e-5);
    CHECK_NEAR(f->box[1], 29.76, 1e-5);
    CHECK_NEAR(f->box[2], 51.84, 1e-5);
    CHECK_NEAR(f->box[3], 54.40, 1e-5);
    CHECK_NEAR(f->pts[EVAL_RMOUTH][0], 45.04, 1e-5);
    CHECK_INT_EQ(f->pts_mask, 0x1f);
    CHECK_NEAR(eval_face_iod(&ds.images[1].faces[0]), 20, 1e-6);
    eval_dataset_free(&ds);
    const char *bad = write_file("bad.txt", "a.jpg 10 5 1 2 1 1 1 1 1 1 1 1 1 1\n");
    rc = eval_read_mtfl("/m", bad, &ds);
    eval_dataset_free(&ds);
    remove_tmpdir();
    CHECK_INT_EQ(rc, MTCNN_EFORMAT);
    CHECK_STR_CONTAINS(mtcam_last_error(), "bad.txt:1: box with right <= left");
    return 0;
}

/* Every prefix of a valid file (a download cut short) reads cleanly or fails with EFORMAT,
 * never crashes (the ASan build runs this too); a cut XML file is always an error. (A line
 * format cut between two records cannot be told from a shorter file.) */
static int truncated_files(void)
{
    if (!make_tmpdir())
        SKIP("cannot create a temporary folder");
    static const char xml[] =
        "<?xml version='1.0'?>\n<dataset><images>\n<image file='a.jpg'>\n"
        "<box top='1' left='2' width='30' height='40' ignore='1'>"
        "<part name='00' x='3' y='4'/></box>\n</image>\n</images>\n</dataset>\n";
    static const char wider[] = "a/b.jpg\n2\n1 2 30 40 0 0 0 0 0 0\n5 6 30 40 2 0 0 0 0 0\n"
                                "c/d.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n";
    static const char fddb[] = "x/img_1\n2\n30 20 1.2 100 50 1\n30 20 0 100 50 1\n";
    const struct {
        const char *text;
        int (*read)(const char *, const char *, eval_dataset *);
        int full_images;
    } files[] = {{xml, eval_read_dlib_xml, 1}, {wider, eval_read_wider, 2},
                 {fddb, eval_read_fddb, 1}};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len = strlen(files[f].text);
        for (size_t cut = 0; cut <= len; cut++) {
            const char *path = write_file("cut.txt", "%.*s", (int)cut, files[f].text);
            eval_dataset ds = {0};
            int rc = files[f].read("/r", path, &ds);
            int images = ds.n_images;
            eval_dataset_free(&ds);
            if (rc != 0 && rc != MTCNN_EFORMAT) {
                remove_tmpdir();
                CHECK_MSG(0, "file %zu cut at %zu: rc %d (%s)", f, cut, rc, mtcam_last_error());
            }
            /* XML must end with </dataset>: any shorter prefix is an error. */
            if (f == 0 && cut + 1 < len && rc != MTCNN_EFORMAT) {
                remove_tmpdir();
                CHECK_MSG(0, "XML cut at %zu accepted", cut);
            }
            if (cut == len && (rc != 0 || images != files[f].full_images)) {
                remove_tmpdir();
                CHECK_MSG(0, "file %zu whole: rc %d, %d images", f, rc, images);
            }
        }
    }
    remove_tmpdir();
    return 0;
}

static int missing_files(void)
{
    eval_dataset ds = {0};
    static const eval_format formats[] = {EVAL_CALTECH, EVAL_MTFL, EVAL_DLIB, EVAL_WIDER,
                                          EVAL_FDDB};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        int rc = eval_dataset_read(formats[i], "/nonexistent/eval-root", NULL, &ds);
        eval_dataset_free(&ds);
        CHECK_INT_EQ(rc, MTCNN_ENOTFOUND);
        CHECK_STR_CONTAINS(mtcam_last_error(), "/nonexistent/eval-root");
    }
    return 0;
}

/* 100 images; a seeded subset of 10 keeps file order, is the same for the same seed and
 * differs for another; --limit keeps the first N. */
static int subset_and_limit(void)
{
    eval_dataset a = {0}, b = {0}, c = {0};
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof name, "%03d", i);
        CHECK(eval__dataset_add_image(&a, "", name, ""));
        CHECK(eval__dataset_add_image(&b, "", name, ""));
        CHECK(eval__dataset_add_image(&c, "", name, ""));
    }
    eval_dataset_subset(&a, 10, 1);
    eval_dataset_subset(&b, 10, 1);
    eval_dataset_subset(&c, 10, 2);
    CHECK_INT_EQ(a.n_images, 10);
    CHECK_INT_EQ(c.n_images, 10);
    int differ = 0;
    for (int i = 0; i < 10; i++) {
        CHECK(strcmp(a.images[i].path, b.images[i].path) == 0);
        differ |= strcmp(a.images[i].path, c.images[i].path) != 0;
        if (i)
            CHECK(strcmp(a.images[i - 1].path, a.images[i].path) < 0);
    }
    CHECK(differ);
    eval_dataset_limit(&c, 3);
    CHECK_INT_EQ(c.n_images, 3);
    eval_dataset_free(&a);
    eval_dataset_free(&b);
    eval_dataset_free(&c);
    CHECK_INT_EQ(eval_format_parse("fddb"), EVAL_FDDB);
    CHECK_INT_EQ(eval_format_parse("voc"), -1);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"dlib_xml", dlib_xml},         {"dlib_xml_errors", dlib_xml_errors},
        {"dlib_xml_encoding", dlib_xml_encoding},
        {"mat_scipy_files", mat_scipy_files},
        {"wider_reader", wider_reader}, {"fddb_reader", fddb_reader},
        {"caltech_reader", caltech_reader}, {"mtfl_reader", mtfl_reader},
        {"truncated_files", truncated_files}, {"missing_files", missing_files}, {"subset_and_limit", subset_and_limit},
        {NULL, NULL}};
    return check_main(argc, argv, cases);
}
