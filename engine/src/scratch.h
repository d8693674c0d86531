/* scratch.h - growable buffers a detector keeps between calls, so that in steady state a
 * detect call allocates nothing. */
#pragma once

#include <stddef.h>

typedef struct mtcnn__buf {
    void *p;
    size_t cap; /* bytes */
} mtcnn__buf;

/* Returns a buffer of at least `bytes` (64-byte aligned; contents not kept when it grows), or
 * NULL when out of memory. */
void *mtcnn__buf_reserve(mtcnn__buf *b, size_t bytes);
/* The same, but the first `keep` bytes survive a reallocation. */
void *mtcnn__buf_grow(mtcnn__buf *b, size_t bytes, size_t keep);
void mtcnn__buf_free(mtcnn__buf *b);
