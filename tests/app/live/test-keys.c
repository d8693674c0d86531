/* mtcam's key bindings as a pure function, and its command line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "keys.h"
#include "live-hud.h"
#include "live.h"
#include "window.h"

static live_action press(live_view *v, int key) { return live_keys_apply(v, key, v); }

static int test_quit_keys(void)
{
    live_view v, before;
    live_view_default(&v);
    before = v;
    CHECK_INT_EQ(press(&v, 'q'), LIVE_ACTION_QUIT);
    CHECK_INT_EQ(press(&v, WINDOW_KEY_ESCAPE), LIVE_ACTION_QUIT);
    CHECK_INT_EQ(press(&v, WINDOW_KEY_CTRL_C), LIVE_ACTION_QUIT);
    CHECK(memcmp(&v, &before, sizeof v) == 0);
    /* a saves the faces' crops and changes nothing else. */
    CHECK_INT_EQ(press(&v, 'a'), LIVE_ACTION_CROPS);
    CHECK(memcmp(&v, &before, sizeof v) == 0);
    return 0;
}

static int test_toggles(void)
{
    live_view v;
    live_view_default(&v);
    CHECK_INT_EQ(v.paused, 0);
    CHECK_INT_EQ(press(&v, ' '), LIVE_ACTION_NONE);
    CHECK_INT_EQ(v.paused, 1);
    press(&v, ' ');
    CHECK_INT_EQ(v.paused, 0);
    CHECK_INT_EQ(press(&v, 'f'), LIVE_ACTION_FULLSCREEN);
    CHECK_INT_EQ(v.fullscreen, 1);
    CHECK_INT_EQ(press(&v, 'f'), LIVE_ACTION_FULLSCREEN);
    CHECK_INT_EQ(v.fullscreen, 0);
    press(&v, 'h');
    CHECK_INT_EQ(v.help, 1);
    CHECK_INT_EQ(v.landmarks, 1);
    press(&v, 'l');
    CHECK_INT_EQ(v.landmarks, 0);
    CHECK_INT_EQ(v.candidates, 0);
    press(&v, 'c');
    CHECK_INT_EQ(v.candidates, 1);
    CHECK_INT_EQ(v.tracking, 1);
    CHECK_INT_EQ(press(&v, 't'), LIVE_ACTION_DETECT);
    CHECK_INT_EQ(v.tracking, 0);
    CHECK_INT_EQ(press(&v, 't'), LIVE_ACTION_DETECT);
    CHECK_INT_EQ(v.tracking, 1);
    CHECK_INT_EQ(press(&v, 's'), LIVE_ACTION_SNAPSHOT);
    CHECK_INT_EQ(press(&v, 'r'), LIVE_ACTION_RECORD);
    /* Unknown keys change nothing. */
    live_view before = v;
    CHECK_INT_EQ(press(&v, 'z'), LIVE_ACTION_NONE);
    CHECK_INT_EQ(press(&v, 0x7fff), LIVE_ACTION_NONE);
    CHECK(memcmp(&v, &before, sizeof v) == 0);
    return 0;
}

static int test_stages(void)
{
    live_view v;
    live_view_default(&v);
    CHECK_INT_EQ(v.stages, 3);
    CHECK_INT_EQ(press(&v, '1'), LIVE_ACTION_DETECT);
    CHECK_INT_EQ(v.stages, 1);
    press(&v, '2');
    CHECK_INT_EQ(v.stages, 2);
    press(&v, '3');
    CHECK_INT_EQ(v.stages, 3);
    return 0;
}

static int test_thresholds(void)
{
    live_view v;
    live_view_default(&v);
    CHECK_INT_EQ(v.selected, 0);
    CHECK_INT_EQ(press(&v, WINDOW_KEY_UP), LIVE_ACTION_DETECT);
    CHECK_NEAR(v.thresholds[0], 0.65, 1e-6);
    CHECK_NEAR(v.thresholds[1], 0.70, 1e-6);
    CHECK_INT_EQ(press(&v, WINDOW_KEY_TAB), LIVE_ACTION_NONE);
    CHECK_INT_EQ(v.selected, 1);
    press(&v, WINDOW_KEY_DOWN);
    press(&v, WINDOW_KEY_DOWN);
    CHECK_NEAR(v.thresholds[1], 0.60, 1e-6);
    press(&v, WINDOW_KEY_TAB);
    press(&v, WINDOW_KEY_TAB);
    CHECK_INT_EQ(v.selected, 0); /* wraps */
    press(&v, WINDOW_KEY_BACKTAB);
    CHECK_INT_EQ(v.selected, 2);
    /* Many steps: no drift, clamped at both ends. */
    for (int i = 0; i < 40; i++)
        press(&v, WINDOW_KEY_UP);
    CHECK_NEAR(v.thresholds[2], LIVE_THRESHOLD_MAX, 1e-6);
    for (int i = 0; i < 40; i++)
        press(&v, WINDOW_KEY_DOWN);
    CHECK_NEAR(v.thresholds[2], LIVE_THRESHOLD_MIN, 1e-6);
    for (int i = 0; i < 7; i++)
        press(&v, WINDOW_KEY_UP);
    CHECK(v.thresholds[2] == roundf(v.thresholds[2] * 100) / 100); /* on the 0.01 grid */
    CHECK_NEAR(v.thresholds[2], 0.40, 1e-6);
    return 0;
}

static int test_min_face(void)
{
    live_view v;
    live_view_default(&v);
    CHECK_NEAR(v.min_face, 20, 0);
    CHECK_INT_EQ(press(&v, '+'), LIVE_ACTION_DETECT);
    CHECK_NEAR(v.min_face, 25, 0);
    press(&v, '+');
    CHECK_NEAR(v.min_face, 31, 0);
    press(&v, '-');
    press(&v, '-');
    CHECK_NEAR(v.min_face, 20, 0); /* retraces its steps */
    for (int i = 0; i < 10; i++)
        press(&v, '-');
    CHECK_NEAR(v.min_face, 12, 0);
    for (int i = 0; i < 60; i++)
        press(&v, '+');
    CHECK_NEAR(v.min_face, LIVE_MIN_FACE_HIGH, 0);
    return 0;
}

static int test_help_lists_every_key(void)
{
    const char *keys[] = {"q / Esc", "Space", "f ", "h ", "s ", "a ", "r ", "1 / 2 / 3", "Tab",
                          "Up / Down", "- / +", "l ", "c ", "t ", "v "};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        int found = 0;
        for (int i = 0; live_keys_help[i]; i++)
            found |= strncmp(live_keys_help[i], keys[k], strlen(keys[k])) == 0;
        CHECK_MSG(found, "help does not list '%s'", keys[k]);
    }
    return 0;
}

/* Every change shows on the HUD text at once. */
static int test_hud_text_follows_state(void)
{
    live_view v;
    live_view_default(&v);
    live_result r;
    memset(&r, 0, sizeof r);
    live_hud_info info = {.view = &v, .result = &r, .capture_fps = 30};
    char lines[LIVE_HUD_MAX_LINES][LIVE_HUD_LINE];
    char all[LIVE_HUD_MAX_LINES * LIVE_HUD_LINE];
#define TEXT()                                                                                \
    do {                                                                                      \
        int n_ = live_hud_lines(&info, lines, LIVE_HUD_MAX_LINES);                            \
        all[0] = '\0';                                                                        \
        for (int i_ = 0; i_ < n_; i_++) {                                                     \
            strcat(all, lines[i_]);                                                           \
            strcat(all, "\n");                                                                \
        }                                                                                     \
    } while (0)
    TEXT();
    CHECK_STR_CONTAINS(all, "capture  30.0 fps");
    CHECK_STR_CONTAINS(all, "no detection yet");
    CHECK_STR_CONTAINS(all, ">P-Net t1 0.60");
    CHECK_STR_CONTAINS(all, " R-Net t2 0.70");
    CHECK_STR_CONTAINS(all, "min face 20 px");
    CHECK_STR_CONTAINS(all, "stages 1-3");
    CHECK_STR_CONTAINS(all, "tracking on (t)\n");
    press(&v, 't');
    TEXT();
    CHECK_STR_CONTAINS(all, "tracking off (t)");
    press(&v, 't');
    press(&v, WINDOW_KEY_TAB);
    press(&v, WINDOW_KEY_UP);
    press(&v, '+');
    press(&v, '2');
    press(&v, ' ');
    TEXT();
    CHECK_STR_CONTAINS(all, ">R-Net t2 0.75");
    CHECK_STR_CONTAINS(all, "min face 25 px");
    CHECK_STR_CONTAINS(all, "stages 1-2");
    CHECK_STR_CONTAINS(all, "O-Net t3 0.70   off");
    CHECK_STR_CONTAINS(all, "PAUSED");
    /* A result: per-stage times and counts, the age of the boxes, recording state. */
    r.count = 1;
    r.seq = 10;
    r.timestamp_ns = 1000000000;
    r.stages = 2;
    r.fps = 7.5;
    r.stats.ms_pnet = 12.25;
    r.stats.n_pnet = 321;
    r.stats.ms_rnet = 3.5;
    r.stats.n_rnet = 4;
    info.shown_seq = 13;
    info.shown_timestamp_ns = 1100000000;
    info.recording = 1;
    info.rec_elapsed_s = 75;
    info.rec_bytes = 3400000;
    info.rec_frames = 100;
    info.capture_dropped = 5;
    info.rec_dropped = 2;
    TEXT();
    CHECK_STR_CONTAINS(all, "detect   7.5 fps");
    CHECK_STR_CONTAINS(all, "boxes 3 fr / 100 ms old");
    CHECK_STR_CONTAINS(all, "12.2 ms   321 boxes");
    CHECK_STR_CONTAINS(all, "3.5 ms     4 faces");
    CHECK_STR_CONTAINS(all, "REC 00:01:15  3.4 MB  100 frames");
    CHECK_STR_CONTAINS(all, "tracking on (t)\n"); /* the result did not come from the tracker */
    r.tracking = 1;
    r.mode = MTCNN_FRAME_TRACK;
    r.n_faces = 2;
    TEXT();
    CHECK_STR_CONTAINS(all, "tracking on (t): track frame, 2 faces");
    r.mode = MTCNN_FRAME_SCAN;
    r.n_faces = 1;
    TEXT();
    CHECK_STR_CONTAINS(all, "tracking on (t): scan frame, 1 face\n");
    r.n_faces = 0;
    CHECK_STR_CONTAINS(all, "dropped: capture 5  recording 2");
    info.recording = 0;
    info.rec_error = "x.avi: No space left on device";
    TEXT();
    CHECK(strstr(all, "REC ") == NULL);
    CHECK_STR_CONTAINS(all, "recording stopped: x.avi: No space left on device");
#undef TEXT
    return 0;
}

static int parse(const char *line, live_config *cfg, char *err)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    char *argv[32];
    int argc = 0;
    for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return live_parse_args(argc, argv, cfg, err, 256);
}

static int test_vcam_view_key(void)
{
    live_view v;
    live_view_default(&v);
    CHECK_INT_EQ(v.vcam_view, 0);
    for (int i = 1; i <= 4; i++) {
        CHECK_INT_EQ(live_keys_apply(&v, 'v', &v), LIVE_ACTION_VCAM_VIEW);
        CHECK_INT_EQ(v.vcam_view, i % 3); /* annotated -> clean -> framed -> annotated */
    }
    return 0;
}

static int test_command_line(void)
{
    live_config c;
    char err[256];
    CHECK_INT_EQ(parse("mtcam", &c, err), 0);
    CHECK(c.source == NULL);
    CHECK_NEAR(c.min_face, 20, 0);
    CHECK_INT_EQ(c.track, 1);
    CHECK_INT_EQ(parse("mtcam --track off", &c, err), 0);
    CHECK_INT_EQ(c.track, 0);
    CHECK_INT_EQ(parse("mtcam --track=on", &c, err), 0);
    CHECK_INT_EQ(c.track, 1);
    CHECK_INT_EQ(parse("mtcam --track yes", &c, err), -1);
    CHECK_STR_CONTAINS(err, "--track: expected on or off, got 'yes'");
    CHECK_INT_EQ(parse("mtcam demo --size 320x240 --fps 12.5 --min-face 40 --thresholds "
                       "0.5,0.6,0.8 --threads 2 --record out.avi --fullscreen --headless "
                       "--frames 7 --json --model m.mtcnn",
                       &c, err),
                 0);
    CHECK(strcmp(c.source, "demo") == 0);
    CHECK_INT_EQ(c.width, 320);
    CHECK_INT_EQ(c.height, 240);
    CHECK_NEAR(c.fps, 12.5, 1e-9);
    CHECK_NEAR(c.min_face, 40, 0);
    CHECK_NEAR(c.thresholds[2], 0.8, 1e-6);
    CHECK_INT_EQ(c.threads, 2);
    CHECK(strcmp(c.record, "out.avi") == 0);
    CHECK(c.fullscreen && c.headless && c.json);
    CHECK_INT_EQ(c.frames, 7);
    CHECK(strcmp(c.model, "m.mtcnn") == 0);
    CHECK_INT_EQ(parse("mtcam demo --output /dev/video10 --output-format mjpeg --output-size "
                       "1280x720 --output-view framed --output-max-zoom 2.5 --output-speed 0.8",
                       &c, err),
                 0);
    CHECK(strcmp(c.output.path, "/dev/video10") == 0);
    CHECK_INT_EQ(c.output.format, VCAM_FORMAT_MJPEG);
    CHECK_INT_EQ(c.output.width, 1280);
    CHECK_INT_EQ(c.output.height, 720);
    CHECK_INT_EQ(c.output.view, LIVE_VCAM_FRAMED);
    CHECK_NEAR(c.output.max_zoom, 2.5, 1e-6);
    CHECK_NEAR(c.output.speed, 0.8, 1e-6);
    CHECK_INT_EQ(parse("mtcam --output=/dev/video3", &c, err), 0);
    CHECK_INT_EQ(c.output.format, VCAM_FORMAT_YUYV); /* the defaults */
    CHECK_INT_EQ(c.output.view, LIVE_VCAM_ANNOTATED);
    CHECK_INT_EQ(c.output.width, 0);
    CHECK_INT_EQ(parse("mtcam --size=640x480 --list-devices", &c, err), 0);
    CHECK_INT_EQ(c.width, 640);
    CHECK(c.list_devices);
    static const struct {
        const char *line, *says;
    } bad[] = {
        {"mtcam --size 640", "--size"},
        {"mtcam --size", "needs a value"},
        {"mtcam --fps 0", "--fps"},
        {"mtcam --min-face 5", "--min-face"},
        {"mtcam --thresholds 0.6,0.7", "--thresholds"},
        {"mtcam --thresholds 0.6,0.7,1.5", "between 0 and 1"},
        {"mtcam --threads x", "--threads"},
        {"mtcam --frames -3", "--frames"},
        {"mtcam --bogus", "unknown option '--bogus'"},
        {"mtcam a b", "one source only"},
        {"mtcam --headless=1", "unknown option"},
        {"mtcam --output-view framed", "--output-view needs --output"},
        {"mtcam --output /dev/video9 --output-view side", "annotated, clean or framed"},
        {"mtcam --output /dev/video9 --output-format nv12", "yuyv, rgb24 or mjpeg"},
        {"mtcam --output /dev/video9 --output-size 641x480", "even width"},
        {"mtcam --output /dev/video9 --output-max-zoom 0.5", "--output-max-zoom"},
        {"mtcam --output /dev/video9 --output-speed 0", "--output-speed"},
        {"mtcam --output", "needs a value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK_MSG(parse(bad[i].line, &c, err) == -1, "'%s' accepted", bad[i].line);
        CHECK_STR_CONTAINS(err, bad[i].says);
        CHECK(strchr(err, '\n') == NULL);
    }
    return 0;
}

static int test_output_names(void)
{
    char dir[] = "/tmp/mtcam-names-XXXXXX";
    CHECK(mkdtemp(dir));
    char a[4096], b[4096], c[4096];
    long long t = 1700000000; /* 2023-11-14 22:13:20 UTC */
    CHECK_INT_EQ(live_output_name(dir, "avi", t, a, sizeof a), 0);
    CHECK_STR_CONTAINS(a, "/mtcam-2023111");
    CHECK(strlen(a) == strlen(dir) + strlen("/mtcam-YYYYMMDD-HHMMSS.avi"));
    FILE *f = fopen(a, "w");
    CHECK(f);
    fclose(f);
    CHECK_INT_EQ(live_output_name(dir, "avi", t, b, sizeof b), 0);
    CHECK(strcmp(a, b) != 0);
    CHECK_STR_CONTAINS(b, "-1.avi");
    f = fopen(b, "w");
    CHECK(f);
    fclose(f);
    CHECK_INT_EQ(live_output_name(dir, "avi", t, c, sizeof c), 0);
    CHECK_STR_CONTAINS(c, "-2.avi");
    remove(a);
    remove(b);
    rmdir(dir);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"quit_keys", test_quit_keys},
        {"toggles", test_toggles},
        {"stages", test_stages},
        {"thresholds", test_thresholds},
        {"min_face", test_min_face},
        {"help_lists_every_key", test_help_lists_every_key},
        {"hud_text_follows_state", test_hud_text_follows_state},
        {"vcam_view_key", test_vcam_view_key},
        {"command_line", test_command_line},
        {"output_names", test_output_names},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
