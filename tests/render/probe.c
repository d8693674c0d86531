#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

#include "check.h"

int probe_have_ffprobe(void)
{
    return system("ffprobe -version >/dev/null 2>&1") == 0;
}

int probe_avi(const char *path, probe_video *out)
{
    memset(out, 0, sizeof *out);
    out->frames = -1;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
             "stream=nb_read_frames,width,height,avg_frame_rate -of default=noprint_wrappers=1 "
             "'%s' 2>&1",
             path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    char line[512];
    int got = 0;
    while (fgets(line, sizeof line, p)) {
        if (sscanf(line, "nb_read_frames=%ld", &out->frames) == 1)
            got++;
        else if (sscanf(line, "width=%d", &out->width) == 1)
            got++;
        else if (sscanf(line, "height=%d", &out->height) == 1)
            got++;
        else if (sscanf(line, "avg_frame_rate=%31s", out->avg_frame_rate) == 1)
            got++;
        else
            fprintf(stderr, "ffprobe %s: %s", path, line);
    }
    int st = pclose(p);
    return (st == 0 && got >= 3) ? 0 : -1;
}

int probe_expect_avi(const char *path, long frames, int w, int h, const char *rate)
{
    probe_video v;
    CHECK_MSG(probe_avi(path, &v) == 0, "%s: ffprobe found no video", path);
    CHECK_INT_EQ(v.frames, frames);
    CHECK_INT_EQ(v.width, w);
    CHECK_INT_EQ(v.height, h);
    if (rate)
        CHECK_STR_CONTAINS(v.avg_frame_rate, rate);
    return 0;
}

int probe_make_jpeg(int w, int h, int k, uint8_t **jpeg, size_t *size)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    if (!rgb)
        return -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            int inside = x >= (k * 7) % w && x < (k * 7) % w + w / 4 && y >= h / 4 && y < h / 2;
            p[0] = inside ? 255 : (uint8_t)(x * 255 / w);
            p[1] = inside ? 255 : (uint8_t)(y * 255 / h);
            p[2] = (uint8_t)(k * 16);
        }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *buf = NULL;
    unsigned long len = 0;
    jpeg_mem_dest(&c, &buf, &len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 80, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = rgb + (size_t)c.next_scanline * w * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(rgb);
    *jpeg = buf;
    *size = len;
    return 0;
}

const char *probe_temp_dir(const char *tag)
{
    static char buf[512];
    const char *t = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/mtcam-%s-XXXXXX", t && *t ? t : "/tmp", tag);
    if (!mkdtemp(buf))
        return NULL;
    return buf;
}

void probe_remove_dir(const char *dir)
{
    if (!dir || strncmp(dir, "/", 1) != 0 || !strstr(dir, "/mtcam-"))
        return; /* only what probe_temp_dir made */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
