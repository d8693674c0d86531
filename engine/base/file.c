#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

int mtcam_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int err = errno;
        return mtcam_set_error(mtcam_errno_code(err), "%s: cannot open: %s", path,
                               strerror(err));
    }
    size_t cap = 1 << 20, len = 0;
    unsigned char *buf = malloc(cap);
    int rc = 0;
    if (!buf) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (;;) {
        if (len == cap) {
            if (cap > max_bytes)
                break; /* one byte more than allowed is enough to refuse */
            size_t grown_cap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
            unsigned char *grown = realloc(buf, grown_cap);
            if (!grown) {
                rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            buf = grown;
            cap = grown_cap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                int err = errno;
                rc = mtcam_set_error(mtcam_errno_code(err), "%s: read error: %s", path,
                                     strerror(err));
                goto done;
            }
            break;
        }
    }
    if (len > max_bytes)
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: larger than %zu bytes", path, max_bytes);
done:
    fclose(f);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *size = len;
    return 0;
}

int mtcam_exe_dir(char *buf, size_t size)
{
    if (size < 2)
        return -1;
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return -1; /* unknown, or possibly cut short */
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return 0;
}
