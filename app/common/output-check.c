/* output-check.c - see output-check.h. */
#include "output-check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int reported; /* the failure was said already: one line, not one per write */

static int report(const char *prog, int err)
{
    if (!reported)
        fprintf(stderr, "%s: cannot write the output: %s\n", prog,
                err ? strerror(err) : "write error");
    reported = 1;
    return -1;
}

int app_flush_stdout(const char *prog)
{
    if (reported)
        return -1;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        return report(prog, errno);
    return 0;
}

int app_close_stdout(const char *prog)
{
    errno = 0;
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int err = errno;
    /* fclose reports what the kernel says at close (some file systems defer errors). */
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (failed || reported) {
        report(prog, err);
        return 1;
    }
    return 0;
}
