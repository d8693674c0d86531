/* live-hud.c - HUD text and the drawing order: candidates, faces, HUD, help. */
#include "live-hud.h"

#include <stdio.h>
#include <string.h>

static const char *const stage_names[3] = {"P-Net", "R-Net", "O-Net"};

static void format_size(char *buf, size_t size, int64_t bytes)
{
    if (bytes >= 1000000000LL)
        snprintf(buf, size, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1000000LL)
        snprintf(buf, size, "%.1f MB", bytes / 1e6);
    else
        snprintf(buf, size, "%lld kB", (long long)(bytes / 1000));
}

int live_hud_lines(const live_hud_info *in, char lines[][LIVE_HUD_LINE], int max)
{
    const live_view *v = in->view;
    const live_result *r = in->result;
    int n = 0;
#define LINE(...)                                                                             \
    do {                                                                                      \
        if (n < max)                                                                          \
            snprintf(lines[n++], LIVE_HUD_LINE, __VA_ARGS__);                                 \
    } while (0)

    char age[64] = "no detection yet";
    if (r->count > 0) {
        double ms = (in->shown_timestamp_ns - r->timestamp_ns) * 1e-6;
        long long frames = (long long)in->shown_seq - (long long)r->seq;
        snprintf(age, sizeof age, "boxes %lld fr / %.0f ms old", frames, ms < 0 ? 0.0 : ms);
    }
    LINE("capture %5.1f fps  detect %5.1f fps  %s%s", in->capture_fps, r->fps, age,
         v->paused ? "  PAUSED" : "");
    const mtcnn_stats *s = &r->stats;
    double stage_ms[3] = {s->ms_pnet, s->ms_rnet, s->ms_onet};
    int stage_n[3] = {s->n_pnet, s->n_rnet, s->n_onet};
    for (int i = 0; i < 3; i++) {
        char sel = v->selected == i ? '>' : ' ';
        if (i < v->stages && r->count > 0 && i < r->stages)
            LINE("%c%s t%d %.2f %7.1f ms %5d %s", sel, stage_names[i], i + 1,
                 (double)v->thresholds[i], stage_ms[i], stage_n[i],
                 i == r->stages - 1 ? "faces" : "boxes");
        else
            LINE("%c%s t%d %.2f %s", sel, stage_names[i], i + 1, (double)v->thresholds[i],
                 i < v->stages ? "" : "  off");
    }
    LINE("min face %.0f px  stages 1-%d  total %.1f ms  %s", (double)v->min_face, v->stages,
         r->count > 0 ? r->ms : 0.0, r->count > 0 ? mtcnn_precision_name(r->precision) : "");
    if (!v->tracking)
        LINE("tracking off (t)");
    else if (r->count > 0 && r->tracking)
        LINE("tracking on (t): %s frame, %d face%s", r->mode == MTCNN_FRAME_SCAN ? "scan" : "track",
             r->n_faces, r->n_faces == 1 ? "" : "s");
    else
        LINE("tracking on (t)");
    LINE("dropped: capture %llu  recording %lld", (unsigned long long)in->capture_dropped,
         (long long)in->rec_dropped);
    if (in->recording) {
        char size[32];
        format_size(size, sizeof size, in->rec_bytes);
        int secs = (int)in->rec_elapsed_s;
        LINE("REC %02d:%02d:%02d  %s  %lld frames", secs / 3600, secs / 60 % 60, secs % 60, size,
             (long long)in->rec_frames);
    }
    if (in->rec_error && *in->rec_error)
        LINE("recording stopped: %s", in->rec_error);
    if (r->error)
        LINE("detection failed: %.120s", r->message);
    if (in->vcam_line && *in->vcam_line)
        LINE("%s", in->vcam_line);
    if (in->capture_status && *in->capture_status)
        LINE("%s", in->capture_status);
    if (in->message && *in->message)
        LINE("%s", in->message);
#undef LINE
    return n;
}

int live_hud_font_size(int width, int height)
{
    int side = width < height ? width : height;
    int px = side / 34;
    return px < 11 ? 11 : px;
}

/* The most faces whose drawings the panel keeps off; more are rare (and still mostly off). */
enum { PLACE_MAX_FACES = 64 };

/* The HUD panel's corner for this frame: off the faces drawn (the overlay's extents) and off
 * the REC mark, from the corner it was in; remembered in *in->corner. */
static hud_corner place_panel(const mtcam_frame *frame, hud *h, const live_hud_info *in,
                              const render_overlay_style *style, int pw, int ph, int margin,
                              const char *const rec[1])
{
    if (!in->corner)
        return HUD_TOP_LEFT;
    int avoid[PLACE_MAX_FACES + 1][4];
    int n = 0;
    const live_result *r = in->result;
    if (r->count > 0 && !r->error)
        for (int i = 0; i < r->n_faces && n < PLACE_MAX_FACES; i++)
            n += render_overlay_face_extent(frame, &r->faces[i], style, avoid[n]);
    if (in->recording) {
        int rw, rh;
        hud_block_size(h, rec, 1, &rw, &rh);
        hud_corner_rect(frame->width, frame->height, rw, rh, margin, HUD_TOP_RIGHT, avoid[n++]);
    }
    *in->corner = hud_pick_corner(frame->width, frame->height, pw, ph, margin,
                                  (const int(*)[4])avoid, n, *in->corner);
    return *in->corner;
}

void live_hud_draw(mtcam_frame *frame, hud *h, const live_hud_info *in)
{
    const live_view *v = in->view;
    const live_result *r = in->result;
    render_overlay_style style;
    render_overlay_style_default(&style);
    style.show_landmarks = v->landmarks;
    style.show_candidates = v->candidates;
    if (r->count > 0 && !r->error) {
        if (v->candidates)
            for (int s = 1; s <= 2; s++)
                if (s < r->stages)
                    render_overlay_draw_candidates(frame, s, r->stage_boxes[s - 1],
                                                   r->n_stage_boxes[s - 1], &style);
        render_overlay_draw_faces(frame, r->faces, r->n_faces, &style);
    }
    if (!h)
        return;
    hud_set_size(h, live_hud_font_size(frame->width, frame->height));
    char lines[LIVE_HUD_MAX_LINES][LIVE_HUD_LINE];
    const char *ptrs[LIVE_HUD_MAX_LINES];
    int n = live_hud_lines(in, lines, LIVE_HUD_MAX_LINES);
    for (int i = 0; i < n; i++)
        ptrs[i] = lines[i];
    render_color white = {255, 255, 255}, red = {255, 64, 64}, yellow = {255, 230, 80};
    int margin = hud_size(h) / 2;
    const char *rec[] = {"\xe2\x97\x8f REC"};
    int panel_w, panel_h;
    hud_block_size(h, ptrs, n, &panel_w, &panel_h);
    hud_corner corner = place_panel(frame, h, in, &style, panel_w, panel_h, margin, rec);
    int rect[4];
    hud_corner_rect(frame->width, frame->height, panel_w, panel_h, margin, corner, rect);
    hud_draw_block(h, frame, rect[0], rect[1], 0, ptrs, n, white, NULL, NULL);
    if (in->recording) /* a red dot in the top right corner, as cameras show it */
        hud_draw_block(h, frame, frame->width - 1 - margin, margin, 1, rec, 1, red, NULL, NULL);
    if (v->help) {
        int count = 0;
        while (live_keys_help[count])
            count++;
        int lw = 0;
        for (int i = 0; i < count; i++) {
            int w = hud_text_width(h, live_keys_help[i]);
            lw = w > lw ? w : lw;
        }
        int ph = (count + 2) * hud_line_height(h);
        const char *title[] = {"mtcam keys"};
        int x = (frame->width - lw) / 2, y = (frame->height - ph) / 2;
        hud_draw_block(h, frame, x, y, 0, title, 1, yellow, NULL, NULL);
        hud_draw_block(h, frame, x, y + 2 * hud_line_height(h), 0, live_keys_help, count, white,
                       NULL, NULL);
    }
}
