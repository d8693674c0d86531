/* eval-report.h - the evaluation written out three ways: a terminal summary, a JSON file and
 * a self-contained HTML page with inline SVG charts (no scripts, no external files). One or
 * more models side by side. */
#pragma once

#include <stdio.h>

#include "eval-score.h"

#define EVAL_MAX_MODELS 8

typedef struct eval_report_model {
    const char *label;
    const char *path;
    const eval_result *result;
    const struct eval_fddb_roc *fddb; /* FDDB's official ROC (eval-fddb.h), or NULL */
} eval_report_model;

typedef struct eval_report {
    const char *format;      /* "caltech", ... */
    const char *root;
    const char *lists;       /* the annotation files, as given ("" = the default) */
    const char *selection;   /* "all", "first 100", "random 1000 (seed 1)" */
    const eval_settings *settings;
    const char *points;      /* how the annotation's coordinates were read, or NULL */
    float thresholds[3];     /* the operating point the user chose */
    float sweep_threshold;   /* the O-Net threshold of the run that draws the PR curve */
    float factor;
    int threads;
    int n_models;
    eval_report_model models[EVAL_MAX_MODELS];
    /* --wider-subset: WIDER's official AP per model (eval-wider-subset.h), or NULLs */
    const struct eval_wider_result *wider[EVAL_MAX_MODELS];
    const char *wider_subset; /* "easy", "medium" or "hard" */
} eval_report;

/* The names of the 5 points ("left eye" ...). */
extern const char *const eval_point_names[5];

void eval_report_text(FILE *out, const eval_report *rep);
/* Writes the file; returns 0 or an error naming it. */
int eval_report_json(const char *path, const eval_report *rep);
int eval_report_html(const char *path, const eval_report *rep);
/* The same into an open stream (what the file versions call; the tests use it too). */
void eval_report_json_write(FILE *out, const eval_report *rep);
void eval_report_html_write(FILE *out, const eval_report *rep);
