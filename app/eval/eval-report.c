/* eval-report.c - terminal summary and JSON (the HTML page is in eval-html.c). */
#include "eval-report.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "err.h"
#include "eval-fddb.h"
#include "eval-wider-subset.h"
#include "eval-report-util.h"

const char *const eval_point_names[5] = {"left eye", "right eye", "nose", "left mouth",
                                         "right mouth"};
static const char *const point_keys[5] = {"left_eye", "right_eye", "nose", "left_mouth",
                                          "right_mouth"};

void eval__rule_text(const eval_settings *s, char *buf, size_t size)
{
    switch (s->rule.kind) {
    case EVAL_RULE_POINTS:
        snprintf(buf, size, "box holds both eyes and the mouth centre, width %.1f-%.1f x IOD",
                 s->rule.width_min, s->rule.width_max);
        break;
    case EVAL_RULE_IOU:
        snprintf(buf, size, "IoU >= %.2f with the annotated box", s->rule.min_overlap);
        break;
    case EVAL_RULE_ELLIPSE:
        snprintf(buf, size, "region overlap >= %.2f with the annotated ellipse (FDDB)",
                 s->rule.min_overlap);
        break;
    }
}

void eval__bucket_label(const eval_settings *s, int b, char *buf, size_t size)
{
    const char *what = s->size_by_iod ? "IOD" : "face";
    float lo = s->bucket_edges[b], hi = s->bucket_edges[b + 1];
    if (lo <= 0)
        snprintf(buf, size, "%s < %g px", what, hi);
    else if (isinf(hi))
        snprintf(buf, size, "%s >= %g px", what, lo);
    else
        snprintf(buf, size, "%s %g-%g px", what, lo, hi);
}

/* ---- terminal ------------------------------------------------------------------------ */

static void row_label(FILE *out, const char *label) { fprintf(out, "  %-34s", label); }

static void cell(FILE *out, double v, const char *fmt)
{
    if (v != v) {
        fprintf(out, " %12s", "n/a");
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, fmt, v);
    fprintf(out, " %12s", buf);
}

#define ROW(label, expr, fmt)                                                                 \
    do {                                                                                      \
        row_label(out, label);                                                                \
        for (int m_ = 0; m_ < rep->n_models; m_++) {                                          \
            const eval_result *r = rep->models[m_].result;                                    \
            cell(out, (double)(expr), fmt);                                                   \
        }                                                                                     \
        fputc('\n', out);                                                                     \
    } while (0)

void eval_report_text(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    const eval_result *r0 = rep->models[0].result;
    char buf[160];
    eval__rule_text(s, buf, sizeof buf);
    fprintf(out, "data set   %s, %s (%s): %d images, %d faces, %d ignored (flagged or under min "
                 "face), %d counted\n",
            rep->format, rep->root, rep->selection, r0->n_images, r0->n_faces, r0->n_ignored,
            r0->n_counted);
    fprintf(out, "detector   thresholds %.2f %.2f %.2f, min face %g, factor %.3f; PR curve from "
                 "a run with O-Net threshold %.2f\n",
            rep->thresholds[0], rep->thresholds[1], rep->thresholds[2], s->min_face, rep->factor,
            rep->sweep_threshold);
    if (rep->points)
        fprintf(out, "points     %s\n", rep->points);
    fprintf(out, "match      %s, one to one, greedy by score\n\n", buf);

    row_label(out, "");
    for (int m = 0; m < rep->n_models; m++)
        fprintf(out, " %12.12s", rep->models[m].label);
    fputc('\n', out);
    snprintf(buf, sizeof buf, "detection (score > %.2f)", s->threshold);
    fprintf(out, "%s\n", buf);
    ROW("recall", r->recall_op, "%.4f");
    ROW("false positives per image", r->fp_per_image, "%.4f");
    ROW("precision", r->precision_op, "%.4f");
    ROW("average precision (VOC all-point)", r->ap, "%.4f");
    if (s->rule.kind == EVAL_RULE_ELLIPSE)
        ROW("FDDB continuous score / face", r->continuous_op, "%.4f");
    else if (s->rule.kind == EVAL_RULE_IOU) /* the points rule has no overlap */
        ROW("mean overlap of hits", r->mean_overlap_op, "%.3f");
    if (r0->width_iod[1] == r0->width_iod[1]) {
        ROW("hit box width / IOD, 5th pct", r->width_iod[0], "%.2f");
        ROW("hit box width / IOD, median", r->width_iod[1], "%.2f");
        ROW("hit box width / IOD, 95th pct", r->width_iod[2], "%.2f");
    }
    for (int b = 0; b < s->n_buckets; b++) {
        char lab[64], line[96];
        eval__bucket_label(s, b, lab, sizeof lab);
        snprintf(line, sizeof line, "recall, %s (n=%d)", lab, r0->buckets[b].n_faces);
        ROW(line, r->buckets[b].recall_op, "%.4f");
        snprintf(line, sizeof line, "AP, %s", lab);
        ROW(line, r->buckets[b].ap, "%.4f");
    }
    if (r0->has_small) {
        char line[96];
        snprintf(line, sizeof line, "recall, small: %s < %g px (n=%d)",
                 s->size_by_iod ? "IOD" : "face", r0->small.hi, r0->small.n_faces);
        ROW(line, r->small.recall_op, "%.4f");
        snprintf(line, sizeof line, "AP, small: %s < %g px", s->size_by_iod ? "IOD" : "face",
                 r0->small.hi);
        ROW(line, r->small.ap, "%.4f");
    }
    if (s->landmark_mask) {
        fprintf(out, "landmarks (hits at the operating point; error / inter-ocular distance)\n");
        ROW("faces compared", r->n_lm, "%.0f");
        ROW("NME, mean", r->nme_mean, "%.4f");
        for (int p = 0; p < EVAL_NPTS; p++) {
            if (!(s->landmark_mask & (1u << p)))
                continue;
            snprintf(buf, sizeof buf, "NME, %s", eval_point_names[p]);
            ROW(buf, r->nme_point[p], "%.4f");
        }
        /* The signed means show what every face shares (a convention, a lean). */
        for (int p = 0; p < EVAL_NPTS; p++) {
            if (!(s->landmark_mask & (1u << p)))
                continue;
            for (int c = 0; c < 2; c++) {
                snprintf(buf, sizeof buf, "mean offset %s, %s", c ? "y" : "x", eval_point_names[p]);
                ROW(buf, r->offset_point[p][c], "%+.4f");
            }
        }
        for (int b = 0; b < s->n_buckets && (s->landmark_mask & EVAL_EYES) == EVAL_EYES; b++) {
            char lab[64];
            eval__bucket_label(s, b, lab, sizeof lab);
            for (int c = 0; c < 2; c++) {
                snprintf(buf, sizeof buf, "eye offset %s px, %s", c ? "y" : "x", lab);
                ROW(buf, r->buckets[b].eye_offset_px[c], "%+.3f");
            }
        }
        ROW("failure rate (NME > 0.1)", r->failure_010, "%.4f");
        ROW("CED area up to 0.1", r->auc_010, "%.4f");
    }
    snprintf(buf, sizeof buf, "speed (mtcnn_detect, %d thread%s over images)", rep->threads,
             rep->threads == 1 ? "" : "s");
    fprintf(out, "%s\n", buf);
    ROW("median ms per image", r->ms_median, "%.1f");
    ROW("mean ms per image", r->ms_mean, "%.1f");
    ROW("90th percentile ms", r->ms_p90, "%.1f");
}

/* ---- JSON ----------------------------------------------------------------------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* Numbers with enough digits to round-trip the figures; NaN and infinity become null. */
static void json_num(FILE *out, double v)
{
    if (!isfinite(v))
        fputs("null", out);
    else
        fprintf(out, "%.6g", v);
}

/* The curve thinned to changes of at least 0.001 in recall or precision (plus both ends):
 * enough to redraw it, small enough to read. */
static void json_pr(FILE *out, const eval_pr *pr)
{
    const char *names[3] = {"recall", "precision", "score"};
    for (int a = 0; a < 3; a++) {
        fprintf(out, "%s\"%s\": [", a ? ", " : "", names[a]);
        double lr = -1, lp = -1;
        int first = 1;
        for (size_t k = 0; k < pr->n; k++) {
            if (k + 1 < pr->n && k > 0 && fabs(pr->recall[k] - lr) < 1e-3 &&
                fabs(pr->precision[k] - lp) < 1e-3)
                continue;
            lr = pr->recall[k];
            lp = pr->precision[k];
            if (!first)
                fputs(", ", out);
            first = 0;
            json_num(out, a == 0 ? pr->recall[k] : a == 1 ? pr->precision[k] : pr->score[k]);
        }
        fputc(']', out);
    }
}

void eval_report_json_write(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    const eval_result *r0 = rep->models[0].result;
    fprintf(out, "{\n  \"tool\": \"mtcam-eval\",\n  \"dataset\": {\"format\": ");
    json_str(out, rep->format);
    fprintf(out, ", \"root\": ");
    json_str(out, rep->root);
    fprintf(out, ", \"lists\": ");
    json_str(out, rep->lists);
    fprintf(out, ", \"selection\": ");
    json_str(out, rep->selection);
    if (rep->points) {
        fprintf(out, ", \"points\": ");
        json_str(out, rep->points);
    }
    fprintf(out, ", \"images\": %d, \"faces\": %d, \"ignored\": %d, \"counted\": %d},\n",
            r0->n_images, r0->n_faces, r0->n_ignored, r0->n_counted);
    fprintf(out, "  \"settings\": {\"min_face\": ");
    json_num(out, s->min_face);
    fprintf(out, ", \"thresholds\": [");
    for (int i = 0; i < 3; i++) {
        fputs(i ? ", " : "", out);
        json_num(out, rep->thresholds[i]);
    }
    fprintf(out, "], \"sweep_threshold\": ");
    json_num(out, rep->sweep_threshold);
    fprintf(out, ", \"factor\": ");
    json_num(out, rep->factor);
    fprintf(out, ", \"threads\": %d,\n    \"match\": {\"rule\": \"%s\"", rep->threads,
            s->rule.kind == EVAL_RULE_POINTS  ? "points"
            : s->rule.kind == EVAL_RULE_IOU ? "iou"
                                            : "ellipse");
    if (s->rule.kind == EVAL_RULE_POINTS) {
        fprintf(out, ", \"width_min_iod\": ");
        json_num(out, s->rule.width_min);
        fprintf(out, ", \"width_max_iod\": ");
        json_num(out, s->rule.width_max);
    } else {
        fprintf(out, ", \"min_overlap\": ");
        json_num(out, s->rule.min_overlap);
    }
    fprintf(out, "}, \"size_measure\": \"%s\"", s->size_by_iod ? "inter-ocular distance"
                                                               : "longer box side");
    if (s->size_by_iod) {
        fprintf(out, ", \"width_per_iod\": ");
        json_num(out, s->width_per_iod);
    }
    fprintf(out, "},\n  \"models\": [\n");
    for (int m = 0; m < rep->n_models; m++) {
        const eval_result *r = rep->models[m].result;
        fprintf(out, "    {\"label\": ");
        json_str(out, rep->models[m].label);
        fprintf(out, ", \"path\": ");
        json_str(out, rep->models[m].path);
        fprintf(out, ",\n     \"detection\": {\"threshold\": ");
        json_num(out, s->threshold);
        fprintf(out, ", \"tp\": %d, \"fp\": %d, \"ignored\": %d, \"detections_swept\": %ld",
                r->tp_op, r->fp_op, r->ignored_op, r->n_dets);
        const struct {
            const char *k;
            double v;
        } nums[] = {{"recall", r->recall_op},
                    {"precision", r->precision_op},
                    {"fp_per_image", r->fp_per_image},
                    {"ap", r->ap},
                    {"mean_overlap", r->mean_overlap_op},
                    {"continuous_score", r->continuous_op},
                    {"width_per_iod_p05", r->width_iod[0]},
                    {"width_per_iod_median", r->width_iod[1]},
                    {"width_per_iod_p95", r->width_iod[2]}};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
            fprintf(out, ", \"%s\": ", nums[i].k);
            json_num(out, nums[i].v);
        }
        fprintf(out, ",\n       \"pr_curve\": {");
        json_pr(out, &r->pr);
        fprintf(out, "},\n       \"by_size\": [");
        for (int b = 0; b < r->n_buckets; b++) {
            const eval_bucket *bk = &r->buckets[b];
            fprintf(out, "%s\n         {\"min\": ", b ? "," : "");
            json_num(out, bk->lo);
            fprintf(out, ", \"max\": ");
            json_num(out, bk->hi);
            fprintf(out, ", \"faces\": %d, \"tp\": %d, \"recall\": ", bk->n_faces, bk->tp_op);
            json_num(out, bk->recall_op);
            fprintf(out, ", \"ap\": ");
            json_num(out, bk->ap);
            fprintf(out, ", \"eyes_compared\": %d, \"eye_offset_px\": [", bk->n_eyes);
            json_num(out, bk->eye_offset_px[0]);
            fputs(", ", out);
            json_num(out, bk->eye_offset_px[1]);
            fprintf(out, "], \"pr_curve\": {");
            json_pr(out, &bk->pr);
            fprintf(out, "}}");
        }
        fprintf(out, "]");
        if (r->has_small) {
            fprintf(out, ",\n       \"small_faces\": {\"max\": ");
            json_num(out, r->small.hi);
            fprintf(out, ", \"faces\": %d, \"tp\": %d, \"recall\": ", r->small.n_faces,
                    r->small.tp_op);
            json_num(out, r->small.recall_op);
            fprintf(out, ", \"ap\": ");
            json_num(out, r->small.ap);
            fprintf(out, "}");
        }
        fprintf(out, "},\n     \"landmarks\": ");
        if (!s->landmark_mask) {
            fprintf(out, "null");
        } else {
            fprintf(out, "{\"faces\": %d, \"normaliser\": \"inter-ocular distance\", "
                         "\"nme\": ", r->n_lm);
            json_num(out, r->nme_mean);
            fprintf(out, ", \"nme_per_point\": {");
            int first = 1;
            for (int p = 0; p < EVAL_NPTS; p++) {
                if (!(s->landmark_mask & (1u << p)))
                    continue;
                fprintf(out, "%s\"%s\": ", first ? "" : ", ", point_keys[p]);
                json_num(out, r->nme_point[p]);
                first = 0;
            }
            fprintf(out, "}, \"mean_offset_per_point\": {");
            first = 1;
            for (int p = 0; p < EVAL_NPTS; p++) {
                if (!(s->landmark_mask & (1u << p)))
                    continue;
                fprintf(out, "%s\"%s\": [", first ? "" : ", ", point_keys[p]);
                json_num(out, r->offset_point[p][0]);
                fputs(", ", out);
                json_num(out, r->offset_point[p][1]);
                fputc(']', out);
                first = 0;
            }
            fprintf(out, "}, \"failure_rate_0.1\": ");
            json_num(out, r->failure_010);
            fprintf(out, ", \"ced_auc_0.1\": ");
            json_num(out, r->auc_010);
            fprintf(out, ",\n       \"ced\": {\"nme\": [");
            for (int k = 0; k <= 40; k++)
                fprintf(out, "%s%.3f", k ? ", " : "", 0.005 * k);
            fprintf(out, "], \"fraction\": [");
            for (int k = 0; k <= 40; k++) {
                fputs(k ? ", " : "", out);
                json_num(out, eval_ced_at(r->nme_sorted, (size_t)r->n_lm, 0.005 * k + 1e-12));
            }
            fprintf(out, "]}}");
        }
        if (rep->models[m].fddb) {
            fprintf(out, ",\n     ");
            eval_fddb_json(out, rep->models[m].fddb);
        }
        if (rep->wider[m]) {
            fprintf(out, ",\n     ");
            eval_wider_json(out, rep->wider_subset, rep->wider[m]);
        }
        fprintf(out, ",\n     \"speed\": {\"median_ms\": ");
        json_num(out, r->ms_median);
        fprintf(out, ", \"mean_ms\": ");
        json_num(out, r->ms_mean);
        fprintf(out, ", \"p90_ms\": ");
        json_num(out, r->ms_p90);
        fprintf(out, "}}%s\n", m + 1 < rep->n_models ? "," : "");
    }
    fprintf(out, "  ]\n}\n");
}

int eval__write_file(const char *path, void (*write)(FILE *, const eval_report *),
                     const eval_report *rep)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", path, strerror(errno));
    write(fp, rep);
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad)
        return mtcam_set_error(MTCNN_EIO, "%s: write error", path);
    return 0;
}

int eval_report_json(const char *path, const eval_report *rep)
{
    return eval__write_file(path, eval_report_json_write, rep);
}
