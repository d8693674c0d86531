/* avi-write.h - an MJPEG AVI writer (RIFF 'AVI ' with one video stream and an idx1 index).
 *
 * The file stays playable whatever happens: the header sizes are refreshed about once a second
 * so a killed process leaves a file readers can scan, and a failed write (full disk, file size
 * limit) truncates back to the last whole frame and finalises what is there. Files that would
 * grow past `max_part_bytes` continue in numbered parts: "name.avi", "name-part2.avi", ... */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct avi_writer avi_writer;

typedef struct avi_writer_options {
    int width, height;      /* frame size written in the headers */
    double fps;             /* frame rate written in the headers (> 0) */
    int64_t max_part_bytes; /* split past this size; 0 = default (1 GiB) */
    int exclusive;          /* non-zero: never overwrite, fail with MTCNN_EBUSY if it exists */
} avi_writer_options;

#define AVI_WRITER_DEFAULT_PART_BYTES ((int64_t)1 << 30)

/* Creates `path` and writes the headers. */
int avi_writer_open(const char *path, const avi_writer_options *opt, avi_writer **out);
/* Appends one JPEG image as the next frame. After a failure the writer has already finalised
 * the file(s) with the frames written so far; it returns the same error on every later call. */
int avi_writer_add_jpeg(avi_writer *w, const void *jpeg, size_t size);
/* Changes the frame rate the headers say (> 0): the open part's header gets it at its next
 * refresh (every 16 frames) and when it is finished, later parts from the start. For a rate
 * known only once frames have come (a camera's, measured from their timestamps). */
int avi_writer_set_fps(avi_writer *w, double fps);
/* Writes the index, fixes the header sizes, closes and frees. Returns 0, or the first error
 * the writer met (the files are finalised in both cases). Accepts NULL. */
int avi_writer_close(avi_writer *w);

/* Frames written, over all parts. */
int64_t avi_writer_frames(const avi_writer *w);
/* Bytes written, over all parts. */
int64_t avi_writer_bytes(const avi_writer *w);
/* Number of files written so far (1 + splits). */
int avi_writer_parts(const avi_writer *w);
/* Fills `buf` with the name of part `part` (1-based) of a recording named `path`. */
void avi_writer_part_name(const char *path, int part, char *buf, size_t size);
