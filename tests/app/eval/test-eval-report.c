/* test-eval-report.c - the reports of a small synthetic evaluation (two models on three
 * images): the HTML page is self-contained and holds the charts (checked by rsvg-convert when
 * it is installed), the JSON parses and carries the same figures, the terminal summary names
 * both models. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "eval-report.h"
#include "json.h"

/* Three images with one dlib-like face each (box and 5 points, eyes 20 px apart). */
static eval_face faces[3];
static eval_image images[3];

static void make_dataset(eval_dataset *ds)
{
    memset(faces, 0, sizeof faces);
    for (int i = 0; i < 3; i++) {
        eval_face *f = &faces[i];
        float x = 100.0f * i;
        f->box[0] = x + 10, f->box[1] = 10, f->box[2] = x + 60, f->box[3] = 60;
        f->has_box = 1;
        const float p[5][2] = {{25, 30}, {45, 30}, {35, 40}, {27, 50}, {43, 50}};
        for (int k = 0; k < 5; k++) {
            f->pts[k][0] = x + p[k][0];
            f->pts[k][1] = p[k][1];
        }
        f->pts_mask = 0x1f;
        images[i] = (eval_image){.path = "img.jpg", .faces = f, .n_faces = 1};
    }
    memset(ds, 0, sizeof *ds);
    ds->format = EVAL_DLIB;
    ds->images = images;
    ds->n_images = 3;
}

/* Model A finds every face exactly (landmarks off by 1 px in x = 0.05 IOD). Model B finds
 * two of three, plus a false positive scored above its hits. */
static eval_det dets_a[3], dets_b[3][2];
static eval_image_dets per_a[3], per_b[3];

static void make_dets(void)
{
    memset(dets_a, 0, sizeof dets_a);
    memset(dets_b, 0, sizeof dets_b);
    for (int i = 0; i < 3; i++) {
        eval_det *d = &dets_a[i];
        memcpy(d->box, faces[i].box, sizeof d->box);
        d->score = 0.99f - 0.01f * i;
        d->has_pts = 1;
        memcpy(d->pts, faces[i].pts, sizeof d->pts);
        for (int k = 0; k < 5; k++)
            d->pts[k][0] += 1.0f;
        per_a[i] = (eval_image_dets){.dets = d, .n = 1, .ms = 10.0 + i};
        per_b[i] = (eval_image_dets){.dets = dets_b[i], .n = 0, .ms = 20.0 + i};
    }
    dets_b[0][0] = dets_a[0];
    dets_b[0][0].score = 0.8f;
    dets_b[1][0] = (eval_det){.box = {300, 300, 340, 340}, .score = 0.95f};
    dets_b[1][1] = dets_a[1];
    dets_b[1][1].score = 0.75f;
    per_b[0].n = 1;
    per_b[1].n = 2;
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Writes each inline <svg> of the page to a file and asks rsvg-convert to render it: an
 * independent SVG reader that rejects malformed XML. Returns -1 when rsvg-convert is absent. */
static int render_svgs(const char *html, const char *dir)
{
    if (system("command -v rsvg-convert >/dev/null 2>&1") != 0)
        return -1;
    int n = 0;
    for (const char *p = html; (p = strstr(p, "<svg ")); n++) {
        const char *end = strstr(p, "</svg>");
        if (!end)
            return 1;
        end += strlen("</svg>");
        char path[600], cmd[1400];
        snprintf(path, sizeof path, "%s/chart%d.svg", dir, n);
        FILE *fp = fopen(path, "w");
        if (!fp)
            return 1;
        fwrite(p, 1, (size_t)(end - p), fp);
        fclose(fp);
        snprintf(cmd, sizeof cmd, "rsvg-convert '%s' -o '%s.png'", path, path);
        if (system(cmd) != 0) {
            fprintf(stderr, "rsvg-convert rejected %s\n", path);
            return 1;
        }
        p = end;
    }
    return 0;
}

static int build(eval_result *ra, eval_result *rb, eval_settings *s, eval_report *rep)
{
    static eval_dataset ds;
    make_dataset(&ds);
    make_dets();
    eval_settings_default(EVAL_DLIB, 20, 0.7f, s);
    if (eval_score(&ds, per_a, s, ra) || eval_score(&ds, per_b, s, rb))
        return -1;
    memset(rep, 0, sizeof *rep);
    rep->format = "dlib";
    rep->root = "/data/<dlib> & co";
    rep->lists = "";
    rep->selection = "all";
    rep->settings = s;
    rep->thresholds[0] = 0.6f, rep->thresholds[1] = 0.7f, rep->thresholds[2] = 0.7f;
    rep->sweep_threshold = 0.05f;
    rep->factor = 0.709f;
    rep->threads = 1;
    rep->n_models = 2;
    rep->models[0] = (eval_report_model){"model A", "a.mtcnn", ra, NULL};
    rep->models[1] = (eval_report_model){"model <B>", "b.mtcnn", rb, NULL};
    return 0;
}

/* Model B's figures, worked out by hand: 3 faces, hits at 0.8 and 0.75, a false positive at
 * 0.95: recall 2/3, 1 FP over 3 images, precision 2/3; PR points (0, 0), (1/3, 1/2),
 * (2/3, 2/3): AP = 1/3 * 2/3 + 1/3 * 2/3 = 4/9. */
static int figures(void)
{
    eval_result ra, rb;
    eval_settings s;
    eval_report rep;
    CHECK_MSG(build(&ra, &rb, &s, &rep) == 0, "%s", mtcam_last_error());
    CHECK_NEAR(ra.recall_op, 1.0, 0);
    CHECK_NEAR(ra.ap, 1.0, 1e-12);
    CHECK_NEAR(ra.nme_mean, 0.05, 1e-6);
    CHECK_NEAR(ra.failure_010, 0.0, 0);
    CHECK_NEAR(ra.ms_median, 11.0, 0);
    CHECK_NEAR(rb.recall_op, 2.0 / 3.0, 1e-12);
    CHECK_NEAR(rb.fp_per_image, 1.0 / 3.0, 1e-12);
    CHECK_NEAR(rb.precision_op, 2.0 / 3.0, 1e-12);
    CHECK_NEAR(rb.ap, 4.0 / 9.0, 1e-12);
    /* The 50-px faces fall in the 32-64 bucket; the 40-px false positive too. */
    CHECK_INT_EQ(rb.buckets[1].n_faces, 3);
    CHECK_NEAR(rb.buckets[1].ap, 4.0 / 9.0, 1e-12);
    CHECK_INT_EQ(rb.buckets[0].n_faces, 0);
    CHECK(isnan(rb.buckets[0].ap));
    eval_result_free(&ra);
    eval_result_free(&rb);
    return 0;
}

static int html_report(void)
{
    eval_result ra, rb;
    eval_settings s;
    eval_report rep;
    CHECK_MSG(build(&ra, &rb, &s, &rep) == 0, "%s", mtcam_last_error());
    char dir[] = "/tmp/mtcam-eval-report-XXXXXX";
    if (!mkdtemp(dir))
        SKIP("cannot create a temporary folder");
    char path[256];
    snprintf(path, sizeof path, "%s/report.html", dir);
    int rc = eval_report_html(path, &rep);
    eval_result_free(&ra);
    eval_result_free(&rb);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    char *html = check_read_file(path, NULL);
    CHECK(html != NULL);
    int ok = strncmp(html, "<!DOCTYPE html>", 15) == 0 && strstr(html, "</html>") &&
             !strstr(html, "<script") && !strstr(html, "src=") && !strstr(html, "href=");
    /* 2 PR charts (whole, zoomed), 1 size range with faces (32-64 px; the empty ones get no
     * chart), recall and AP bars, CED and per-point bars = 7 charts. */
    int n_svg = count_of(html, "<svg "), n_close = count_of(html, "</svg>");
    int n_poly = count_of(html, "<polyline class=\"series\""), n_bar = count_of(html, "class=\"bar\"");
    int labels = strstr(html, ">recall<") && strstr(html, ">precision<") &&
                 strstr(html, "fraction of faces") && strstr(html, "class=\"legend\"") &&
                 strstr(html, "model &lt;B&gt;") && strstr(html, "/data/&lt;dlib&gt; &amp; co") &&
                 strstr(html, "class=\"ticks\"") && strstr(html, "<title>");
    int rendered = render_svgs(html, dir);
    free(html);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    CHECK_MSG(ok, "not a self-contained HTML page");
    CHECK_INT_EQ(n_svg, 7);
    CHECK_INT_EQ(n_close, 7);
    CHECK_INT_EQ(n_poly, 2 * 3 + 2); /* 2 models x 3 PR charts, 2 CED */
    CHECK(n_bar > 0);
    CHECK_MSG(labels, "axis labels, legend, ticks or escaped names missing");
    if (rendered < 0)
        fprintf(stderr, "note: rsvg-convert not installed, SVG not rendered\n");
    CHECK_MSG(rendered <= 0, "an SVG chart did not render");
    return 0;
}

static int json_report(void)
{
    eval_result ra, rb;
    eval_settings s;
    eval_report rep;
    CHECK_MSG(build(&ra, &rb, &s, &rep) == 0, "%s", mtcam_last_error());
    char path[] = "/tmp/mtcam-eval-json-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        SKIP("cannot create a temporary file");
    close(fd);
    int rc = eval_report_json(path, &rep);
    eval_result_free(&ra);
    eval_result_free(&rb);
    CHECK_MSG(rc == 0, "%s", mtcam_last_error());
    json *j = json_parse_file(path);
    unlink(path);
    CHECK_MSG(j != NULL, "the JSON does not parse");
    const json *models = json_get(j, "models");
    int ok = models && models->count == 2;
    const json *b = ok ? json_at(models, 1) : NULL;
    const json *det = b ? json_get(b, "detection") : NULL;
    const json *lm = b ? json_get(json_at(models, 0), "landmarks") : NULL;
    double recall = det ? json_num(json_get(det, "recall")) : NAN;
    double ap = det ? json_num(json_get(det, "ap")) : NAN;
    double nme = lm ? json_num(json_get(lm, "nme")) : NAN;
    /* Every point of model A is 1 px right of the truth: a shared offset of +0.05 IOD in x. */
    const json *off = lm ? json_get(json_get(lm, "mean_offset_per_point"), "right_mouth") : NULL;
    double off_x = off && off->count == 2 ? json_num(json_at(off, 0)) : NAN;
    double off_y = off && off->count == 2 ? json_num(json_at(off, 1)) : NAN;
    /* ... and 1 px in every size bucket that holds a compared face. */
    const json *sizes = models ? json_get(json_get(json_at(models, 0), "detection"), "by_size") : NULL;
    int eyes_total = 0, px_ok = sizes != NULL;
    for (size_t k = 0; sizes && k < sizes->count; k++) {
        const json *bk = json_at(sizes, k);
        const int n = (int)json_num(json_get(bk, "eyes_compared"));
        const json *px = json_get(bk, "eye_offset_px");
        eyes_total += n;
        if (n && !(px && px->count == 2 && fabs(json_num(json_at(px, 0)) - 1.0) < 1e-5 &&
                   fabs(json_num(json_at(px, 1))) < 1e-6))
            px_ok = 0;
    }
    const json *label = b ? json_get(b, "label") : NULL;
    int label_ok = label && label->string && strcmp(label->string, "model <B>") == 0;
    const json *pr = det ? json_get(json_get(det, "pr_curve"), "recall") : NULL;
    size_t pr_n = pr ? pr->count : 0;
    double n_faces = json_num(json_get(json_get(j, "dataset"), "faces"));
    json_free(j);
    CHECK(ok);
    CHECK_NEAR(recall, 2.0 / 3.0, 1e-5);
    CHECK_NEAR(ap, 4.0 / 9.0, 1e-5);
    CHECK_NEAR(nme, 0.05, 1e-5);
    CHECK_NEAR(off_x, 0.05, 1e-5);
    CHECK_NEAR(off_y, 0.0, 1e-6);
    CHECK_INT_EQ(eyes_total, 3);
    CHECK(px_ok);
    CHECK(label_ok);
    CHECK_INT_EQ(pr_n, 3);
    CHECK_NEAR(n_faces, 3, 0);
    return 0;
}

static int text_report(void)
{
    eval_result ra, rb;
    eval_settings s;
    eval_report rep;
    CHECK_MSG(build(&ra, &rb, &s, &rep) == 0, "%s", mtcam_last_error());
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    CHECK(fp != NULL);
    eval_report_text(fp, &rep);
    fclose(fp);
    eval_result_free(&ra);
    eval_result_free(&rb);
    int ok = strstr(buf, "model A") && strstr(buf, "model <B>") &&
             strstr(buf, "average precision (VOC all-point)") && strstr(buf, "0.4444") &&
             strstr(buf, "failure rate (NME > 0.1)") && strstr(buf, "mean offset x, left eye") &&
             strstr(buf, "+0.0500");
    if (!ok)
        fprintf(stderr, "%s", buf);
    free(buf);
    CHECK(ok);
    return 0;
}

/* The small-face range of a Caltech-style set (points rule, size by IOD): faces of IOD 10, 14,
 * 16 and 30 px at min face 20 (all counted: 10 px x 2.2 >= 20). The detector finds the 10-,
 * 16- and 30-px faces: 1 of the 2 under 15 px, whatever the bucket edges (12 lies between). */
static int small_faces(void)
{
    static eval_face f[4];
    static eval_image im[4];
    static eval_det d[4];
    static eval_image_dets per[4];
    static const float iods[4] = {10, 14, 16, 30};
    memset(f, 0, sizeof f);
    memset(d, 0, sizeof d);
    int n_det = 0;
    for (int i = 0; i < 4; i++) {
        const float x = 200.0f * i + 50, y = 100, iod = iods[i];
        f[i].pts[EVAL_LEYE][0] = x - iod / 2, f[i].pts[EVAL_LEYE][1] = y;
        f[i].pts[EVAL_REYE][0] = x + iod / 2, f[i].pts[EVAL_REYE][1] = y;
        f[i].pts_mask = EVAL_EYES;
        f[i].has_mouth_centre = 1;
        f[i].mouth_centre[0] = x, f[i].mouth_centre[1] = y + iod;
        im[i] = (eval_image){.path = "img.jpg", .faces = &f[i], .n_faces = 1};
        per[i] = (eval_image_dets){.dets = &d[i], .n = 0};
        if (i == 1)
            continue; /* the 14-px face is missed */
        const float half = iod * 1.1f; /* box 2.2 x IOD wide, centred on the face */
        d[i] = (eval_det){.box = {x - half, y - half * 0.6f, x + half, y + half * 1.4f},
                          .score = 0.9f};
        per[i].n = 1;
        n_det++;
    }
    eval_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.format = EVAL_CALTECH;
    ds.images = im;
    ds.n_images = 4;
    eval_settings s;
    eval_settings_default(EVAL_CALTECH, 20, 0.7f, &s);
    eval_result r;
    CHECK_MSG(eval_score(&ds, per, &s, &r) == 0, "%s", mtcam_last_error());
    const int has = r.has_small, n = r.small.n_faces, tp = r.small.tp_op;
    const double lo = r.small.lo, hi = r.small.hi, rec = r.small.recall_op, all = r.recall_op;
    eval_result_free(&r);
    CHECK_INT_EQ(n_det, 3);
    CHECK_NEAR(all, 0.75, 1e-12);
    CHECK(has);
    CHECK_NEAR(lo, 0.0, 0);
    CHECK_NEAR(hi, 15.0, 0);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(tp, 1);
    CHECK_NEAR(rec, 0.5, 1e-12);
    /* Box-measured sets have no small range. */
    eval_settings_default(EVAL_DLIB, 20, 0.7f, &s);
    CHECK_NEAR(s.small_below, 0.0, 0);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {{"figures", figures},
                                       {"html_report", html_report},
                                       {"json_report", json_report},
                                       {"text_report", text_report},
                                       {"small_faces", small_faces},
                                       {NULL, NULL}};
    return check_main(argc, argv, cases);
}
