/* capture-test-util.h - helpers shared by the capture tests: temporary folders, fixture
 * writers (Y4M, AVI, PPM) and the generic validation every source must pass. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* A fresh folder under /tmp (static buffer per call site: copy it). */
int tu_mkdtemp(char *buf, size_t size);
/* rm -rf of a folder the test made. */
void tu_rmtree(const char *dir);
int tu_write_file(const char *path, const void *data, size_t size);

/* The pattern of Y4M frame k: planes for a WxH picture in colour space `cs` ("420jpeg",
 * "444", "422", "mono"). */
uint8_t tu_y4m_luma(int x, int y, int k);
uint8_t tu_y4m_cb(int cx, int cy, int k);
uint8_t tu_y4m_cr(int cx, int cy, int k);
/* Writes n frames; the last one cut to `last_bytes` bytes when last_bytes >= 0. */
int tu_write_y4m(const char *path, int w, int h, const char *cs, int fps_num, int fps_den,
                 int n, long last_bytes);

/* AVI layouts for tu_write_avi. */
enum {
    TU_AVI_IDX1 = 1,        /* idx1 with offsets relative to 'movi' */
    TU_AVI_IDX1_ABS = 2,    /* idx1 with absolute file offsets */
    TU_AVI_REC = 4,         /* frames wrapped in LIST 'rec ' */
    TU_AVI_AVIX = 8,        /* frames after the first go to a RIFF 'AVIX' (OpenDML) */
    TU_AVI_ZERO_SIZES = 16, /* RIFF/movi sizes left 0 (a recorder killed mid-write) */
    TU_AVI_EMPTY_FRAME = 32 /* a zero-byte frame ("repeat the previous") after frame 0 */
};
/* Writes an MJPEG AVI at `fps` from n JPEG images. Returns 0 or -1. */
int tu_write_avi(const char *path, const uint8_t *const *jpegs, const size_t *sizes, int n,
                 int w, int h, int fps, int layout);

/* Reads n frames from src (n < 0: until EOF) and checks what every source promises: frames
 * of the expected size (0 = any), stride >= 3*width, sequence numbers 0,1,2..., timestamps
 * increasing by period_ns exactly (0 = only increasing), then MTCNN_EEOF (twice) when
 * expect_eof. Returns 0 or 1 (failure printed); *count gets the frames read. */
int tu_validate_source(capture_source *src, int w, int h, int n, int64_t period_ns,
                       int expect_eof, int *count);
