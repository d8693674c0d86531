/* Per-net golden vectors: P-Net, R-Net and O-Net outputs on synthetic and real inputs must
 * match the reference implementation's (../shared/data/peer-tests/mtcnn_reference_vectors.json)
 * within 1e-4. */
#include <stdlib.h>

#include "check-peer.h"
#include "check.h"
#include "json.h"
#include "kernels.h"
#include "model.h"
#include "net.h"

#define TOL 1e-4

static json *vectors;
static mtcnn_model *model;

/* Loads the vectors and the model, or says why the case must skip. */
static int setup(void)
{
    return check_peer_setup(&model, &vectors);
}

/* The reference's synthetic input: pixel(c,y,x) = (31x + 17y + 7c + 11 seed) mod 256. */
static float *synthetic(int h, int w, int seed)
{
    float *in = malloc(sizeof *in * 3 * h * w);
    for (int c = 0; c < 3; c++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int p = (31 * x + 17 * y + 7 * c + 11 * seed) % 256;
                in[(c * h + y) * w + x] = ((float)p - 127.5f) * 0.0078125f;
            }
    return in;
}

/* Input from a stored HWC uint8 crop. */
static float *from_crop(const json *rows, int side)
{
    double px[48 * 48 * 3];
    size_t n = json_flatten(rows, px, sizeof px / sizeof px[0]);
    if (n != (size_t)side * side * 3)
        return NULL;
    float *in = malloc(sizeof *in * 3 * side * side);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
            for (int c = 0; c < 3; c++)
                in[(c * side + y) * side + x] =
                    ((float)px[(y * side + x) * 3 + c] - 127.5f) * 0.0078125f;
    return in;
}

static int check_pnet(const float *in, int h, int w, const json *prob, const json *reg)
{
    const int ho = mtcnn__pnet_out(h), wo = mtcnn__pnet_out(w);
    double want_p[1024], want_r[4096];
    CHECK_INT_EQ(json_flatten(prob, want_p, 1024), ho * wo);
    CHECK_INT_EQ(json_flatten(reg, want_r, 4096), 4 * ho * wo);
    float *scratch = malloc(sizeof(float) * mtcnn__pnet_scratch_floats(h, w));
    float *p = malloc(sizeof(float) * ho * wo), *r = malloc(sizeof(float) * 4 * ho * wo);
    mtcnn__pnet_forward(model, mtk_get_table(), in, h, w, scratch, p, r);
    int bad = 0;
    for (int i = 0; i < ho * wo && !bad; i++)
        bad = fabs(p[i] - want_p[i]) > TOL;
    for (int i = 0; i < 4 * ho * wo && !bad; i++)
        bad = fabs(r[i] - want_r[i]) > TOL;
    float p0 = p[0];
    free(scratch);
    free(p);
    free(r);
    CHECK_MSG(!bad, "P-Net %dx%d output differs from the reference by more than %g (p[0] %g vs %g)",
              h, w, TOL, p0, want_p[0]);
    return 0;
}

static int test_pnet(void)
{
    int rc = setup();
    if (rc)
        return rc;
    const json *cases = json_get(vectors, "pnet");
    CHECK(cases && cases->count == 3);
    for (size_t i = 0; i < cases->count; i++) {
        const json *c = json_at(cases, i);
        int h = (int)json_num(json_get(c, "h")), w = (int)json_num(json_get(c, "w"));
        int seed = (int)json_num(json_get(c, "seed"));
        CHECK_INT_EQ(mtcnn__pnet_out(h), json_num(json_get(c, "out_h")));
        CHECK_INT_EQ(mtcnn__pnet_out(w), json_num(json_get(c, "out_w")));
        float *in = synthetic(h, w, seed);
        rc = check_pnet(in, h, w, json_get(c, "face_prob"), json_get(c, "reg_dx1_dy1_dx2_dy2"));
        free(in);
        if (rc)
            return rc;
    }
    return 0;
}

/* Compares R-Net (15 = 0) or O-Net outputs with a reference case. */
static int check_head(const float *out, const json *c, int onet)
{
    double prob[2], reg[4], lm[10];
    CHECK_INT_EQ(json_flatten(json_get(c, "prob_nonface_face"), prob, 2), 2);
    CHECK_INT_EQ(json_flatten(json_get(c, "reg"), reg, 4), 4);
    CHECK_NEAR(out[0], prob[1], TOL);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(out[1 + i], reg[i], TOL);
    if (onet) {
        CHECK_INT_EQ(json_flatten(json_get(c, "landmarks_x1..x5_y1..y5"), lm, 10), 10);
        for (int i = 0; i < 10; i++)
            CHECK_NEAR(out[5 + i], lm[i], TOL);
    }
    return 0;
}

static int run_box_net(int onet)
{
    int rc = setup();
    if (rc)
        return rc;
    const json *cases = json_get(vectors, onet ? "onet" : "rnet");
    CHECK(cases && cases->count >= 1);
    const int side = onet ? 48 : 24;
    float *scratch = malloc(sizeof(float) * MTCNN__ONET_SCRATCH_FLOATS);
    for (size_t i = 0; i < cases->count; i++) {
        const json *c = json_at(cases, i);
        float *in = synthetic(side, side, (int)json_num(json_get(c, "seed")));
        float out[15];
        if (onet)
            mtcnn__onet_forward(model, mtk_get_table(), in, scratch, out);
        else
            mtcnn__rnet_forward(model, mtk_get_table(), in, scratch, out);
        free(in);
        rc = check_head(out, c, onet);
        if (rc)
            break;
    }
    free(scratch);
    return rc;
}

static int test_rnet(void) { return run_box_net(0); }
static int test_onet(void) { return run_box_net(1); }

static int test_face_crops(void)
{
    int rc = setup();
    if (rc)
        return rc;
    const json *fc = json_get(vectors, "face_crops");
    CHECK(fc);
    /* P-Net on the 12x12 face crop. */
    const json *p = json_get(fc, "pnet");
    float *in = from_crop(json_get(p, "input_uint8"), 12);
    CHECK(in);
    const json *po = json_get(p, "outputs");
    rc = check_pnet(in, 12, 12, json_get(po, "face_prob"), json_get(po, "reg"));
    free(in);
    if (rc)
        return rc;
    float *scratch = malloc(sizeof(float) * MTCNN__ONET_SCRATCH_FLOATS);
    float out[15];
    in = from_crop(json_get(json_get(fc, "rnet"), "input_uint8"), 24);
    CHECK(in);
    mtcnn__rnet_forward(model, mtk_get_table(), in, scratch, out);
    free(in);
    rc = check_head(out, json_get(json_get(fc, "rnet"), "outputs"), 0);
    if (!rc) {
        in = from_crop(json_get(json_get(fc, "onet"), "input_uint8"), 48);
        mtcnn__onet_forward(model, mtk_get_table(), in, scratch, out);
        free(in);
        rc = check_head(out, json_get(json_get(fc, "onet"), "outputs"), 1);
        CHECK(out[0] > 0.999f); /* a real face, scored as one */
    }
    free(scratch);
    return rc;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"pnet", test_pnet}, {"rnet", test_rnet}, {"onet", test_onet},
        {"face_crops", test_face_crops}, {NULL, NULL}};
    int rc = check_main(argc, argv, cases);
    json_free(vectors);
    mtcnn_model_free(model);
    return rc;
}
