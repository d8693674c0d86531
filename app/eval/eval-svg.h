/* eval-svg.h - small, self-contained SVG charts (line and grouped bar charts) with axes,
 * ticks, grid, axis labels, title and legend, written inline into an HTML report. */
#pragma once

#include <stddef.h>
#include <stdio.h>

typedef struct svg_chart {
    const char *title, *xlabel, *ylabel;
    double xmin, xmax, ymin, ymax;
    double xtick, ytick;  /* spacing of the ticks (and grid lines) */
    int width, height;    /* pixels of the whole SVG */
    int legend_right;     /* legend in the lower right corner (else lower left) */
    int legend_top;       /* ... in the upper row instead of the lower */
    int legend_above;     /* legend in one row above the plot area, outside it */
} svg_chart;

typedef struct svg_series {
    const char *label;
    const char *color;
    const double *x, *y;
    size_t n;
    int step;     /* draw as a right-continuous step function (CED, PR) */
    int dashed;
    double mark_x, mark_y; /* a highlighted point (e.g. the operating threshold); NaN = none */
} svg_series;

/* A line chart of `n` series; values outside the axis range are clipped. */
void svg_line_chart(FILE *out, const svg_chart *c, const svg_series *s, int n);

typedef struct svg_bars {
    const char *label;
    const char *color;
    const double *values; /* one per category; NaN = no bar ("n/a") */
} svg_bars;

/* Grouped bars: one group per category, one bar per series in each group, value on top.
 * A '\n' in a category name starts a second line. */
void svg_bar_chart(FILE *out, const svg_chart *c, const char *const *categories, int n_cat,
                   const svg_bars *s, int n);

/* Writes text with &, <, >, " escaped. */
void svg_escape(FILE *out, const char *text);
