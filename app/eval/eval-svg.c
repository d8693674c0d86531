/* eval-svg.c - SVG line and bar charts (see eval-svg.h). Coordinates are written with one
 * decimal; long curves are thinned to points at least half a pixel apart, so a PR curve of
 * 50,000 detections stays a few kilobytes. */
#include "eval-svg.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#define MARGIN_L 64
#define MARGIN_R 18
#define MARGIN_T 34
#define MARGIN_B 58
#define FONT "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

void svg_escape(FILE *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*p, out);
        }
    }
}

typedef struct frame_px {
    double x0, y0, x1, y1; /* plot area in SVG pixels (y0 top) */
} frame_px;

static double px_x(const svg_chart *c, const frame_px *f, double v)
{
    return f->x0 + (v - c->xmin) / (c->xmax - c->xmin) * (f->x1 - f->x0);
}

static double px_y(const svg_chart *c, const frame_px *f, double v)
{
    return f->y1 - (v - c->ymin) / (c->ymax - c->ymin) * (f->y1 - f->y0);
}

/* Tick labels without trailing zeros: 0, 0.25, 0.5, 100. */
static void tick_label(char *buf, size_t size, double v, double step)
{
    int decimals = 0;
    while (decimals < 4 && fabs(step * pow(10, decimals) - round(step * pow(10, decimals))) > 1e-6)
        decimals++;
    snprintf(buf, size, "%.*f", decimals, fabs(v) < 1e-12 ? 0.0 : v);
}

static void open_svg(FILE *out, const svg_chart *c, frame_px *f)
{
    f->x0 = MARGIN_L;
    f->y0 = MARGIN_T + (c->legend_above ? 24 : 0);
    f->x1 = c->width - MARGIN_R;
    f->y1 = c->height - MARGIN_B;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" " FONT " font-size=\"12\" role=\"img\">\n",
            c->width, c->height, c->width, c->height);
    fprintf(out, "<title>");
    svg_escape(out, c->title);
    fprintf(out, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
    fprintf(out, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" "
                 "font-weight=\"bold\" fill=\"#222\">", c->width / 2);
    svg_escape(out, c->title);
    fprintf(out, "</text>\n");
}

/* Grid, ticks, tick labels, axis lines and axis labels. `x_ticks` = 0 leaves the x axis to
 * the caller (bar charts label categories instead). */
static void draw_axes(FILE *out, const svg_chart *c, const frame_px *f, int x_ticks)
{
    char label[32];
    fprintf(out, "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
    for (double v = c->ymin; v <= c->ymax + 1e-9 * (c->ymax - c->ymin); v += c->ytick)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", f->x0,
                px_y(c, f, v), f->x1, px_y(c, f, v));
    if (x_ticks)
        for (double v = c->xmin; v <= c->xmax + 1e-9 * (c->xmax - c->xmin); v += c->xtick)
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                    px_x(c, f, v), f->y0, px_x(c, f, v), f->y1);
    fprintf(out, "</g>\n<g class=\"ticks\" fill=\"#444\" stroke=\"#444\">\n");
    for (double v = c->ymin; v <= c->ymax + 1e-9 * (c->ymax - c->ymin); v += c->ytick) {
        double y = px_y(c, f, v);
        tick_label(label, sizeof label, v, c->ytick);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f->x0 - 5, y,
                f->x0, y);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" stroke=\"none\">%s</text>\n",
                f->x0 - 8, y + 4, label);
    }
    if (x_ticks)
        for (double v = c->xmin; v <= c->xmax + 1e-9 * (c->xmax - c->xmin); v += c->xtick) {
            double x = px_x(c, f, v);
            tick_label(label, sizeof label, v, c->xtick);
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, f->y1,
                    x, f->y1 + 5);
            fprintf(out,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" stroke=\"none\">%s</text>\n",
                    x, f->y1 + 19, label);
        }
    fprintf(out, "</g>\n");
    fprintf(out, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n",
            f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    fprintf(out, "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
                 "font-size=\"13\" fill=\"#222\">", 0.5 * (f->x0 + f->x1), c->height - 10);
    svg_escape(out, c->xlabel);
    fprintf(out, "</text>\n<text class=\"ylabel\" transform=\"translate(16 %.1f) rotate(-90)\" "
                 "text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">", 0.5 * (f->y0 + f->y1));
    svg_escape(out, c->ylabel);
    fprintf(out, "</text>\n");
}

static void draw_legend(FILE *out, const svg_chart *c, const frame_px *f, const char *const *labels,
                        const char *const *colors, const int *dashed, int n)
{
    if (n <= 0)
        return;
    /* Text width estimated at 7 px a character (12 px sans); no layout engine here. */
    double text_w[16], total = 0;
    size_t longest = 0;
    for (int i = 0; i < n; i++) {
        size_t len = labels[i] ? strlen(labels[i]) : 0;
        longest = len > longest ? len : longest;
        text_w[i] = 7.0 * (double)len;
        total += 36 + text_w[i] + 18;
    }
    fprintf(out, "<g class=\"legend\">\n");
    if (c->legend_above) {
        double x = 0.5 * (f->x0 + f->x1) - 0.5 * total, y = f->y0 - 12;
        for (int i = 0; i < n; i++) {
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" fill=\"%s\"/>",
                    x, y - 9, colors[i]);
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222\">", x + 28, y);
            svg_escape(out, labels[i]);
            fprintf(out, "</text>\n");
            x += 36 + text_w[i] + 18;
        }
        fprintf(out, "</g>\n");
        return;
    }
    double w = 40 + 7.0 * (double)longest, h = 8 + 18.0 * n;
    double x = c->legend_right ? f->x1 - w - 10 : f->x0 + 10;
    double y = c->legend_top ? f->y0 + 10 : f->y1 - h - 10;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" "
                 "fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n",
            x, y, w, h);
    for (int i = 0; i < n; i++) {
        double ly = y + 14 + 18.0 * i;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"3\"%s/>",
                x + 8, ly - 4, x + 30, ly - 4, colors[i],
                dashed && dashed[i] ? " stroke-dasharray=\"6 3\"" : "");
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222\">", x + 36, ly);
        svg_escape(out, labels[i]);
        fprintf(out, "</text>\n");
    }
    fprintf(out, "</g>\n");
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

void svg_line_chart(FILE *out, const svg_chart *c, const svg_series *s, int n)
{
    frame_px f;
    open_svg(out, c, &f);
    draw_axes(out, c, &f, 1);
    /* Several charts share one HTML page: each clip path needs its own id. */
    static atomic_int next_clip_id;
    int clip_id = atomic_fetch_add(&next_clip_id, 1);
    fprintf(out, "<clipPath id=\"clip%d\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                 "height=\"%.1f\"/></clipPath>\n",
            clip_id, f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    const char *labels[16], *colors[16];
    int dashed[16];
    for (int i = 0; i < n && i < 16; i++) {
        const svg_series *si = &s[i];
        labels[i] = si->label;
        colors[i] = si->color;
        dashed[i] = si->dashed;
        fprintf(out, "<polyline class=\"series\" clip-path=\"url(#clip%d)\" fill=\"none\" "
                     "stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s points=\"",
                clip_id, si->color, si->dashed ? " stroke-dasharray=\"6 3\"" : "");
        double last_x = -1e9, last_y = -1e9;
        for (size_t k = 0; k < si->n; k++) {
            double x = px_x(c, &f, clampd(si->x[k], c->xmin - 1, c->xmax + 1));
            double y = px_y(c, &f, clampd(si->y[k], c->ymin - 1, c->ymax + 1));
            /* A step function runs level to the new x, then jumps. */
            if (si->step && k > 0 && fabs(y - last_y) >= 0.5)
                fprintf(out, "%.1f,%.1f ", x, last_y);
            if (k + 1 == si->n || fabs(x - last_x) >= 0.5 || fabs(y - last_y) >= 0.5) {
                fprintf(out, "%.1f,%.1f ", x, y);
                last_x = x;
                last_y = y;
            }
        }
        fprintf(out, "\"/>\n");
        if (si->mark_x == si->mark_x && si->mark_y == si->mark_y &&
            si->mark_x >= c->xmin && si->mark_x <= c->xmax && si->mark_y >= c->ymin &&
            si->mark_y <= c->ymax)
            fprintf(out, "<circle class=\"mark\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" "
                         "stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n",
                    px_x(c, &f, si->mark_x), px_y(c, &f, si->mark_y), si->color);
    }
    draw_legend(out, c, &f, labels, colors, dashed, n < 16 ? n : 16);
    fprintf(out, "</svg>\n");
}

void svg_bar_chart(FILE *out, const svg_chart *c, const char *const *categories, int n_cat,
                   const svg_bars *s, int n)
{
    frame_px f;
    open_svg(out, c, &f);
    draw_axes(out, c, &f, 0);
    double group_w = (f.x1 - f.x0) / (n_cat > 0 ? n_cat : 1);
    double bar_w = fmin(48.0, 0.75 * group_w / (n > 0 ? n : 1));
    for (int g = 0; g < n_cat; g++) {
        double gx = f.x0 + group_w * g;
        double start = gx + 0.5 * group_w - 0.5 * bar_w * n;
        for (int i = 0; i < n; i++) {
            double v = s[i].values[g];
            double x = start + bar_w * i;
            if (v != v) {
                fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                             "font-size=\"10\" fill=\"#888\">n/a</text>\n",
                        x + 0.5 * bar_w, f.y1 - 4);
                continue;
            }
            double top = px_y(c, &f, clampd(v, c->ymin, c->ymax));
            fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                         "height=\"%.1f\" fill=\"%s\"/>\n",
                    x + 1, top, bar_w - 2, f.y1 - top, s[i].color);
            char label[32];
            tick_label(label, sizeof label, v, c->ytick / 100.0);
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
                         "fill=\"#222\">%s</text>\n",
                    x + 0.5 * bar_w, top - 3, label);
        }
        char line[128];
        const char *cat = categories[g], *nl = strchr(cat, '\n');
        snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - cat) : (int)strlen(cat), cat);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">",
                gx + 0.5 * group_w, f.y1 + 17);
        svg_escape(out, line);
        if (nl) {
            fprintf(out, "<tspan x=\"%.1f\" dy=\"14\" font-size=\"11\" fill=\"#777\">",
                    gx + 0.5 * group_w);
            svg_escape(out, nl + 1);
            fprintf(out, "</tspan>");
        }
        fprintf(out, "</text>\n");
    }
    const char *labels[16], *colors[16];
    for (int i = 0; i < n && i < 16; i++) {
        labels[i] = s[i].label;
        colors[i] = s[i].color;
    }
    draw_legend(out, c, &f, labels, colors, NULL, n < 16 ? n : 16);
    fprintf(out, "</svg>\n");
}
