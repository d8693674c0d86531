/* align.h - aligned allocation for SIMD-friendly buffers. */
#pragma once

#include <stddef.h>

#define MTCAM_ALIGN 64

/* Memory aligned to MTCAM_ALIGN bytes, or NULL; free with mtcam_free_aligned. size 0 is
 * treated as 1 so a valid pointer comes back. */
void *mtcam_alloc_aligned(size_t size);
void mtcam_free_aligned(void *p);
