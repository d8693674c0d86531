/* check.h - a tiny test harness: checks that print both operands, skips that say why.
 * A test binary holds several cases; `main` runs the one named on the command line (ctest
 * registers each case under its own name) or all of them. Exit 0 pass, 1 fail, 77 skip. */
#pragma once

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_SKIP 77

extern int check_failures;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);          \
            check_failures++;                                                                 \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                  \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
            check_failures++;                                                                 \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                    \
    do {                                                                                      \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                       \
        CHECK_MSG(check_a_ == check_b_, "%s = %lld, %s = %lld", #a, check_a_, #b, check_b_);  \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                 \
    do {                                                                                      \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                \
        CHECK_MSG(fabs(check_a_ - check_b_) <= (tol), "%s = %.9g, %s = %.9g, |diff| = %.3g > %g", \
                  #a, check_a_, #b, check_b_, fabs(check_a_ - check_b_), (double)(tol));      \
    } while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                                       \
    do {                                                                                      \
        const char *check_h_ = (hay), *check_n_ = (needle);                                   \
        CHECK_MSG(check_h_ && strstr(check_h_, check_n_), "\"%s\" does not contain \"%s\"",   \
                  check_h_ ? check_h_ : "(null)", check_n_);                                  \
    } while (0)

/* Returns from the case with the skip code after saying why. */
#define SKIP(...)                                                                             \
    do {                                                                                      \
        fprintf(stderr, "SKIP: ");                                                            \
        fprintf(stderr, __VA_ARGS__);                                                         \
        fputc('\n', stderr);                                                                  \
        return CHECK_SKIP;                                                                    \
    } while (0)

typedef int (*check_fn)(void);
typedef struct check_case {
    const char *name;
    check_fn fn;
} check_case;

/* Runs the case named argv[1], or every case. */
int check_main(int argc, char **argv, const check_case *cases);

/* Path of a file under the shared/ folder, or NULL when shared/ is absent (then SKIP). The
 * folder comes from $MTCAM_SHARED_DIR or the build's default. Returns a static buffer. */
const char *check_shared_path(const char *relative);
/* The original MTCNN weights converted to the project's format by the test run
 * ($MTCAM_TEST_MODEL, made by the test `original_model.convert`), or NULL (then SKIP). */
const char *check_model_path(void);
/* Path of a file under tests/data in the source tree. */
const char *check_data_path(const char *relative);
/* The whole (regular) file at `path` in a malloc'd buffer with a NUL after its *size bytes
 * (size may be NULL), or NULL when it cannot be read. */
void *check_read_file(const char *path, size_t *size);
