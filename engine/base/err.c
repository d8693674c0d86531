#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[512];

int mtcam_set_error(int code, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    errno = saved;
    return code;
}

const char *mtcam_last_error(void) { return last_message; }

const char *mtcnn_last_error(void) { return last_message; }

const char *mtcnn_strerror(int code)
{
    switch (code) {
#define MTCNN__ERR_TEXT(name, value, text)                                                    \
    case value:                                                                               \
        return text;
        MTCNN_ERROR_LIST(MTCNN__ERR_TEXT)
#undef MTCNN__ERR_TEXT
    default:
        return "unknown error";
    }
}

int mtcam_errno_code(int err)
{
    switch (err) {
    case 0:
        return MTCNN_OK;
    case ENOMEM:
        return MTCNN_ENOMEM;
    case ENOENT:
        return MTCNN_ENOTFOUND;
    case EINVAL:
        return MTCNN_EINVAL;
    case EBUSY:
        return MTCNN_EBUSY;
    case ENODEV:
    case ENXIO:
        return MTCNN_ENODEV;
    case ETIMEDOUT:
        return MTCNN_ETIMEOUT;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return MTCNN_ENOSPC;
    default:
        return MTCNN_EIO;
    }
}
