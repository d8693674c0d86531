/* args.h - the values the programs' flags take: numbers, comma lists, sizes, and the usage
 * error they print. Parsers accept the whole string or nothing: 0 with the value in *out, or
 * -1 (out untouched) for an empty string, trailing text, overflow or a value outside [lo, hi];
 * the caller names the flag in its message. */
#pragma once

#include "err.h"

/* A base-10 integer within [lo, hi]. */
int app_parse_long(const char *s, long lo, long hi, long *out);
int app_parse_int(const char *s, int lo, int hi, int *out);

/* A finite number within [lo, hi]. For floats, lo and hi must lie within float range. */
int app_parse_double(const char *s, double lo, double hi, double *out);
int app_parse_float(const char *s, double lo, double hi, float *out);

/* Exactly n finite numbers separated by commas ("0.6,0.7,0.7"), each within [lo, hi]. */
int app_parse_doubles(const char *s, int n, double lo, double hi, double *out);
int app_parse_floats(const char *s, int n, double lo, double hi, float *out);

/* "WxH" with each side a base-10 integer within [lo, hi]. */
int app_parse_size(const char *s, int lo, int hi, int *width, int *height);

/* Non-zero when `s` is one of the strings of the NULL-terminated `list` (the flags that take a
 * value: a flag given last without one is then "needs a value", any other "unknown"). */
int app_is_one_of(const char *s, const char *const *list);

/* Prints "<prog>: <message> (see <prog> --help)" to stderr and returns 2, the exit status of
 * bad usage. */
int app_usage_error(const char *prog, const char *fmt, ...) MTCAM_PRINTF(2, 3);
