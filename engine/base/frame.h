/* frame.h - the RGB frame that walks from capture through the engine to render/record. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct mtcam_frame {
    uint8_t *data;        /* RGB24, row-major */
    int width, height;
    ptrdiff_t stride;     /* bytes per row, >= 3 * width */
    int64_t timestamp_ns; /* CLOCK_MONOTONIC time of capture (or of the file's pace) */
    uint64_t seq;         /* sequence number from the source, starting at 0 */
} mtcam_frame;

/* Allocates data for a width x height RGB24 frame (stride = 3*width rounded up to 64). */
int mtcam_frame_alloc(mtcam_frame *f, int width, int height);
void mtcam_frame_free(mtcam_frame *f);
/* Copies pixels and metadata; dst is (re)allocated when its size differs. */
int mtcam_frame_copy(mtcam_frame *dst, const mtcam_frame *src);
