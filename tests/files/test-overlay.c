/* test-overlay.c - the overlay drawn into RGB frames, checked pixel by pixel: box edges and
 * thickness, clipping (including the stride padding, which must stay untouched), landmark
 * discs in their colours, score labels in the built-in font, candidates, automatic sizes. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "font.h"
#include "overlay.h"

static const render_color BG = {50, 60, 70};
#define PAD_BYTE 0xA5

/* A frame filled with BG, its stride padding set to PAD_BYTE so stray writes show. */
static int make_frame(mtcam_frame *f, int w, int h)
{
    if (mtcam_frame_alloc(f, w, h))
        return -1;
    for (int y = 0; y < h; y++) {
        uint8_t *row = f->data + y * f->stride;
        memset(row, PAD_BYTE, (size_t)f->stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = BG.r;
            row[3 * x + 1] = BG.g;
            row[3 * x + 2] = BG.b;
        }
    }
    return 0;
}

static int is(const mtcam_frame *f, int x, int y, render_color c)
{
    const uint8_t *p = f->data + y * f->stride + 3 * x;
    return p[0] == c.r && p[1] == c.g && p[2] == c.b;
}

static int count_color(const mtcam_frame *f, render_color c)
{
    int n = 0;
    for (int y = 0; y < f->height; y++)
        for (int x = 0; x < f->width; x++)
            n += is(f, x, y, c);
    return n;
}

static int padding_intact(const mtcam_frame *f)
{
    for (int y = 0; y < f->height; y++)
        for (ptrdiff_t i = 3 * f->width; i < f->stride; i++)
            if (f->data[y * f->stride + i] != PAD_BYTE)
                return 0;
    return 1;
}

#define CHECK_PIXEL(f, x, y, c)                                                                    \
    do {                                                                                           \
        const uint8_t *p_ = (f)->data + (y) * (f)->stride + 3 * (x);                               \
        CHECK_MSG(is((f), (x), (y), (c)), "pixel (%d,%d) = (%d,%d,%d), expected (%d,%d,%d)", (x),  \
                  (y), p_[0], p_[1], p_[2], (c).r, (c).g, (c).b);                                  \
    } while (0)

static mtcnn_face face_at(float x1, float y1, float x2, float y2, float score)
{
    mtcnn_face f;
    memset(&f, 0, sizeof f);
    f.box[0] = x1;
    f.box[1] = y1;
    f.box[2] = x2;
    f.box[3] = y2;
    f.score = score;
    return f;
}

static int box_edges(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 100, 80), 0);
    render_overlay_style st;
    render_overlay_style_default(&st);
    st.thickness = 3;
    st.show_scores = 0;
    mtcnn_face face = face_at(10.2f, 20.4f, 60.6f, 50.5f, 0.9f); /* -> 10, 20, 61, 51 */
    render_overlay_draw_faces(&f, &face, 1, &st);
    const render_color B = st.box;
    /* Left side: columns 10..12; right: 59..61; top rows 20..22; bottom 49..51. */
    CHECK_PIXEL(&f, 10, 30, B);
    CHECK_PIXEL(&f, 12, 30, B);
    CHECK_PIXEL(&f, 13, 30, BG);
    CHECK_PIXEL(&f, 9, 30, BG);
    CHECK_PIXEL(&f, 61, 30, B);
    CHECK_PIXEL(&f, 59, 30, B);
    CHECK_PIXEL(&f, 58, 30, BG);
    CHECK_PIXEL(&f, 62, 30, BG);
    CHECK_PIXEL(&f, 35, 20, B);
    CHECK_PIXEL(&f, 35, 22, B);
    CHECK_PIXEL(&f, 35, 23, BG);
    CHECK_PIXEL(&f, 35, 19, BG);
    CHECK_PIXEL(&f, 35, 51, B);
    CHECK_PIXEL(&f, 35, 49, B);
    CHECK_PIXEL(&f, 35, 48, BG);
    CHECK_PIXEL(&f, 35, 52, BG);
    CHECK_PIXEL(&f, 10, 20, B);
    CHECK_PIXEL(&f, 61, 51, B);
    CHECK_PIXEL(&f, 35, 35, BG);
    /* Exactly the ring: 52x32 minus the 46x26 hole. */
    CHECK_INT_EQ(count_color(&f, B), 52 * 32 - 46 * 26);
    CHECK(padding_intact(&f));
    mtcam_frame_free(&f);
    return 0;
}

static int box_clipped(void)
{
    mtcam_frame f, before;
    CHECK_INT_EQ(make_frame(&f, 100, 80), 0);
    render_overlay_style st;
    render_overlay_style_default(&st);
    st.thickness = 3;
    /* Left and top sides outside: only the right (28..30) and bottom (38..40) sides show. */
    mtcnn_face partly = face_at(-20, -10, 30, 40, 0.9f);
    st.show_scores = 0;
    render_overlay_draw_faces(&f, &partly, 1, &st);
    CHECK_PIXEL(&f, 29, 0, st.box);
    CHECK_PIXEL(&f, 0, 39, st.box);
    CHECK_PIXEL(&f, 0, 0, BG);
    CHECK_PIXEL(&f, 27, 10, BG);
    CHECK_INT_EQ(count_color(&f, st.box), 3 * 41 + 3 * 28);
    /* A box over the bottom-right corner. */
    mtcnn_face corner = face_at(90, 70, 130, 120, 0.5f);
    render_overlay_draw_faces(&f, &corner, 1, &st);
    CHECK_PIXEL(&f, 99, 79, BG); /* inside the box, away from its visible sides */
    CHECK_PIXEL(&f, 90, 79, st.box);
    CHECK_PIXEL(&f, 99, 70, st.box);
    CHECK(padding_intact(&f));

    /* Boxes that must change nothing: wholly outside, enclosing the frame with sides far
     * outside, NaN, inverted. With scores on, a label may appear only for drawable boxes. */
    before.data = NULL;
    CHECK_INT_EQ(mtcam_frame_copy(&before, &f), 0);
    mtcnn_face none[] = {
        face_at(200, 200, 300, 300, 0.9f),
        face_at(-300, -300, -200, -200, 0.9f),
        face_at(-1e30f, -1e30f, 1e30f, 1e30f, 0.9f),
        face_at(NAN, 5, 20, 20, 0.9f),
        face_at(-INFINITY, -INFINITY, INFINITY, INFINITY, 0.9f),
        face_at(50, 50, 40, 40, 0.9f),
    };
    render_overlay_draw_faces(&f, none, (int)(sizeof none / sizeof none[0]), &st);
    for (int y = 0; y < f.height; y++)
        CHECK_MSG(memcmp(f.data + y * f.stride, before.data + y * before.stride, 300) == 0,
                  "row %d changed", y);
    /* Landmarks and labels far outside are clipped too (no crash, padding intact). */
    st.show_scores = 1;
    mtcnn_face far = face_at(-5000, -5000, -4000, -4000, 0.99f);
    far.has_landmarks = 1;
    for (int k = 0; k < 5; k++) {
        far.landmarks[k][0] = k % 2 ? -1e9f : 1e9f;
        far.landmarks[k][1] = NAN;
    }
    render_overlay_draw_faces(&f, &far, 1, &st);
    CHECK(padding_intact(&f));
    mtcam_frame_free(&before);
    mtcam_frame_free(&f);
    return 0;
}

static int landmarks(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 120, 100), 0);
    render_overlay_style st;
    render_overlay_style_default(&st);
    st.thickness = 2;
    st.landmark_radius = 3;
    st.show_scores = 0;
    /* Five distinct colours, none equal to the box or background. */
    for (int i = 0; i < 5; i++) {
        CHECK(memcmp(&st.landmarks[i], &st.box, sizeof st.box) != 0);
        for (int j = 0; j < i; j++)
            CHECK(memcmp(&st.landmarks[i], &st.landmarks[j], sizeof st.box) != 0);
    }
    mtcnn_face face = face_at(20, 20, 100, 90, 0.99f);
    const float pts[5][2] = {{40, 40}, {80, 40.4f}, {60, 55}, {45.6f, 70}, {75, 70}};
    memcpy(face.landmarks, pts, sizeof pts);
    face.has_landmarks = 0;
    render_overlay_draw_faces(&f, &face, 1, &st);
    CHECK_PIXEL(&f, 40, 40, BG); /* has_landmarks = 0: no discs */
    face.has_landmarks = 1;
    render_overlay_draw_faces(&f, &face, 1, &st);
    const int cx[5] = {40, 80, 60, 46, 75}, cy[5] = {40, 40, 55, 70, 70};
    for (int k = 0; k < 5; k++) {
        render_color c = st.landmarks[k];
        CHECK_PIXEL(&f, cx[k], cy[k], c);
        CHECK_PIXEL(&f, cx[k] + 3, cy[k], c);
        CHECK_PIXEL(&f, cx[k], cy[k] - 3, c);
        CHECK_PIXEL(&f, cx[k] + 2, cy[k] + 2, c); /* 8 <= 9 */
        CHECK_PIXEL(&f, cx[k] + 4, cy[k], BG);
        CHECK_PIXEL(&f, cx[k] + 3, cy[k] + 3, BG); /* 18 > 9 */
        CHECK_INT_EQ(count_color(&f, c), 29);      /* the lattice points of radius 3 */
    }
    /* show_landmarks = 0 draws none. */
    mtcam_frame g;
    CHECK_INT_EQ(make_frame(&g, 120, 100), 0);
    st.show_landmarks = 0;
    render_overlay_draw_faces(&g, &face, 1, &st);
    CHECK_PIXEL(&g, 40, 40, BG);
    /* A disc on the corner is clipped. */
    render_overlay_disc(&g, 0, 0, 3, st.landmarks[0]);
    render_overlay_disc(&g, 119.4f, 99.4f, 3, st.landmarks[1]);
    CHECK_INT_EQ(count_color(&g, st.landmarks[0]), 11); /* the quarter with x, y >= 0 */
    CHECK_INT_EQ(count_color(&g, st.landmarks[1]), 11);
    CHECK(padding_intact(&g));
    mtcam_frame_free(&g);
    mtcam_frame_free(&f);
    return 0;
}

/* Every pixel of the text block equals the font's glyph bit, scaled. */
static int text_matches_font(const mtcam_frame *f, int x0, int y0, const char *text, int scale,
                             render_color fg, render_color bg)
{
    int w = render_overlay_text_width(text, scale);
    for (int y = 0; y < RENDER_FONT_HEIGHT * scale; y++)
        for (int x = 0; x < w; x++) {
            int ch = x / (RENDER_FONT_ADVANCE * scale);
            int col = (x % (RENDER_FONT_ADVANCE * scale)) / scale;
            int on = render_font_pixel(text[ch], col, y / scale);
            if (on)
                CHECK_PIXEL(f, x0 + x, y0 + y, fg);
            else
                CHECK_PIXEL(f, x0 + x, y0 + y, bg);
        }
    return 0;
}

static int text(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 80, 40), 0);
    const render_color white = {255, 255, 255};
    CHECK_INT_EQ(render_overlay_text(&f, 3, 5, "A1.", 2, white), (3 * 6 - 1) * 2);
    if (text_matches_font(&f, 3, 5, "A1.", 2, white, BG))
        return 1;
    /* The glyph of 'A' has its apex pixel at column 2 of row 0 and a full bar on row 3. */
    CHECK(render_font_pixel('A', 2, 0) && !render_font_pixel('A', 0, 0));
    for (int x = 0; x < 5; x++)
        CHECK(render_font_pixel('A', x, 3));
    /* Text running off the right edge is clipped, not wrapped. */
    render_overlay_text(&f, 70, 30, "WWWW", 1, white);
    CHECK(padding_intact(&f));
    mtcam_frame_free(&f);
    return 0;
}

/* All 95 glyphs differ, only the space is blank, and unprintable bytes draw as '?'. */
static int font_table(void)
{
    uint8_t bits[95][35];
    for (int c = 32; c < 127; c++) {
        int n = 0;
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 5; x++)
                n += bits[c - 32][y * 5 + x] = (uint8_t)render_font_pixel((char)c, x, y);
        CHECK_MSG((c == ' ') == (n == 0), "glyph '%c' has %d pixels", c, n);
        for (int d = 32; d < c; d++)
            CHECK_MSG(memcmp(bits[c - 32], bits[d - 32], 35) != 0, "'%c' and '%c' look alike", c,
                      d);
    }
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 5; x++)
            CHECK_INT_EQ(render_font_pixel('\x01', x, y), render_font_pixel('?', x, y));
    CHECK_INT_EQ(render_font_pixel('A', 5, 0), 0);
    CHECK_INT_EQ(render_font_pixel('A', 0, 7), 0);
    return 0;
}

static int score_label(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 120, 100), 0);
    render_overlay_style st;
    render_overlay_style_default(&st);
    st.thickness = 2;
    st.text_scale = 1;
    mtcnn_face face = face_at(30, 40, 90, 95, 0.98765f);
    render_overlay_draw_faces(&f, &face, 1, &st);
    /* Label above the box: height 7 + 2 pad = 9 -> rows 31..39, text at (31, 32). */
    const char *s = "0.988";
    int w = render_overlay_text_width(s, 1);
    CHECK_PIXEL(&f, 30, 31, st.box); /* label corner */
    CHECK_PIXEL(&f, 30 + w + 1, 39, st.box);
    CHECK_PIXEL(&f, 30 + w + 2, 35, BG); /* just right of the label */
    CHECK_PIXEL(&f, 30, 30, BG);         /* just above */
    if (text_matches_font(&f, 31, 32, s, 1, st.text, st.box))
        return 1;

    /* At the top of the frame the label goes inside the box, under its top edge. */
    mtcam_frame g;
    CHECK_INT_EQ(make_frame(&g, 120, 100), 0);
    face = face_at(10, 2, 70, 60, 0.5f);
    render_overlay_draw_faces(&g, &face, 1, &st);
    if (text_matches_font(&g, 11, 2 + 2 + 1, "0.500", 1, st.text, st.box))
        return 1;
    /* At the right edge it is pushed left to stay whole. */
    mtcam_frame h;
    CHECK_INT_EQ(make_frame(&h, 120, 100), 0);
    face = face_at(110, 50, 119, 70, 0.25f);
    render_overlay_draw_faces(&h, &face, 1, &st);
    w = render_overlay_text_width("0.250", 1) + 2;
    if (text_matches_font(&h, 120 - w + 1, 50 - 9 + 1, "0.250", 1, st.text, st.box))
        return 1;
    /* A tracked face: its id before the score. */
    mtcam_frame k;
    CHECK_INT_EQ(make_frame(&k, 120, 100), 0);
    face = face_at(30, 40, 90, 95, 0.98765f);
    face.id = 17;
    render_overlay_draw_faces(&k, &face, 1, &st);
    if (text_matches_font(&k, 31, 32, "#17 0.988", 1, st.text, st.box))
        return 1;
    CHECK(padding_intact(&f) && padding_intact(&g) && padding_intact(&h) && padding_intact(&k));
    mtcam_frame_free(&f);
    mtcam_frame_free(&g);
    mtcam_frame_free(&h);
    mtcam_frame_free(&k);
    return 0;
}

static int candidates(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 100, 80), 0);
    render_overlay_style st;
    render_overlay_style_default(&st);
    st.thickness = 4;
    mtcnn_face c = face_at(10, 10, 50, 50, 0.7f);
    render_overlay_draw_candidates(&f, 1, &c, 1, &st); /* hidden by default */
    CHECK_PIXEL(&f, 10, 30, BG);
    st.show_candidates = 1;
    render_overlay_draw_candidates(&f, 4, &c, 1, &st); /* no such stage */
    CHECK_PIXEL(&f, 10, 30, BG);
    for (int stage = 1; stage <= 3; stage++) {
        mtcnn_face b = face_at(10.0f + 20 * (stage - 1), 10, 25.0f + 20 * (stage - 1), 50, 0.7f);
        render_overlay_draw_candidates(&f, stage, &b, 1, &st);
        int x = 10 + 20 * (stage - 1);
        /* Half the thickness: 2 columns. */
        CHECK_PIXEL(&f, x + 1, 30, st.candidates[stage - 1]);
        CHECK_PIXEL(&f, x + 2, 30, BG);
        CHECK(memcmp(&st.candidates[stage - 1], &st.box, 3) != 0);
    }
    CHECK(padding_intact(&f));
    mtcam_frame_free(&f);
    return 0;
}

static int auto_sizes(void)
{
    render_overlay_style st;
    render_overlay_style_default(&st);
    CHECK_INT_EQ(render_overlay_thickness(&st, 640, 480), 2);
    CHECK_INT_EQ(render_overlay_text_scale(&st, 640, 480), 1);
    CHECK_INT_EQ(render_overlay_thickness(&st, 1920, 1080), 4);
    CHECK_INT_EQ(render_overlay_text_scale(&st, 1920, 1080), 3);
    CHECK_INT_EQ(render_overlay_landmark_radius(&st, 1920, 1080), 5);
    CHECK_INT_EQ(render_overlay_thickness(&st, 50, 40), 2);
    st.thickness = 7;
    CHECK_INT_EQ(render_overlay_thickness(&st, 50, 40), 7);
    /* A tiny box is filled rather than drawn with overlapping sides. */
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 40, 30), 0);
    const float tiny[4] = {5, 5, 9, 8};
    render_overlay_box(&f, tiny, 3, st.box);
    CHECK_INT_EQ(count_color(&f, st.box), 5 * 4);
    mtcam_frame_free(&f);
    return 0;
}

/* Rectangles clipped to the frame: partly outside on every side, wholly outside, inverted. */
static int fill_clipped(void)
{
    mtcam_frame f;
    CHECK_INT_EQ(make_frame(&f, 20, 10), 0);
    static const render_color red = {255, 0, 0};
    static const struct {
        int x1, y1, x2, y2, left; /* left: 0 when nothing is inside */
        int cx1, cy1, cx2, cy2;
    } cases[] = {
        {-5, -3, 4, 2, 1, 0, 0, 4, 2},    {15, 7, 30, 40, 1, 15, 7, 19, 9},
        {-9, -9, 99, 99, 1, 0, 0, 19, 9}, {3, 4, 3, 4, 1, 3, 4, 3, 4},
        {20, 0, 25, 5, 0, 0, 0, 0, 0},    {0, -4, 5, -1, 0, 0, 0, 0, 0},
        {6, 2, 5, 8, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int x1 = cases[i].x1, y1 = cases[i].y1, x2 = cases[i].x2, y2 = cases[i].y2;
        int left = render_overlay_clip_rect(&f, &x1, &y1, &x2, &y2);
        CHECK_MSG(left == cases[i].left, "case %zu: %d", i, left);
        if (left) {
            CHECK_MSG(x1 == cases[i].cx1 && y1 == cases[i].cy1 && x2 == cases[i].cx2 &&
                          y2 == cases[i].cy2,
                      "case %zu: clipped to %d,%d..%d,%d", i, x1, y1, x2, y2);
        }
    }
    mtcam_frame_free(&f);
    /* Filling paints exactly the clipped pixels and never the padding. */
    CHECK_INT_EQ(make_frame(&f, 20, 10), 0);
    render_overlay_fill_rect(&f, 15, 7, 30, 40, red);
    CHECK_INT_EQ(count_color(&f, red), 5 * 3);
    CHECK_PIXEL(&f, 15, 7, red);
    CHECK_PIXEL(&f, 14, 7, BG);
    render_overlay_fill_rect(&f, 20, 0, 25, 5, red); /* wholly outside: nothing */
    CHECK_INT_EQ(count_color(&f, red), 5 * 3);
    CHECK(padding_intact(&f));
    mtcam_frame_free(&f);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"box_edges", box_edges},
        {"box_clipped", box_clipped},
        {"landmarks", landmarks},
        {"text", text},
        {"font_table", font_table},
        {"score_label", score_label},
        {"candidates", candidates},
        {"auto_sizes", auto_sizes},
        {"fill_clipped", fill_clipped},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
