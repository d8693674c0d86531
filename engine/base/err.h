/* err.h - errors shared by every mtcam library: a code plus a thread-local one-line message.
 * Library code never prints and never exits; it returns mtcam_set_error(code, ...). */
#pragma once

#include "mtcnn.h"

#if defined(__GNUC__)
#define MTCAM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MTCAM_PRINTF(a, b)
#endif

/* Formats the message of this thread's failure and returns `code` (so failure paths are one
 * line). errno is preserved. */
int mtcam_set_error(int code, const char *fmt, ...) MTCAM_PRINTF(2, 3);
/* The message of this thread's last failure ("" when none). */
const char *mtcam_last_error(void);
/* Maps an errno value onto the closest MTCNN_E* code. */
int mtcam_errno_code(int err);
