/* fuzz-video.c - libFuzzer target for a video reader, built twice: fuzz-y4m (capture/y4m.c)
 * and fuzz-avi (capture/avi-read.c, and the MJPEG frames through image-jpeg.c). The input is
 * written to a scratch file (the readers take paths) and opened with the backend's own
 * constructor, so mutations of the magic bytes still reach it. Frames are read as a player
 * does: looping, skipping bad frames, up to a fixed count so a looping file ends. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-util.h"
#include "source.h"

#if defined(FUZZ_VIDEO_Y4M)
#define OPEN capture__open_y4m
#define TAG "video.y4m"
#elif defined(FUZZ_VIDEO_AVI)
#define OPEN capture__open_avi
#define TAG "video.avi"
#else
#error "define FUZZ_VIDEO_Y4M or FUZZ_VIDEO_AVI"
#endif

#define MAX_READS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_temp_file(TAG, data, size);
    capture_options opt;
    capture_options_default(&opt);
    opt.as_fast_as_possible = 1;
    opt.loop = 1;
    capture_source *src = NULL;
    fuzz_clear_message();
    if (OPEN(path, &opt, &src) != 0) {
        fuzz_expect_message();
        return 0;
    }
    (void)capture_describe(src);
    for (int i = 0; i < MAX_READS; i++) {
        const mtcam_frame *f = NULL;
        fuzz_clear_message();
        int rc = capture_read(src, &f, 0);
        if (rc == MTCNN_EFORMAT) { /* a bad frame: skipped, as the app does */
            fuzz_expect_message();
            continue;
        }
        if (rc != 0) {
            fuzz_expect_message();
            break;
        }
        if (!f || !f->data || f->width < 1 || f->height < 1)
            abort();
        volatile unsigned sink = 0;
        for (int y = 0; y < f->height; y++)
            for (int x = 0; x < 3 * f->width; x += 61) /* a sample of every row */
                sink += f->data[(ptrdiff_t)y * f->stride + x];
        sink += f->data[(ptrdiff_t)(f->height - 1) * f->stride + 3 * f->width - 1];
        (void)sink;
    }
    const char *last;
    (void)capture_warning_count(src, &last);
    capture_close(src);
    return 0;
}
