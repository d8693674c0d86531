#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads an integer at s; *end is where it stopped. -1 when there is none or out of range. */
static int long_at(const char *s, long lo, long hi, long *out, const char **end)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (e == s || errno || v < lo || v > hi)
        return -1;
    *out = v;
    *end = e;
    return 0;
}

/* The same for a finite number. */
static int double_at(const char *s, double lo, double hi, double *out, const char **end)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || errno || !isfinite(v) || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    *end = e;
    return 0;
}

int app_parse_long(const char *s, long lo, long hi, long *out)
{
    long v;
    const char *end;
    if (long_at(s, lo, hi, &v, &end) || *end)
        return -1;
    *out = v;
    return 0;
}

int app_parse_int(const char *s, int lo, int hi, int *out)
{
    long v;
    if (app_parse_long(s, lo, hi, &v))
        return -1;
    *out = (int)v;
    return 0;
}

int app_parse_doubles(const char *s, int n, double lo, double hi, double *out)
{
    double v[16];
    if (n < 1 || n > (int)(sizeof v / sizeof v[0]))
        return -1;
    for (int i = 0; i < n; i++) {
        const char *end;
        if (double_at(s, lo, hi, &v[i], &end) || *end != (i < n - 1 ? ',' : '\0'))
            return -1;
        s = end + 1;
    }
    for (int i = 0; i < n; i++)
        out[i] = v[i];
    return 0;
}

int app_parse_floats(const char *s, int n, double lo, double hi, float *out)
{
    double v[16];
    if (n < 1 || n > (int)(sizeof v / sizeof v[0]) || app_parse_doubles(s, n, lo, hi, v))
        return -1;
    for (int i = 0; i < n; i++)
        out[i] = (float)v[i];
    return 0;
}

int app_parse_double(const char *s, double lo, double hi, double *out)
{
    return app_parse_doubles(s, 1, lo, hi, out);
}

int app_parse_float(const char *s, double lo, double hi, float *out)
{
    return app_parse_floats(s, 1, lo, hi, out);
}

int app_parse_size(const char *s, int lo, int hi, int *width, int *height)
{
    long w, h;
    const char *end;
    if (long_at(s, lo, hi, &w, &end) || *end != 'x' || long_at(end + 1, lo, hi, &h, &end) || *end)
        return -1;
    *width = (int)w;
    *height = (int)h;
    return 0;
}

int app_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see %s --help)\n", prog);
    va_end(ap);
    return 2;
}

int app_is_one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}
