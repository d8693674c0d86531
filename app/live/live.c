/* live.c - mtcam's render loop. It never waits for detection: every captured frame is shown
 * (and recorded) with the newest detections, whatever frame they came from; the HUD says how
 * old they are. Detection always gets the newest frame. */
#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "clock.h"
#include "err.h"
#include "face-crops.h"
#include "hud.h"
#include "image-write.h"
#include "live-hud.h"
#include "model-path.h"
#include "output-check.h"
#include "record.h"
#include "thread.h"

static atomic_int stop_requested;

void live_request_stop(void) { atomic_store(&stop_requested, 1); }

int live_output_name(const char *dir, const char *ext, long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return mtcam_set_error(MTCNN_EINVAL, "bad time");
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const char *d = dir && *dir ? dir : ".";
    for (int n = 0; n < 10000; n++) {
        char suffix[16] = "";
        if (n > 0)
            snprintf(suffix, sizeof suffix, "-%d", n);
        int len = snprintf(buf, size, "%s/mtcam-%s%s.%s", d, stamp, suffix, ext);
        if (len < 0 || (size_t)len >= size)
            return mtcam_set_error(MTCNN_EINVAL, "%s: folder name too long", d);
        if (access(buf, F_OK) != 0 && errno == ENOENT)
            return 0;
    }
    return mtcam_set_error(MTCNN_EBUSY, "%s: no free name for mtcam-%s.%s", d, stamp, ext);
}

/* $XDG_<kind>_DIR when it names a folder, else the current one. */
static const char *output_dir(const char *env)
{
    const char *d = getenv(env);
    struct stat st;
    if (d && *d && stat(d, &st) == 0 && S_ISDIR(st.st_mode))
        return d;
    return ".";
}

typedef struct live {
    const live_config *cfg;
    live_view view;
    capture_thread *capture;
    live_detect *detect;
    mtcnn_model *model;
    hud *hud;
    hud_corner hud_corner; /* where the HUD panel is: it moves off faces and stays there */
    render_window *window;
    recorder *rec;
    live_vcam *vcam;
    char vcam_line[LIVE_HUD_LINE];
    mtcam_frame cur, shown;
    int have_frame;
    live_result result;
    double nominal_fps; /* the source's own rate (capture_rate) */
    int camera;         /* a V4L2 source: its rate is measured for recordings */
    char snapshot_path[4096];
    char crops_prefix[4096];
    int crops_count;
    mtcnn_face *crops_faces; /* the faces of the last crops: L->result moves on */
    int crops_n_faces;
    char record_path[4096];
    char rec_error[512];
    long long rec_frames_last, rec_dropped_last;
    char message[8192];
    int64_t message_until_ns;
    int status;
} live;

static void say(live *L, const char *fmt, const char *arg)
{
    snprintf(L->message, sizeof L->message, fmt, arg);
    L->message_until_ns = mtcam_now_ns() + 3000000000LL;
    fprintf(stderr, "mtcam: %s\n", L->message);
}

static void apply_options(live *L)
{
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.min_face = L->view.min_face;
    for (int i = 0; i < 3; i++)
        o.thresholds[i] = L->view.thresholds[i];
    o.stages = L->view.stages;
    if (L->cfg->threads > 0)
        o.threads = L->cfg->threads;
    o.precision = L->cfg->precision;
    live_detect_set_options(L->detect, &o);
    live_detect_set_tracking(L->detect, L->view.tracking);
}

/* The rate a recording starts with: a file's or the demo's own (every frame of it is
 * recorded, whatever the detector's pace); a camera's measured rate when there is one yet,
 * else its granted one (the recorder then measures it from the frames' timestamps). */
static double record_fps(live *L)
{
    if (L->camera) {
        capture_thread_stats st;
        capture_thread_get_stats(L->capture, &st);
        if (st.fps > 1)
            return st.fps;
    }
    return L->nominal_fps > 0 ? L->nominal_fps : 25.0;
}

static void stop_recording(live *L)
{
    if (!L->rec)
        return;
    record_status st;
    int rc = record_stop(L->rec, &st);
    L->rec = NULL;
    L->rec_frames_last = st.frames_written;
    L->rec_dropped_last = st.frames_dropped;
    if (rc < 0) {
        snprintf(L->rec_error, sizeof L->rec_error, "%s", mtcam_last_error());
        fprintf(stderr, "mtcam: recording stopped: %s (%lld frames kept in %s)\n", L->rec_error,
                (long long)st.frames_written, L->record_path);
        L->status = 1;
    } else {
        char scaled[80] = "";
        if (st.frames_scaled)
            snprintf(scaled, sizeof scaled, ", %lld of another size letterboxed",
                     (long long)st.frames_scaled);
        fprintf(stderr, "mtcam: recorded %lld frames (%lld dropped%s) at %.4g fps to %s\n",
                (long long)st.frames_written, (long long)st.frames_dropped, scaled, st.fps,
                L->record_path);
    }
}

static void start_recording(live *L, const char *path)
{
    if (!L->have_frame)
        return;
    if (path) {
        snprintf(L->record_path, sizeof L->record_path, "%s", path);
    } else if (live_output_name(output_dir("XDG_VIDEOS_DIR"), "avi", (long long)time(NULL),
                                L->record_path, sizeof L->record_path) < 0) {
        say(L, "cannot record: %s", mtcam_last_error());
        return;
    }
    record_options o = {.width = L->cur.width,
                        .height = L->cur.height,
                        .fps = record_fps(L),
                        .measure_fps = L->camera,
                        .exclusive = 1};
    if (record_start(L->record_path, &o, &L->rec) < 0) {
        snprintf(L->rec_error, sizeof L->rec_error, "%s", mtcam_last_error());
        say(L, "cannot record: %s", L->rec_error);
        L->status = 1;
        return;
    }
    L->rec_error[0] = '\0';
    fprintf(stderr, "mtcam: recording to %s (%dx%d, %.2f fps)\n", L->record_path, o.width,
            o.height, o.fps);
}

static void snapshot(live *L)
{
    if (!L->have_frame)
        return;
    char path[4096];
    if (live_output_name(output_dir("XDG_PICTURES_DIR"), "png", (long long)time(NULL), path,
                         sizeof path) < 0 ||
        render_image_write_png(path, &L->shown) < 0) {
        say(L, "snapshot failed: %s", mtcam_last_error());
        return;
    }
    snprintf(L->snapshot_path, sizeof L->snapshot_path, "%s", path);
    say(L, "saved %s", path);
}

/* <dir>/mtcam-YYYYMMDD-HHMMSS[-n]: the first whose "-face0.png" is free. */
static int crops_prefix(const char *dir, char *buf, size_t size)
{
    char base[4096];
    if (live_output_name(dir, "png", (long long)time(NULL), base, sizeof base) < 0)
        return -1;
    base[strlen(base) - strlen(".png")] = '\0';
    for (int n = 0; n < 10000; n++) {
        char probe[4200];
        int len = n ? snprintf(buf, size, "%s-%d", base, n) : snprintf(buf, size, "%s", base);
        if (len < 0 || (size_t)len >= size)
            return mtcam_set_error(MTCNN_EINVAL, "%s: name too long", base);
        snprintf(probe, sizeof probe, "%s-face0.png", buf);
        if (access(probe, F_OK) != 0 && errno == ENOENT)
            return 0;
    }
    return mtcam_set_error(MTCNN_EBUSY, "%s: no free name for the crops", base);
}

/* a: the aligned crops of the faces in exactly the frame on screen. The boxes shown may be a
 * frame or two older, so the frame is detected (again) and waited for: tens of milliseconds,
 * once per key press. */
static void save_crops(live *L)
{
    if (!L->have_frame)
        return;
    char prefix[4096];
    int written = 0;
    if (live_detect_submit(L->detect, &L->cur) < 0 || !live_detect_wait_idle(L->detect, 10000)) {
        say(L, "crops failed: %s", "the detector did not finish");
        return;
    }
    live_detect_latest(L->detect, &L->result);
    if (L->result.seq != L->cur.seq || L->result.error) {
        say(L, "crops failed: %s", L->result.error ? L->result.message : "frame changed");
        return;
    }
    if (L->result.stages < 3) {
        say(L, "crops: %s", "no landmarks below stage 3 (press 3)");
        return;
    }
    if (crops_prefix(output_dir("XDG_PICTURES_DIR"), prefix, sizeof prefix) < 0 ||
        render_write_face_crops(prefix, &L->cur, L->result.faces, L->result.n_faces,
                                &written) < 0) {
        say(L, "crops failed: %s", mtcam_last_error());
        return;
    }
    snprintf(L->crops_prefix, sizeof L->crops_prefix, "%s", prefix);
    L->crops_count = written;
    /* The render loop replaces L->result with newer detections (or tracks): keep these. */
    mtcnn_face *kept = realloc(L->crops_faces, (size_t)(L->result.n_faces + 1) * sizeof *kept);
    if (kept) {
        memcpy(kept, L->result.faces, (size_t)L->result.n_faces * sizeof *kept);
        L->crops_faces = kept;
        L->crops_n_faces = L->result.n_faces;
    }
    char msg[4200];
    snprintf(msg, sizeof msg, "%d face crop%s: %s-face*.png", written, written == 1 ? "" : "s",
             prefix);
    say(L, "saved %s", msg);
}

/* One JSON line; -1 when stdout cannot take it (the reason is printed once). */
static int print_json(const live_result *r)
{
    /* mode: "scan" / "track" frames of the tracker, "detect" without it; id 0 = untracked. */
    const char *mode = !r->tracking ? "detect" : r->mode == MTCNN_FRAME_SCAN ? "scan" : "track";
    printf("{\"frame\": %llu, \"mode\": \"%s\", \"ms\": %.2f, \"faces\": [",
           (unsigned long long)r->seq, mode, r->ms);
    for (int i = 0; i < r->n_faces; i++) {
        const mtcnn_face *f = &r->faces[i];
        printf("%s{\"id\": %d, \"box\": [%.1f, %.1f, %.1f, %.1f], \"score\": %.4f",
               i ? ", " : "", f->id, (double)f->box[0], (double)f->box[1], (double)f->box[2],
               (double)f->box[3], (double)f->score);
        if (f->has_landmarks) {
            printf(", \"landmarks\": [");
            for (int k = 0; k < 5; k++)
                printf("%s[%.1f, %.1f]", k ? ", " : "", (double)f->landmarks[k][0],
                       (double)f->landmarks[k][1]);
            printf("]");
        }
        printf("}");
    }
    printf("]}\n");
    return app_flush_stdout("mtcam");
}

/* Draws the current frame with everything on it into L->shown. */
static int compose(live *L, char lines[][LIVE_HUD_LINE], int *n_lines)
{
    capture_thread_stats cs;
    capture_thread_get_stats(L->capture, &cs);
    record_status rs = {0};
    if (L->rec)
        record_get_status(L->rec, &rs);
    if (L->message[0] && mtcam_now_ns() > L->message_until_ns)
        L->message[0] = '\0';
    live_hud_info info = {
        .view = &L->view,
        .result = &L->result,
        .capture_fps = cs.fps,
        .shown_seq = L->cur.seq,
        .shown_timestamp_ns = L->cur.timestamp_ns,
        .capture_dropped = cs.dropped,
        .capture_status = cs.state == CAPTURE_THREAD_RUNNING ? NULL : cs.status,
        .recording = L->rec != NULL,
        .rec_elapsed_s = rs.elapsed_s,
        .rec_bytes = rs.bytes,
        .rec_frames = rs.frames_written,
        .rec_dropped = rs.frames_dropped,
        .rec_error = L->rec_error,
        .message = L->message,
        .corner = &L->hud_corner,
        .vcam_line = L->vcam_line,
    };
    live_vcam_hud_line(L->vcam, (live_vcam_view)L->view.vcam_view, L->vcam_line,
                       sizeof L->vcam_line);
    int rc = mtcam_frame_copy(&L->shown, &L->cur);
    if (rc < 0)
        return rc;
    live_hud_draw(&L->shown, L->hud, &info);
    *n_lines = live_hud_lines(&info, lines, LIVE_HUD_MAX_LINES);
    return 0;
}

/* Problems the source steps over (a file of a folder that does not decode, a corrupt frame):
 * one line each on stderr, from whichever thread met them. */
static void print_capture_warning(void *user, const char *message)
{
    (void)user;
    fprintf(stderr, "mtcam: warning: %s\n", message);
}

static int open_source(live *L)
{
    const live_config *cfg = L->cfg;
    capture_options co;
    capture_options_default(&co);
    co.on_warning = print_capture_warning;
    co.width = cfg->width;
    co.height = cfg->height;
    co.fps = cfg->fps;
    capture_source *src = NULL;
    int rc;
    if (cfg->source) {
        rc = capture_open(cfg->source, &co, &src);
    } else {
        rc = capture_open("/dev/video0", &co, &src);
        if (rc < 0) {
            fprintf(stderr, "mtcam: no camera (%s); showing the demo source\n",
                    mtcam_last_error());
            rc = capture_open("demo", &co, &src);
        }
    }
    if (rc < 0)
        return rc;
    fprintf(stderr, "mtcam: %s\n", capture_describe(src));
    L->nominal_fps = capture_rate(src);
    L->camera = strcmp(capture_kind(src), "v4l2") == 0;
    /* Headless, every frame of a file or the demo is processed (the output is then a function
     * of the input): the capture thread hands each one over (cameras still drop, and their
     * frame numbers show the gaps). */
    const capture_thread_options topt = {.lossless = cfg->headless};
    return capture_thread_start(src, &topt, &L->capture);
}

static void handle_key(live *L, int key)
{
    live_view before = L->view;
    switch (live_keys_apply(&before, key, &L->view)) {
    case LIVE_ACTION_QUIT:
        live_request_stop();
        break;
    case LIVE_ACTION_SNAPSHOT:
        snapshot(L);
        break;
    case LIVE_ACTION_CROPS:
        save_crops(L);
        break;
    case LIVE_ACTION_RECORD:
        if (L->rec)
            stop_recording(L);
        else
            start_recording(L, NULL);
        break;
    case LIVE_ACTION_FULLSCREEN:
        if (L->window && window_set_fullscreen(L->window, L->view.fullscreen) < 0)
            say(L, "%s", mtcam_last_error());
        break;
    case LIVE_ACTION_DETECT:
        apply_options(L);
        /* Paused: detect the frame on screen again so the change shows at once. */
        if (L->view.paused && L->have_frame)
            live_detect_submit(L->detect, &L->cur);
        break;
    case LIVE_ACTION_VCAM_VIEW:
        if (L->vcam)
            say(L, "virtual camera: %s view", live_vcam_view_name(L->view.vcam_view));
        else
            say(L, "%s", "no virtual camera (start mtcam with --output /dev/videoN)");
        break;
    case LIVE_ACTION_NONE:
        break;
    }
}

/* The virtual camera, opened at the first frame (its size is the default output size). */
static int start_vcam(live *L)
{
    if (live_vcam_start(&L->cfg->output, L->cur.width, L->cur.height, record_fps(L),
                        &L->vcam) < 0) {
        fprintf(stderr, "mtcam: %s\n", mtcam_last_error());
        return -1;
    }
    char what[700];
    live_vcam_describe(L->vcam, (live_vcam_view)L->view.vcam_view, what, sizeof what);
    fprintf(stderr, "mtcam: virtual camera: %s\n", what);
    return 0;
}

static void stop_vcam(live *L)
{
    if (!L->vcam)
        return;
    long long sent, dropped;
    live_vcam_stop(L->vcam, &sent, &dropped);
    L->vcam = NULL;
    fprintf(stderr, "mtcam: virtual camera: %lld frames sent, %lld dropped\n", sent, dropped);
}

static void teardown(live *L)
{
    stop_recording(L);
    stop_vcam(L);
    capture_thread_stop(L->capture);
    live_detect_stop(L->detect);
    live_result_free(&L->result);
    free(L->crops_faces);
    mtcnn_model_free(L->model);
    hud_destroy(L->hud);
    window_destroy(L->window);
    mtcam_frame_free(&L->shown);
    /* cur's buffer came from the capture thread, which is gone: it is ours to free now. */
    mtcam_frame_free(&L->cur);
}

int live_run(const live_config *cfg, const live_hooks *hooks)
{
    live L_ = {.cfg = cfg}, *L = &L_;
    atomic_store(&stop_requested, 0);
    live_view_default(&L->view);
    L->view.min_face = cfg->min_face;
    memcpy(L->view.thresholds, cfg->thresholds, sizeof L->view.thresholds);
    L->view.fullscreen = cfg->fullscreen;
    L->view.vcam_view = (int)cfg->output.view;
    L->view.tracking = cfg->track;

    int rc = app_model_load(cfg->model, &L->model);
    if (rc < 0) {
        fprintf(stderr, "mtcam: %s\n", mtcam_last_error());
        return 1;
    }
    mtcnn_options o;
    mtcnn_options_default(&o);
    o.precision = cfg->precision; /* refused here, with the reason, when it cannot run */
    if ((rc = live_detect_start(L->model, &o, &L->detect)) < 0)
        goto fail;
    apply_options(L);
    if ((rc = hud_create(NULL, 14, &L->hud)) < 0) {
        /* Not fatal: the overlay still works, only the text is missing. */
        fprintf(stderr, "mtcam: no HUD text: %s\n", mtcam_last_error());
        L->hud = NULL;
    }
    if ((rc = open_source(L)) < 0)
        goto fail;

    long shown_frames = 0;
    int64_t last_present = 0;
    int ended = 0, record_tried = 0, vcam_tried = 0;
    while (!atomic_load(&stop_requested)) {
        int dirty = 0;
        if (L->window) {
            window_event ev;
            while (window_poll_event(L->window, &ev)) {
                if (ev.type == WINDOW_EVENT_QUIT)
                    live_request_stop();
                else if (ev.type == WINDOW_EVENT_KEY)
                    handle_key(L, ev.key);
                dirty = 1;
            }
            if (atomic_load(&stop_requested))
                break;
        }
        int new_frame = 0;
        if (!L->view.paused && !ended) {
            uint64_t seq;
            /* Short waits keep the keys responsive; the display's vsync paces presents. */
            rc = capture_thread_wait(L->capture, &L->cur, &seq, L->window ? 8 : 200);
            if (rc == 1) {
                new_frame = 1;
                L->have_frame = 1;
            } else if (rc < 0) {
                if (rc != MTCNN_EEOF) {
                    fprintf(stderr, "mtcam: %s\n", mtcam_last_error());
                    L->status = 1;
                } else if (!L->have_frame) {
                    fprintf(stderr, "mtcam: %s: ended before its first frame\n",
                            cfg->source ? cfg->source : "source");
                    L->status = 1;
                }
                ended = 1;
                if (!L->window)
                    break;
            }
        } else {
            struct timespec ts = {0, 8000000L};
            nanosleep(&ts, NULL);
        }
        if (new_frame)
            live_detect_submit(L->detect, &L->cur);
        /* Headless: the result of this very frame before the next (none is skipped). */
        if (new_frame && cfg->headless)
            live_detect_wait_idle(L->detect, 60000);
        if (live_detect_latest(L->detect, &L->result)) {
            dirty = 1;
            if (cfg->json && print_json(&L->result) < 0) {
                L->status = 1; /* the detections were the point of --json */
                break;
            }
        }
        if (!L->have_frame)
            continue;
        if (!L->window && !new_frame)
            continue; /* headless: one composed frame per captured frame */
        /* Nothing new: still refresh 4 times a second for the HUD's clocks. */
        if (L->window && !new_frame && !dirty && mtcam_now_ns() - last_present < 250000000LL)
            continue;
        if (!cfg->headless && !L->window) {
            /* Opened at the first frame, so the window gets the frame's size. */
            if ((rc = window_create("mtcam", L->cur.width, L->cur.height, cfg->fullscreen,
                                    &L->window)) < 0)
                goto fail;
        }
        if (cfg->record && !record_tried) {
            record_tried = 1;
            start_recording(L, cfg->record);
            if (!L->rec) {
                teardown(L);
                return 1; /* start_recording said why */
            }
        }
        if (cfg->output.path && !vcam_tried) {
            vcam_tried = 1;
            if (start_vcam(L) < 0) {
                teardown(L);
                return 1; /* start_vcam said why */
            }
        }
        char lines[LIVE_HUD_MAX_LINES][LIVE_HUD_LINE];
        int n_lines = 0;
        if ((rc = compose(L, lines, &n_lines)) < 0)
            goto fail;
        if (L->window && (rc = window_present(L->window, &L->shown)) < 0)
            goto fail;
        last_present = mtcam_now_ns();
        if (new_frame && L->vcam) {
            live_vcam_push(L->vcam, (live_vcam_view)L->view.vcam_view, &L->cur, &L->shown,
                           &L->result);
            const char *event = live_vcam_event(L->vcam);
            if (event)
                say(L, "%s", event); /* once per failure or recovery: stderr and the HUD */
        }
        if (new_frame && L->rec) {
            int prc = record_push(L->rec, &L->shown);
            if (prc < 0) {
                stop_recording(L); /* says why on stderr, keeps it on the HUD */
                if (cfg->headless && cfg->record)
                    break; /* recording was the point of this run */
            }
        }
        if (hooks && hooks->after_frame) {
            const char *ptrs[LIVE_HUD_MAX_LINES];
            for (int i = 0; i < n_lines; i++)
                ptrs[i] = lines[i];
            live_frame_info fi = {
                .window = L->window,
                .shown = &L->shown,
                .view = &L->view,
                .result = &L->result,
                .hud_lines = ptrs,
                .n_hud_lines = n_lines,
                .new_frame = new_frame,
                .recording = L->rec != NULL,
                .rec_frames_last = L->rec_frames_last,
                .rec_dropped_last = L->rec_dropped_last,
                .last_snapshot = L->snapshot_path,
                .last_crops = L->crops_prefix,
                .last_crops_count = L->crops_count,
                .last_crops_faces = L->crops_faces,
                .last_crops_n_faces = L->crops_n_faces,
                .last_recording = L->record_path,
            };
            if (hooks->after_frame(hooks->user, &fi))
                live_request_stop();
        }
        if (new_frame && cfg->frames > 0 && ++shown_frames >= cfg->frames)
            break;
    }
    if (cfg->record && !record_tried && ended) {
        /* The source ended before any frame (the reason is printed above): nothing was
         * recorded. */
        fprintf(stderr, "mtcam: no recording made: %s: no frame to record\n", cfg->record);
        L->status = 1;
    }
    if (cfg->json) {
        /* Print the detection still running on the last frame, so short runs report. */
        live_detect_wait_idle(L->detect, 30000);
        if (live_detect_latest(L->detect, &L->result) && print_json(&L->result) < 0)
            L->status = 1;
    }
    teardown(L);
    return L->status;
fail:
    fprintf(stderr, "mtcam: %s\n", mtcam_last_error());
    teardown(L);
    return 1;
}
