/* live-args.c - mtcam's command line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "live.h"

const char live_usage[] =
    "usage: mtcam [SOURCE] [--size WxH] [--fps N] [--model FILE] [--min-face N]\n"
    "             [--thresholds T1,T2,T3] [--threads N] [--precision auto|fp32|int8]\n"
    "             [--record FILE] [--fullscreen]\n"
    "             [--list-devices] [--headless --frames N] [--json] [--track on|off]\n"
    "             [--output /dev/videoN [--output-format yuyv|rgb24|mjpeg] [--output-size WxH]\n"
    "              [--output-view annotated|clean|framed] [--output-max-zoom X]\n"
    "              [--output-speed F]]\n"
    "SOURCE: a camera (/dev/video0 or 0), an image, a folder of images, a .y4m or MJPEG .avi\n"
    "file, or 'demo'. Default: the first camera, else the demo.\n"
    "Keys: q quit, Space pause, f fullscreen, h help, s snapshot, r record, 1/2/3 stages,\n"
    "Tab + Up/Down thresholds, -/+ minimum face, l landmarks, c candidates, t tracking,\n"
    "v virtual camera view.\n"
    "--track on (default): faces keep an id across frames, boxes are smoothed, most frames\n"
    "cost a fraction of a detection; off: the full cascade on every frame.\n"
    "--headless processes every frame of a file or the demo (none is skipped).\n";

void live_config_default(live_config *cfg)
{
    *cfg = (live_config){
        .min_face = 20.0f,
        .thresholds = {0.6f, 0.7f, 0.7f},
        .threads = 0,
        .track = 1,
    };
}

#define BAD(...)                                                                              \
    do {                                                                                      \
        snprintf(err, err_size, __VA_ARGS__);                                                 \
        return -1;                                                                            \
    } while (0)

int live_parse_args(int argc, char **argv, live_config *cfg, char *err, size_t err_size)
{
    live_config_default(cfg);
    const char *output_opts = NULL; /* an --output-* option seen (they need --output) */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* Flags that take a value accept "--flag value" and "--flag=value". */
        const char *val = NULL;
        char name[64];
        const char *eq = strchr(a, '=');
        if (a[0] == '-' && a[1] == '-' && eq && (size_t)(eq - a) < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
            val = eq + 1;
            a = name;
        }
#define VALUE()                                                                               \
    do {                                                                                      \
        if (!val) {                                                                           \
            if (i + 1 >= argc)                                                                \
                BAD("%s needs a value", a);                                                   \
            val = argv[++i];                                                                  \
        }                                                                                     \
    } while (0)
        long l;
        double d;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(live_usage, stdout);
            return 1;
        } else if (!strcmp(a, "--size")) {
            VALUE();
            int w, h;
            if (app_parse_size(val, 16, 8192, &w, &h))
                BAD("--size: expected WxH such as 640x480, each side 16 .. 8192, got '%s'", val);
            cfg->width = w;
            cfg->height = h;
        } else if (!strcmp(a, "--fps")) {
            VALUE();
            if (app_parse_double(val, 0.1, 1000, &d))
                BAD("--fps: expected a rate between 0.1 and 1000, got '%s'", val);
            cfg->fps = d;
        } else if (!strcmp(a, "--model")) {
            VALUE();
            cfg->model = val;
        } else if (!strcmp(a, "--min-face")) {
            VALUE();
            if (app_parse_double(val, 12, 10000, &d))
                BAD("--min-face: expected a size in pixels >= 12, got '%s'", val);
            cfg->min_face = (float)d;
        } else if (!strcmp(a, "--thresholds")) {
            VALUE();
            double t[3];
            if (app_parse_doubles(val, 3, -HUGE_VAL, HUGE_VAL, t))
                BAD("--thresholds: expected T1,T2,T3 such as 0.6,0.7,0.7, got '%s'", val);
            for (int k = 0; k < 3; k++) {
                if (!(t[k] > 0 && t[k] < 1))
                    BAD("--thresholds: each threshold must be between 0 and 1, got '%s'", val);
                cfg->thresholds[k] = (float)t[k];
            }
        } else if (!strcmp(a, "--precision")) {
            VALUE();
            mtcnn_precision p;
            if (mtcnn_precision_parse(val, &p))
                BAD("--precision: expected auto, fp32 or int8, got '%s'", val);
            cfg->precision = p;
        } else if (!strcmp(a, "--threads")) {
            VALUE();
            if (app_parse_long(val, 1, 256, &l))
                BAD("--threads: expected 1..256, got '%s'", val);
            cfg->threads = (int)l;
        } else if (!strcmp(a, "--track")) {
            VALUE();
            if (strcmp(val, "on") && strcmp(val, "off"))
                BAD("--track: expected on or off, got '%s'", val);
            cfg->track = !strcmp(val, "on");
        } else if (!strcmp(a, "--record")) {
            VALUE();
            cfg->record = val;
        } else if (!strcmp(a, "--frames")) {
            VALUE();
            if (app_parse_long(val, 1, 1000000000L, &l))
                BAD("--frames: expected a positive count, got '%s'", val);
            cfg->frames = l;
        } else if (!strcmp(a, "--output")) {
            VALUE();
            if (!*val)
                BAD("--output: expected a V4L2 output device such as /dev/video10");
            cfg->output.path = val;
        } else if (!strcmp(a, "--output-format")) {
            VALUE();
            int f = vcam_format_parse(val);
            if (f < 0)
                BAD("--output-format: expected yuyv, rgb24 or mjpeg, got '%s'", val);
            cfg->output.format = (vcam_format)f;
            output_opts = a;
        } else if (!strcmp(a, "--output-size")) {
            VALUE();
            int w, h;
            if (app_parse_size(val, 16, 8192, &w, &h) || w % 2)
                BAD("--output-size: expected WxH with an even width such as 1280x720, each side "
                    "16 .. 8192, got '%s'",
                    val);
            cfg->output.width = w;
            cfg->output.height = h;
            output_opts = a;
        } else if (!strcmp(a, "--output-view")) {
            VALUE();
            int v = live_vcam_view_parse(val);
            if (v < 0)
                BAD("--output-view: expected annotated, clean or framed, got '%s'", val);
            cfg->output.view = (live_vcam_view)v;
            output_opts = a;
        } else if (!strcmp(a, "--output-max-zoom")) {
            VALUE();
            if (app_parse_double(val, 1, 20, &d))
                BAD("--output-max-zoom: expected a zoom between 1 and 20, got '%s'", val);
            cfg->output.max_zoom = (float)d;
            output_opts = a;
        } else if (!strcmp(a, "--output-speed")) {
            VALUE();
            if (app_parse_double(val, 0.01, 100, &d))
                BAD("--output-speed: expected picture heights per second between 0.01 and "
                    "100, got '%s'",
                    val);
            cfg->output.speed = (float)d;
            output_opts = a;
        } else if (!strcmp(a, "--fullscreen") && !val) {
            cfg->fullscreen = 1;
        } else if (!strcmp(a, "--headless") && !val) {
            cfg->headless = 1;
        } else if (!strcmp(a, "--json") && !val) {
            cfg->json = 1;
        } else if (!strcmp(a, "--list-devices") && !val) {
            cfg->list_devices = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            BAD("unknown option '%s' (try --help)", argv[i]);
        } else if (cfg->source) {
            BAD("one source only: got '%s' and '%s'", cfg->source, a);
        } else {
            cfg->source = a;
        }
#undef VALUE
    }
    if (output_opts && !cfg->output.path)
        BAD("%s needs --output /dev/videoN", output_opts);
    return 0;
}
