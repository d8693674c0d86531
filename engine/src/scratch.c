#include "scratch.h"

#include <string.h>

#include "align.h"

void *mtcnn__buf_reserve(mtcnn__buf *b, size_t bytes) { return mtcnn__buf_grow(b, bytes, 0); }

void *mtcnn__buf_grow(mtcnn__buf *b, size_t bytes, size_t keep)
{
    if (bytes == 0)
        bytes = 1; /* an empty request still gets a valid pointer: NULL means out of memory */
    if (bytes <= b->cap)
        return b->p;
    /* Grow by half again so a slowly growing need does not reallocate every call. */
    size_t cap = bytes + bytes / 2;
    void *p = mtcam_alloc_aligned(cap);
    if (!p)
        return NULL;
    if (keep && b->p)
        memcpy(p, b->p, keep < b->cap ? keep : b->cap);
    mtcam_free_aligned(b->p);
    b->p = p;
    b->cap = cap;
    return p;
}

void mtcnn__buf_free(mtcnn__buf *b)
{
    mtcam_free_aligned(b->p);
    b->p = NULL;
    b->cap = 0;
}
