/* fuzz-image.c - libFuzzer target for still-image loading as every program does it
 * (capture_image_load_memory): the type sniffed from the magic bytes, then mtcam's PNM
 * decoder or its glue around libjpeg (error exits, CMYK, corrupt-data warnings) and libpng
 * (transforms, alpha compositing). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-util.h"
#include "image-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mtcam_frame frame;
    fuzz_clear_message();
    if (capture_image_load_memory(data, size, "fuzz.img", &frame) != 0) {
        if (frame.data != NULL) /* a failure leaves the frame empty */
            abort();
        fuzz_expect_message();
        return 0;
    }
    if (frame.width < 1 || frame.height < 1 ||
        (long long)frame.width * frame.height > CAPTURE_IMAGE_MAX_PIXELS)
        abort();
    volatile unsigned sink = 0;
    for (int y = 0; y < frame.height; y++)
        for (int x = 0; x < 3 * frame.width; x++)
            sink += frame.data[(ptrdiff_t)y * frame.stride + x];
    (void)sink;
    mtcam_frame_free(&frame);
    return 0;
}
