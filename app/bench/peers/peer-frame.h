/* peer-frame.h - the frame a peer benchmark times, made by mtcam's own code: the image file
 * decoded by capture/ and resized with the engine's resampler, exactly as mtcam-bench makes
 * its frame, so mtcam and the peer see the same pixels. (C, called from the C++ peers.) */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct peer_frame {
    uint8_t *rgb; /* width * height * 3 bytes, R,G,B, rows packed */
    int width, height;
} peer_frame;

/* Loads `path` and resizes it to width x height (0 x 0 = as it is). Returns 0, or -1 after
 * writing the reason (naming the file) to `err` (err_size bytes). */
int peer_frame_load(const char *path, int width, int height, peer_frame *out, char *err,
                    int err_size);
void peer_frame_free(peer_frame *f);

#ifdef __cplusplus
}
#endif
