/* fuzz-pnm.c - libFuzzer target for mtcam's own PPM/PGM decoder (capture/image-pnm.c).
 * Each input is decoded twice into the same frame: fresh, then reusing the buffer (the path a
 * folder of same-sized images takes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-util.h"
#include "image-decoders.h"
#include "image-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mtcam_frame frame;
    memset(&frame, 0, sizeof frame);
    for (int pass = 0; pass < 2; pass++) {
        fuzz_clear_message();
        if (capture__image_decode_pnm(data, size, "fuzz.ppm", &frame) != 0) {
            fuzz_expect_message();
            break;
        }
        if (frame.width < 1 || frame.height < 1 || frame.width > CAPTURE_IMAGE_MAX_SIDE ||
            frame.height > CAPTURE_IMAGE_MAX_SIDE)
            abort();
        volatile unsigned sink = 0; /* every pixel written and readable (ASan, MSan-free) */
        for (int y = 0; y < frame.height; y++)
            for (int x = 0; x < 3 * frame.width; x++)
                sink += frame.data[(ptrdiff_t)y * frame.stride + x];
        (void)sink;
    }
    mtcam_frame_free(&frame);
    return 0;
}
