/* one-euro.h - the One Euro filter (Casiez, Roussel, Vogel, "1 Euro Filter: A Simple
 * Speed-based Low-pass Filter for Noisy Input in Interactive Systems", CHI 2012): a first-order
 * low-pass whose cutoff rises with the signal's speed, so a still signal is steady and a moving
 * one lags little. Used by the tracker on every box corner and landmark coordinate. */
#pragma once

typedef struct mtcnn__one_euro_params {
    double min_cutoff; /* Hz: the cutoff when the signal is still */
    double beta;       /* cutoff increase per unit of speed (units per second) */
    double d_cutoff;   /* Hz: the cutoff of the speed estimate */
    int predict;       /* 0: the paper's filter. 1: the low-pass starts from the last output
                          moved by the filtered speed (the estimate the paper already makes
                          for the cutoff), so a steady motion has no lag (an addition) */
} mtcnn__one_euro_params;

typedef struct mtcnn__one_euro {
    double x, dx; /* the last filtered value and filtered speed */
    int primed;   /* 0 until the first sample */
} mtcnn__one_euro;

/* Forgets the history: the next sample passes unchanged. */
void mtcnn__one_euro_reset(mtcnn__one_euro *f);
/* Filters sample x taken dt seconds after the previous one (dt > 0; the first sample's dt is
 * not used). Returns the filtered value. */
double mtcnn__one_euro_step(mtcnn__one_euro *f, const mtcnn__one_euro_params *p, double x,
                            double dt);
/* The smoothing factor of a first-order low-pass of cutoff `hz` for a step of dt seconds:
 * 1 / (1 + tau / dt), tau = 1 / (2 pi hz). */
double mtcnn__one_euro_alpha(double hz, double dt);
