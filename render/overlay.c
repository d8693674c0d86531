/* overlay.c - face boxes, landmarks, scores and candidates drawn into RGB24 frames. */
#include "overlay.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "font.h"

/* Coordinates far outside any frame are pulled in to this range before they become ints, so
 * huge or infinite boxes neither overflow nor take long to clip. */
#define COORD_LIMIT 1000000.0f

void render_overlay_style_default(render_overlay_style *style)
{
    memset(style, 0, sizeof *style);
    style->box = (render_color){0, 230, 0};
    style->text = (render_color){0, 0, 0};
    style->candidates[0] = (render_color){70, 90, 170};  /* P-Net: dim blue */
    style->candidates[1] = (render_color){170, 120, 40}; /* R-Net: dim orange */
    style->candidates[2] = (render_color){140, 140, 140}; /* O-Net: grey */
    style->landmarks[0] = (render_color){255, 40, 40};   /* left eye: red */
    style->landmarks[1] = (render_color){40, 120, 255};  /* right eye: blue */
    style->landmarks[2] = (render_color){255, 230, 0};   /* nose: yellow */
    style->landmarks[3] = (render_color){255, 0, 255};   /* left mouth: magenta */
    style->landmarks[4] = (render_color){0, 230, 230};   /* right mouth: cyan */
    style->show_landmarks = 1;
    style->show_scores = 1;
}

static int min_side(int width, int height) { return width < height ? width : height; }

int render_overlay_thickness(const render_overlay_style *style, int width, int height)
{
    if (style->thickness > 0)
        return style->thickness;
    int t = min_side(width, height) / 240;
    return t < 2 ? 2 : t;
}

int render_overlay_landmark_radius(const render_overlay_style *style, int width, int height)
{
    if (style->landmark_radius > 0)
        return style->landmark_radius;
    return render_overlay_thickness(style, width, height) + 1;
}

int render_overlay_text_scale(const render_overlay_style *style, int width, int height)
{
    if (style->text_scale > 0)
        return style->text_scale;
    int s = min_side(width, height) / 360;
    return s < 1 ? 1 : s;
}

static void put_pixel(mtcam_frame *frame, int x, int y, render_color c)
{
    if (x < 0 || y < 0 || x >= frame->width || y >= frame->height)
        return;
    uint8_t *p = frame->data + (ptrdiff_t)y * frame->stride + (ptrdiff_t)x * 3;
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
}

int render_overlay_clip_rect(const mtcam_frame *frame, int *x1, int *y1, int *x2, int *y2)
{
    if (*x1 < 0)
        *x1 = 0;
    if (*y1 < 0)
        *y1 = 0;
    if (*x2 >= frame->width)
        *x2 = frame->width - 1;
    if (*y2 >= frame->height)
        *y2 = frame->height - 1;
    return *x1 <= *x2 && *y1 <= *y2;
}

void render_overlay_fill_rect(mtcam_frame *frame, int x1, int y1, int x2, int y2,
                              render_color color)
{
    if (!render_overlay_clip_rect(frame, &x1, &y1, &x2, &y2))
        return; /* wholly outside */
    for (int y = y1; y <= y2; y++) {
        uint8_t *p = frame->data + (ptrdiff_t)y * frame->stride + (ptrdiff_t)x1 * 3;
        for (int x = x1; x <= x2; x++, p += 3) {
            p[0] = color.r;
            p[1] = color.g;
            p[2] = color.b;
        }
    }
}

/* round(v) as an int, with v pulled into +-COORD_LIMIT first. NaN gives 0; callers reject
 * NaN boxes before getting here. */
static int to_pixel(float v)
{
    if (!(v > -COORD_LIMIT))
        v = -COORD_LIMIT;
    if (v > COORD_LIMIT)
        v = COORD_LIMIT;
    return (int)lroundf(v);
}

static int box_is_finite(const float box[4])
{
    return !isnan(box[0]) && !isnan(box[1]) && !isnan(box[2]) && !isnan(box[3]);
}

void render_overlay_box(mtcam_frame *frame, const float box[4], int thickness,
                        render_color color)
{
    if (!box_is_finite(box) || thickness < 1)
        return;
    int x1 = to_pixel(box[0]), y1 = to_pixel(box[1]);
    int x2 = to_pixel(box[2]), y2 = to_pixel(box[3]);
    if (x2 < x1 || y2 < y1)
        return;
    if (x2 - x1 + 1 <= 2 * thickness || y2 - y1 + 1 <= 2 * thickness) {
        render_overlay_fill_rect(frame, x1, y1, x2, y2, color); /* too small for a hole */
        return;
    }
    int t = thickness - 1;
    render_overlay_fill_rect(frame, x1, y1, x2, y1 + t, color);     /* top */
    render_overlay_fill_rect(frame, x1, y2 - t, x2, y2, color);     /* bottom */
    render_overlay_fill_rect(frame, x1, y1 + t + 1, x1 + t, y2 - t - 1, color); /* left */
    render_overlay_fill_rect(frame, x2 - t, y1 + t + 1, x2, y2 - t - 1, color); /* right */
}

void render_overlay_disc(mtcam_frame *frame, float cx, float cy, int radius,
                         render_color color)
{
    if (isnan(cx) || isnan(cy) || radius < 0)
        return;
    int x0 = to_pixel(cx), y0 = to_pixel(cy);
    for (int dy = -radius; dy <= radius; dy++) {
        int y = y0 + dy;
        if (y < 0 || y >= frame->height)
            continue;
        for (int dx = -radius; dx <= radius; dx++)
            if (dx * dx + dy * dy <= radius * radius)
                put_pixel(frame, x0 + dx, y, color);
    }
}

int render_overlay_text_width(const char *text, int scale)
{
    size_t n = strlen(text);
    return n ? (int)(n * RENDER_FONT_ADVANCE - 1) * scale : 0;
}

int render_overlay_text(mtcam_frame *frame, int x, int y, const char *text, int scale,
                        render_color color)
{
    if (scale < 1)
        scale = 1;
    for (size_t i = 0; text[i]; i++) {
        int gx = x + (int)i * RENDER_FONT_ADVANCE * scale;
        if (gx >= frame->width)
            break;
        for (int row = 0; row < RENDER_FONT_HEIGHT; row++)
            for (int col = 0; col < RENDER_FONT_WIDTH; col++)
                if (render_font_pixel(text[i], col, row))
                    render_overlay_fill_rect(frame, gx + col * scale, y + row * scale,
                                             gx + col * scale + scale - 1,
                                             y + row * scale + scale - 1, color);
    }
    return render_overlay_text_width(text, scale);
}

/* The score (after "#id" for a tracked face) on a label of the box colour: above the box's
 * top-left corner, or inside the box under its top edge when there is no room above; kept
 * within the frame sideways. score_label places it (rect: inclusive; 0 when the box is not in
 * the frame, where a label pulled inside would point at nothing), draw_score draws it there. */
static int score_label(const mtcam_frame *frame, const mtcnn_face *face, int thickness,
                       int scale, char text[32], int rect[4])
{
    int bx1 = to_pixel(face->box[0]), by1 = to_pixel(face->box[1]);
    int bx2 = to_pixel(face->box[2]), by2 = to_pixel(face->box[3]);
    if (bx2 < 0 || by2 < 0 || bx1 >= frame->width || by1 >= frame->height || bx2 < bx1 ||
        by2 < by1)
        return 0;
    /* A tracked face shows its id first, so a viewer sees which track is which. */
    if (face->id > 0)
        snprintf(text, 32, "#%d %.3f", face->id, (double)face->score);
    else
        snprintf(text, 32, "%.3f", (double)face->score);
    int pad = scale;
    int label_w = render_overlay_text_width(text, scale) + 2 * pad;
    int label_h = RENDER_FONT_HEIGHT * scale + 2 * pad;
    int x = bx1, y = by1 - label_h;
    if (y < 0)
        y = by1 + thickness;
    if (x + label_w > frame->width)
        x = frame->width - label_w;
    if (x < 0)
        x = 0;
    rect[0] = x;
    rect[1] = y;
    rect[2] = x + label_w - 1;
    rect[3] = y + label_h - 1;
    return 1;
}

static void draw_score(mtcam_frame *frame, const mtcnn_face *face, int thickness, int scale,
                       const render_overlay_style *style)
{
    char text[32];
    int r[4];
    if (!score_label(frame, face, thickness, scale, text, r))
        return;
    render_overlay_fill_rect(frame, r[0], r[1], r[2], r[3], style->box);
    render_overlay_text(frame, r[0] + scale, r[1] + scale, text, scale, style->text);
}

/* Grows the inclusive rectangle `acc` to hold `r`. */
static void grow(int acc[4], const int r[4])
{
    acc[0] = r[0] < acc[0] ? r[0] : acc[0];
    acc[1] = r[1] < acc[1] ? r[1] : acc[1];
    acc[2] = r[2] > acc[2] ? r[2] : acc[2];
    acc[3] = r[3] > acc[3] ? r[3] : acc[3];
}

int render_overlay_face_extent(const mtcam_frame *frame, const mtcnn_face *face,
                               const render_overlay_style *style, int rect[4])
{
    if (!box_is_finite(face->box))
        return 0;
    int t = render_overlay_thickness(style, frame->width, frame->height);
    int radius = render_overlay_landmark_radius(style, frame->width, frame->height);
    int scale = render_overlay_text_scale(style, frame->width, frame->height);
    int acc[4] = {to_pixel(face->box[0]), to_pixel(face->box[1]), to_pixel(face->box[2]),
                  to_pixel(face->box[3])};
    if (style->show_landmarks && face->has_landmarks)
        for (int k = 0; k < 5; k++) {
            float cx = face->landmarks[k][0], cy = face->landmarks[k][1];
            if (isnan(cx) || isnan(cy))
                continue;
            int d[4] = {to_pixel(cx) - radius, to_pixel(cy) - radius, to_pixel(cx) + radius,
                        to_pixel(cy) + radius};
            grow(acc, d);
        }
    char text[32];
    int label[4];
    if (style->show_scores && score_label(frame, face, t, scale, text, label))
        grow(acc, label);
    memcpy(rect, acc, sizeof acc);
    return 1;
}

void render_overlay_draw_faces(mtcam_frame *frame, const mtcnn_face *faces, int count,
                               const render_overlay_style *style)
{
    if (!frame || !frame->data || !faces || count <= 0 || !style)
        return;
    int t = render_overlay_thickness(style, frame->width, frame->height);
    int radius = render_overlay_landmark_radius(style, frame->width, frame->height);
    int scale = render_overlay_text_scale(style, frame->width, frame->height);
    for (int i = 0; i < count; i++)
        render_overlay_box(frame, faces[i].box, t, style->box);
    if (style->show_landmarks)
        for (int i = 0; i < count; i++)
            if (faces[i].has_landmarks)
                for (int k = 0; k < 5; k++)
                    render_overlay_disc(frame, faces[i].landmarks[k][0],
                                        faces[i].landmarks[k][1], radius, style->landmarks[k]);
    if (style->show_scores)
        for (int i = 0; i < count; i++)
            if (box_is_finite(faces[i].box))
                draw_score(frame, &faces[i], t, scale, style);
}

void render_overlay_draw_candidates(mtcam_frame *frame, int stage, const mtcnn_face *boxes,
                                    int count, const render_overlay_style *style)
{
    if (!frame || !frame->data || !boxes || count <= 0 || !style || !style->show_candidates ||
        stage < 1 || stage > 3)
        return;
    int t = render_overlay_thickness(style, frame->width, frame->height) / 2;
    if (t < 1)
        t = 1;
    for (int i = 0; i < count; i++)
        render_overlay_box(frame, boxes[i].box, t, style->candidates[stage - 1]);
}
