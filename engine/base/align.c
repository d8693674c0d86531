#define _POSIX_C_SOURCE 200809L
#include "align.h"

#include <stdlib.h>

void *mtcam_alloc_aligned(size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, MTCAM_ALIGN, size ? size : 1) != 0)
        return NULL;
    return p;
}

void mtcam_free_aligned(void *p) { free(p); }
