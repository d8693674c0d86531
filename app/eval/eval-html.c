/* eval-html.c - the HTML report: one self-contained page (inline CSS and SVG, no scripts)
 * with a summary table, PR curves overall and by face size, recall and AP by size, the
 * landmark error distribution and per-point errors, and timing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval-fddb.h"
#include "eval-report-util.h"
#include "eval-wider-subset.h"
#include "eval-report.h"
#include "eval-svg.h"

static const char *const palette[EVAL_MAX_MODELS] = {"#1f6fb4", "#d6452b", "#2a9d3c", "#e08a00",
                                                     "#7a4bb5", "#8c564b", "#d15fa8", "#555555"};

static const char *const style =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;margin:24px auto;"
    "max-width:1220px;padding:0 16px;line-height:1.4}"
    "h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:1px solid #ddd;"
    "padding-bottom:4px;margin-top:32px}h3{font-size:15px}"
    ".meta{color:#555;font-size:13px}.meta td{padding:1px 12px 1px 0;vertical-align:top}"
    "table.summary{border-collapse:collapse;font-size:14px;margin:8px 0}"
    "table.summary th,table.summary td{padding:4px 12px;border-bottom:1px solid #e5e5e5;"
    "text-align:right}table.summary th:first-child,table.summary td:first-child{text-align:left}"
    "table.summary tr.section td{font-weight:bold;background:#f4f4f4;text-align:left}"
    ".swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;"
    "vertical-align:-1px}"
    ".charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #e2e2e2}"
    ".note{color:#555;font-size:13px;max-width:1000px}";

static void html_escape(FILE *out, const char *s) { svg_escape(out, s); }

static void td_num(FILE *out, double v, const char *fmt)
{
    if (v != v) {
        fprintf(out, "<td>n/a</td>");
        return;
    }
    fprintf(out, "<td>");
    fprintf(out, fmt, v);
    fprintf(out, "</td>");
}

#define TROW(label, expr, fmt)                                                                \
    do {                                                                                      \
        fprintf(out, "<tr><td>%s</td>", label);                                               \
        for (int m_ = 0; m_ < rep->n_models; m_++) {                                          \
            const eval_result *r = rep->models[m_].result;                                    \
            td_num(out, (double)(expr), fmt);                                                 \
        }                                                                                     \
        fprintf(out, "</tr>\n");                                                              \
    } while (0)

static void section_row(FILE *out, const eval_report *rep, const char *title)
{
    fprintf(out, "<tr class=\"section\"><td colspan=\"%d\">%s</td></tr>\n", rep->n_models + 1,
            title);
}

static void summary_table(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    const eval_result *r0 = rep->models[0].result;
    char buf[160];
    fprintf(out, "<table class=\"summary\">\n<tr><th></th>");
    for (int m = 0; m < rep->n_models; m++) {
        fprintf(out, "<th><span class=\"swatch\" style=\"background:%s\"></span>", palette[m]);
        html_escape(out, rep->models[m].label);
        fprintf(out, "</th>");
    }
    fprintf(out, "</tr>\n");
    snprintf(buf, sizeof buf, "Detection at score &gt; %.2f", s->threshold);
    section_row(out, rep, buf);
    TROW("recall", r->recall_op, "%.4f");
    TROW("false positives per image", r->fp_per_image, "%.4f");
    TROW("precision", r->precision_op, "%.4f");
    TROW("average precision (VOC all-point)", r->ap, "%.4f");
    if (s->rule.kind == EVAL_RULE_ELLIPSE)
        TROW("FDDB continuous score per face", r->continuous_op, "%.4f");
    else if (s->rule.kind == EVAL_RULE_IOU) /* the points rule has no overlap */
        TROW("mean overlap of hits", r->mean_overlap_op, "%.3f");
    if (r0->width_iod[1] == r0->width_iod[1])
        TROW("hit box width / IOD, median", r->width_iod[1], "%.2f");
    for (int b = 0; b < s->n_buckets; b++) {
        char lab[64], line[160];
        eval__bucket_label(s, b, lab, sizeof lab);
        snprintf(line, sizeof line, "recall / AP, %s (%d faces)", lab, r0->buckets[b].n_faces);
        fprintf(out, "<tr><td>%s</td>", line);
        for (int m = 0; m < rep->n_models; m++) {
            const eval_bucket *bk = &rep->models[m].result->buckets[b];
            if (bk->n_faces == 0)
                fprintf(out, "<td>n/a</td>");
            else
                fprintf(out, "<td>%.4f / %.4f</td>", bk->recall_op, bk->ap);
        }
        fprintf(out, "</tr>\n");
    }
    if (s->landmark_mask) {
        section_row(out, rep, "Landmarks: error / inter-ocular distance, hits only");
        TROW("faces compared", r->n_lm, "%.0f");
        TROW("NME, mean", r->nme_mean, "%.4f");
        for (int p = 0; p < EVAL_NPTS; p++) {
            if (!(s->landmark_mask & (1u << p)))
                continue;
            snprintf(buf, sizeof buf, "NME, %s", eval_point_names[p]);
            TROW(buf, r->nme_point[p], "%.4f");
        }
        TROW("failure rate (NME &gt; 0.1)", r->failure_010, "%.4f");
        TROW("CED area up to 0.1", r->auc_010, "%.4f");
    }
    snprintf(buf, sizeof buf, "Speed: mtcnn_detect per image (%d thread%s over images)",
             rep->threads, rep->threads == 1 ? "" : "s");
    section_row(out, rep, buf);
    TROW("median ms", r->ms_median, "%.1f");
    TROW("mean ms", r->ms_mean, "%.1f");
    TROW("90th percentile ms", r->ms_p90, "%.1f");
    fprintf(out, "</table>\n");
}

/* zoom: 0 = the whole square; 1 = around the operating points, where models differ. */
static void pr_chart(FILE *out, const eval_report *rep, int bucket, int zoom, int w, int h)
{
    const eval_settings *s = rep->settings;
    char title[128], labels[EVAL_MAX_MODELS][160];
    svg_series series[EVAL_MAX_MODELS];
    double min_rec = 1, min_prec = 1;
    if (bucket < 0) {
        snprintf(title, sizeof title, zoom ? "Precision-recall near the operating points"
                                           : "Precision-recall, all counted faces");
    } else {
        char lab[64];
        eval__bucket_label(s, bucket, lab, sizeof lab);
        snprintf(title, sizeof title, "Precision-recall, %s", lab);
    }
    for (int m = 0; m < rep->n_models; m++) {
        const eval_result *r = rep->models[m].result;
        const eval_pr *pr = bucket < 0 ? &r->pr : &r->buckets[bucket].pr;
        double ap = bucket < 0 ? r->ap : r->buckets[bucket].ap;
        double rec = bucket < 0 ? r->recall_op : r->buckets[bucket].recall_op;
        /* The operating point: the last curve point whose threshold is above t3. */
        double mark_y = NAN;
        for (size_t k = 0; k < pr->n && pr->score[k] > s->threshold; k++)
            mark_y = pr->precision[k];
        if (rec == rec)
            min_rec = fmin(min_rec, rec);
        if (mark_y == mark_y)
            min_prec = fmin(min_prec, mark_y);
        if (ap == ap)
            snprintf(labels[m], sizeof labels[m], "%s (AP %.3f)", rep->models[m].label, ap);
        else
            snprintf(labels[m], sizeof labels[m], "%s (AP n/a)", rep->models[m].label);
        /* Later models dashed, so identical curves stay visible on top of each other. */
        series[m] = (svg_series){.label = labels[m], .color = palette[m], .x = pr->recall,
                                 .y = pr->precision, .n = pr->n, .dashed = m > 0,
                                 .mark_x = rec, .mark_y = mark_y};
    }
    svg_chart c = {.title = title, .xlabel = "recall", .ylabel = "precision", .xmin = 0,
                   .xmax = 1, .ymin = 0, .ymax = 1, .xtick = 0.1, .ytick = 0.1, .width = w,
                   .height = h};
    if (zoom) {
        c.xmin = fmax(0.0, floor(10.0 * min_rec - 2.0) / 10.0);
        c.ymin = fmax(0.0, floor(10.0 * min_prec - 2.0) / 10.0);
        c.xtick = (1.0 - c.xmin) > 0.45 ? 0.1 : 0.05;
        c.ytick = (1.0 - c.ymin) > 0.45 ? 0.1 : 0.05;
    }
    svg_line_chart(out, &c, series, rep->n_models);
}

static void bucket_bars(FILE *out, const eval_report *rep, int ap)
{
    const eval_settings *s = rep->settings;
    char cats[EVAL_MAX_BUCKETS][64];
    const char *cat_ptrs[EVAL_MAX_BUCKETS];
    double values[EVAL_MAX_MODELS][EVAL_MAX_BUCKETS];
    svg_bars bars[EVAL_MAX_MODELS];
    for (int b = 0; b < s->n_buckets; b++) {
        char lab[48];
        eval__bucket_label(s, b, lab, sizeof lab);
        snprintf(cats[b], sizeof cats[b], "%s\n%d faces", lab,
                 rep->models[0].result->buckets[b].n_faces);
        cat_ptrs[b] = cats[b];
    }
    for (int m = 0; m < rep->n_models; m++) {
        for (int b = 0; b < s->n_buckets; b++) {
            const eval_bucket *bk = &rep->models[m].result->buckets[b];
            values[m][b] = ap ? bk->ap : bk->recall_op;
        }
        bars[m] = (svg_bars){.label = rep->models[m].label, .color = palette[m],
                             .values = values[m]};
    }
    char title[96];
    snprintf(title, sizeof title, ap ? "Average precision by face size"
                                     : "Recall at score > %.2f by face size",
             s->threshold);
    svg_chart c = {.title = title, .xlabel = s->size_by_iod ? "inter-ocular distance"
                                                            : "face size (longer box side)",
                   .ylabel = ap ? "average precision" : "recall", .xmin = 0, .xmax = 1,
                   .ymin = 0, .ymax = 1.08, .xtick = 1, .ytick = 0.1, .width = 600,
                   .height = 440, .legend_above = 1};
    svg_bar_chart(out, &c, cat_ptrs, s->n_buckets, bars, rep->n_models);
}

static void ced_chart(FILE *out, const eval_report *rep)
{
    enum { N = 201 };
    static double xs[N];
    double ys[EVAL_MAX_MODELS][N];
    char labels[EVAL_MAX_MODELS][160];
    svg_series series[EVAL_MAX_MODELS];
    for (int k = 0; k < N; k++)
        xs[k] = 0.2 * k / (N - 1);
    for (int m = 0; m < rep->n_models; m++) {
        const eval_result *r = rep->models[m].result;
        for (int k = 0; k < N; k++)
            ys[m][k] = eval_ced_at(r->nme_sorted, (size_t)r->n_lm, xs[k] + 1e-12);
        snprintf(labels[m], sizeof labels[m], "%s (fail@0.1 %.1f%%)", rep->models[m].label,
                 100.0 * r->failure_010);
        series[m] = (svg_series){.label = labels[m], .color = palette[m], .x = xs, .y = ys[m],
                                 .n = N, .dashed = m > 0, .mark_x = NAN, .mark_y = NAN};
    }
    svg_chart c = {.title = "Cumulative landmark error distribution",
                   .xlabel = "normalised mean error (/ inter-ocular distance)",
                   .ylabel = "fraction of faces", .xmin = 0, .xmax = 0.2, .ymin = 0, .ymax = 1,
                   .xtick = 0.02, .ytick = 0.1, .width = 600, .height = 400, .legend_right = 1};
    svg_line_chart(out, &c, series, rep->n_models);
}

static void point_bars(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    const char *cats[EVAL_NPTS + 1];
    double values[EVAL_MAX_MODELS][EVAL_NPTS + 1];
    svg_bars bars[EVAL_MAX_MODELS];
    int n_cat = 0;
    double top = 0;
    for (int p = 0; p < EVAL_NPTS; p++)
        if (s->landmark_mask & (1u << p))
            cats[n_cat++] = eval_point_names[p];
    cats[n_cat++] = "mean";
    for (int m = 0; m < rep->n_models; m++) {
        const eval_result *r = rep->models[m].result;
        int k = 0;
        for (int p = 0; p < EVAL_NPTS; p++)
            if (s->landmark_mask & (1u << p))
                values[m][k++] = r->nme_point[p];
        values[m][k] = r->nme_mean;
        for (int i = 0; i < n_cat; i++)
            if (values[m][i] == values[m][i])
                top = fmax(top, values[m][i]);
        bars[m] = (svg_bars){.label = rep->models[m].label, .color = palette[m],
                             .values = values[m]};
    }
    /* A round axis top with room for the value labels. */
    double ymax = 0.02;
    while (ymax < top * 1.1)
        ymax += 0.02;
    svg_chart c = {.title = "Landmark error per point (mean over hits)", .xlabel = "point",
                   .ylabel = "NME (/ inter-ocular distance)", .xmin = 0, .xmax = 1, .ymin = 0,
                   .ymax = ymax, .xtick = 1, .ytick = ymax > 0.1 ? 0.02 : 0.01, .width = 600,
                   .height = 440, .legend_above = 1};
    svg_bar_chart(out, &c, cats, n_cat, bars, rep->n_models);
}

static void method_notes(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    char rule[160];
    eval__rule_text(s, rule, sizeof rule);
    fprintf(out, "<h2>Method</h2>\n<ul class=\"note\">\n");
    fprintf(out, "<li>Each model ran once with thresholds %.2f, %.2f and a lowered O-Net threshold "
                 "of %.2f; the PR curve sweeps the final score over those detections. Stage-3 NMS "
                 "is greedy by score, so the detections above %.2f are exactly those a run at "
                 "%.2f gives (the operating point, marked with a dot).</li>\n",
            rep->thresholds[0], rep->thresholds[1], rep->sweep_threshold, rep->thresholds[2],
            rep->thresholds[2]);
    fprintf(out, "<li>Match rule: ");
    html_escape(out, rule);
    fprintf(out, "; one to one, greedy by descending score. A detection that only matches an "
                 "ignored face is neither a hit nor a false positive.</li>\n");
    fprintf(out, "<li>Ignored faces: flagged by the annotation, or smaller than the minimum "
                 "face size %g px", s->min_face);
    if (s->size_by_iod)
        fprintf(out, " (inter-ocular distance &times; %.1f, the typical box width per IOD)",
                s->width_per_iod);
    fprintf(out, ".</li>\n<li>Average precision: PASCAL VOC (2010+) all-point interpolation, "
                 "the area under the precision envelope (the best precision at this or any "
                 "higher recall).</li>\n");
    fprintf(out, "<li>By size: faces outside the range are ignored, and an unmatched detection "
                 "is a false positive of a range only if its own size is in it.</li>\n");
    if (s->landmark_mask)
        fprintf(out, "<li>Landmarks: distance to the annotated point divided by the annotated "
                     "inter-ocular distance, averaged over the points compared, for faces hit "
                     "at the operating point.</li>\n");
    fprintf(out, "<li>Speed: wall time of mtcnn_detect per image (image decoding excluded).</li>\n"
                 "</ul>\n");
}

/* WIDER's official PR curve (eval-wider-subset.h): one point per threshold 1 - k/1000 that
 * some detection reaches. */
static void wider_pr_chart(FILE *out, const eval_report *rep)
{
    svg_series series[EVAL_MAX_MODELS];
    char labels[EVAL_MAX_MODELS][160], title[96];
    static double x[EVAL_MAX_MODELS][EVAL_WIDER_THRESHOLDS];
    static double y[EVAL_MAX_MODELS][EVAL_WIDER_THRESHOLDS];
    int n_series = 0;
    for (int m = 0; m < rep->n_models; m++) {
        const eval_wider_result *r = rep->wider[m];
        if (!r)
            continue;
        size_t n = 0;
        for (int k = 0; k < EVAL_WIDER_THRESHOLDS; k++)
            if (!isnan(r->precision[k])) {
                x[m][n] = r->recall[k];
                y[m][n++] = r->precision[k];
            }
        snprintf(labels[n_series], sizeof labels[n_series], "%s (AP %.3f)", rep->models[m].label,
                 r->ap);
        series[n_series] = (svg_series){.label = labels[n_series], .color = palette[m],
                                        .x = x[m], .y = y[m], .n = n, .mark_x = NAN,
                                        .mark_y = NAN};
        n_series++;
    }
    snprintf(title, sizeof title, "WIDER official %s PR curve", rep->wider_subset);
    svg_chart ch = {.title = title, .xlabel = "recall", .ylabel = "precision", .xmin = 0,
                    .xmax = 1, .ymin = 0, .ymax = 1, .xtick = 0.1, .ytick = 0.1, .width = 600,
                    .height = 440};
    svg_line_chart(out, &ch, series, n_series);
}

/* FDDB's official ROC (eval-fddb.h): TPR against the number of false positives, discrete
 * solid and continuous dashed, up to the 2000 false positives FDDB's figures quote. */
static void fddb_roc_chart(FILE *out, const eval_report *rep)
{
    svg_series series[2 * EVAL_MAX_MODELS];
    char labels[2 * EVAL_MAX_MODELS][160];
    double *buf[EVAL_MAX_MODELS] = {0};
    int n_series = 0;
    long max_fp = 10;
    for (int m = 0; m < rep->n_models; m++) {
        const eval_fddb_roc *roc = rep->models[m].fddb;
        if (roc && roc->n && roc->fp[roc->n - 1] > max_fp)
            max_fp = roc->fp[roc->n - 1];
    }
    max_fp = max_fp < 2000 ? max_fp : 2000;
    /* A tick of 1, 2 or 5 x 10^k giving at most 10 intervals. */
    double tick = pow(10.0, floor(log10((double)max_fp / 10.0)));
    tick *= (double)max_fp / tick <= 10 ? 1 : (double)max_fp / (2 * tick) <= 10 ? 2 : 5;
    for (int m = 0; m < rep->n_models; m++) {
        const eval_fddb_roc *roc = rep->models[m].fddb;
        if (!roc || !roc->n || !(buf[m] = malloc(3 * roc->n * sizeof *buf[m])))
            continue; /* no curve rather than no report when memory runs out */
        double *x = buf[m], *yd = x + roc->n, *yc = yd + roc->n;
        double nf = roc->n_faces ? (double)roc->n_faces : 1.0;
        for (size_t k = 0; k < roc->n; k++) {
            x[k] = (double)roc->fp[k];
            yd[k] = roc->tp_disc[k] / nf;
            yc[k] = roc->tp_cont[k] / nf;
        }
        for (int c = 0; c < 2; c++) {
            snprintf(labels[n_series], sizeof labels[n_series], "%s, %s (TPR %.3f at 1000 FP)",
                     rep->models[m].label, c ? "continuous" : "discrete",
                     eval_fddb_tpr_at(roc, 1000, c));
            series[n_series] = (svg_series){.label = labels[n_series], .color = palette[m],
                                            .x = x, .y = c ? yc : yd, .n = roc->n,
                                            .dashed = c, .mark_x = NAN, .mark_y = NAN};
            n_series++;
        }
    }
    svg_chart ch = {.title = "FDDB official ROC (Hungarian matching, no face ignored)",
                    .xlabel = "false positives", .ylabel = "true positive rate", .xmin = 0,
                    .xmax = ceil((double)max_fp / tick) * tick, .ymin = 0, .ymax = 1,
                    .xtick = tick, .ytick = 0.1, .width = 600, .height = 440,
                    .legend_right = 1};
    svg_line_chart(out, &ch, series, n_series);
    for (int m = 0; m < rep->n_models; m++)
        free(buf[m]);
}

void eval_report_html_write(FILE *out, const eval_report *rep)
{
    const eval_settings *s = rep->settings;
    const eval_result *r0 = rep->models[0].result;
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<title>mtcam-eval: ");
    html_escape(out, rep->format);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    fprintf(out, "<h1>Face detection accuracy: ");
    html_escape(out, rep->format);
    fprintf(out, "</h1>\n<table class=\"meta\">\n<tr><td>data</td><td>");
    html_escape(out, rep->root);
    if (rep->lists && rep->lists[0]) {
        fprintf(out, " (");
        html_escape(out, rep->lists);
        fprintf(out, ")");
    }
    fprintf(out, "; images: ");
    html_escape(out, rep->selection);
    fprintf(out, "</td></tr>\n<tr><td>faces</td><td>%d images, %d annotated faces, %d ignored, "
                 "%d counted</td></tr>\n",
            r0->n_images, r0->n_faces, r0->n_ignored, r0->n_counted);
    fprintf(out, "<tr><td>detector</td><td>thresholds %.2f / %.2f / %.2f, min face %g px, "
                 "pyramid factor %.3f</td></tr>\n",
            rep->thresholds[0], rep->thresholds[1], rep->thresholds[2], s->min_face,
            rep->factor);
    for (int m = 0; m < rep->n_models; m++) {
        fprintf(out, "<tr><td><span class=\"swatch\" style=\"background:%s\"></span>",
                palette[m]);
        html_escape(out, rep->models[m].label);
        fprintf(out, "</td><td>");
        html_escape(out, rep->models[m].path);
        fprintf(out, "</td></tr>\n");
    }
    fprintf(out, "</table>\n<h2>Summary</h2>\n");
    summary_table(out, rep);

    fprintf(out, "<h2>Detection</h2>\n<div class=\"charts\">\n");
    pr_chart(out, rep, -1, 0, 600, 440);
    pr_chart(out, rep, -1, 1, 600, 440);
    bucket_bars(out, rep, 0);
    bucket_bars(out, rep, 1);
    fprintf(out, "</div>\n<h3>Precision-recall by face size</h3>\n<div class=\"charts\">\n");
    /* Size ranges without faces (all of them the same for every model) get no chart. */
    for (int b = 0; b < s->n_buckets; b++)
        if (r0->buckets[b].n_faces > 0)
            pr_chart(out, rep, b, 0, 600, 400);
    fprintf(out, "</div>\n");
    if (rep->models[0].fddb) {
        fprintf(out, "<h3>FDDB's official ROC</h3>\n<div class=\"charts\">\n");
        fddb_roc_chart(out, rep);
        fprintf(out, "</div>\n");
    }
    if (rep->wider[0]) {
        fprintf(out, "<h3>WIDER's official %s AP</h3>\n<div class=\"charts\">\n",
                rep->wider_subset);
        wider_pr_chart(out, rep);
        fprintf(out, "</div>\n");
    }
    if (s->landmark_mask) {
        fprintf(out, "<h2>Landmarks</h2>\n<div class=\"charts\">\n");
        ced_chart(out, rep);
        point_bars(out, rep);
        fprintf(out, "</div>\n");
    }
    method_notes(out, rep);
    fprintf(out, "</body>\n</html>\n");
}

int eval_report_html(const char *path, const eval_report *rep)
{
    return eval__write_file(path, eval_report_html_write, rep);
}
