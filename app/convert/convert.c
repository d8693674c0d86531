/* mtcam-convert - turns the original Caffe MTCNN weights (det1..det4.caffemodel) into the
 * project's model file, rewriting them from Caffe's transposed frame into the image frame of
 * engine/src/arch.h (see docs/model-format.md, "Converting the Caffe weights"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caffe-model.h"
#include "calibrate.h"
#include "err.h"
#include "model.h"
#include "output-check.h"

#define PROG "mtcam-convert"

/* How a Caffe layer's blobs become arch tensors. */
typedef enum layer_kind {
    KIND_CONV,       /* weights [o][i][kx][ky] in Caffe -> [o][i][ky][kx]; bias as is */
    KIND_FC,         /* weights [o][i] and bias as stored */
    KIND_FC_SPATIAL, /* first FC after the convs: input (c, x, y) in Caffe -> (c, y, x) */
    KIND_PRELU       /* one blob of slopes, as stored */
} layer_kind;

typedef struct layer_map {
    const char *caffe; /* layer name in the .caffemodel */
    layer_kind kind;
    int weight; /* arch tensor id of blob 0 */
    int bias;   /* arch tensor id of blob 1, -1 for PReLU */
} layer_map;

/* The spatial size of the conv output the first FC reads: 3x3 in R-Net, O-Net and each
 * L-Net branch. */
#define FC_SPATIAL_X 3
#define FC_SPATIAL_Y 3

#define T(id) MTCNN__T_##id
#define CONV(name, id) {name, KIND_CONV, T(id##_W), T(id##_B)}
#define FC(name, id) {name, KIND_FC, T(id##_W), T(id##_B)}
#define FC_SPATIAL(name, id) {name, KIND_FC_SPATIAL, T(id##_W), T(id##_B)}
#define PRELU(name, id) {name, KIND_PRELU, T(id), -1}

static const layer_map pnet_layers[] = {
    CONV("conv1", PNET_CONV1),     PRELU("PReLU1", PNET_PRELU1), CONV("conv2", PNET_CONV2),
    PRELU("PReLU2", PNET_PRELU2),  CONV("conv3", PNET_CONV3),    PRELU("PReLU3", PNET_PRELU3),
    CONV("conv4-1", PNET_CONV4_1), CONV("conv4-2", PNET_CONV4_2),
};
static const layer_map rnet_layers[] = {
    CONV("conv1", RNET_CONV1),         PRELU("prelu1", RNET_PRELU1), CONV("conv2", RNET_CONV2),
    PRELU("prelu2", RNET_PRELU2),      CONV("conv3", RNET_CONV3),    PRELU("prelu3", RNET_PRELU3),
    FC_SPATIAL("conv4", RNET_FC4),     PRELU("prelu4", RNET_PRELU4), FC("conv5-1", RNET_FC5_1),
    FC("conv5-2", RNET_FC5_2),
};
static const layer_map onet_layers[] = {
    CONV("conv1", ONET_CONV1),     PRELU("prelu1", ONET_PRELU1), CONV("conv2", ONET_CONV2),
    PRELU("prelu2", ONET_PRELU2),  CONV("conv3", ONET_CONV3),    PRELU("prelu3", ONET_PRELU3),
    CONV("conv4", ONET_CONV4),     PRELU("prelu4", ONET_PRELU4), FC_SPATIAL("conv5", ONET_FC5),
    PRELU("prelu5", ONET_PRELU5),  FC("conv6-1", ONET_FC6_1),    FC("conv6-2", ONET_FC6_2),
    FC("conv6-3", ONET_FC6_3),
};
/* det4.prototxt: five branches conv1_k..prelu3_k, Concat along channels (so fc4 reads the
 * branches one after the other, each (c, x, y) in Caffe), then fc4_k/prelu4_k/fc5_k heads. */
#define LNET_BRANCH(k)                                                                        \
    CONV("conv1_" #k, LNET_CONV1_##k), PRELU("prelu1_" #k, LNET_PRELU1_##k),                  \
        CONV("conv2_" #k, LNET_CONV2_##k), PRELU("prelu2_" #k, LNET_PRELU2_##k),              \
        CONV("conv3_" #k, LNET_CONV3_##k), PRELU("prelu3_" #k, LNET_PRELU3_##k)
#define LNET_HEAD(k)                                                                          \
    FC("fc4_" #k, LNET_FC4_##k), PRELU("prelu4_" #k, LNET_PRELU4_##k), FC("fc5_" #k, LNET_FC5_##k)
static const layer_map lnet_layers[] = {
    LNET_BRANCH(1), LNET_BRANCH(2), LNET_BRANCH(3), LNET_BRANCH(4), LNET_BRANCH(5),
    FC_SPATIAL("fc4", LNET_FC4), PRELU("prelu4", LNET_PRELU4),
    LNET_HEAD(1), LNET_HEAD(2), LNET_HEAD(3), LNET_HEAD(4), LNET_HEAD(5),
};

typedef struct net_map {
    const char *title; /* for the summary line */
    const char *file;
    const layer_map *layers;
    int n_layers;
    const char *ignored; /* a layer with weights the detector does not use, or NULL */
} net_map;

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
static const net_map nets[] = {
    {"P-Net", "det1.caffemodel", pnet_layers, COUNT_OF(pnet_layers), NULL},
    /* conv5-3 is a landmark head the deploy det2.prototxt never uses */
    {"R-Net", "det2.caffemodel", rnet_layers, COUNT_OF(rnet_layers), "conv5-3"},
    {"O-Net", "det3.caffemodel", onet_layers, COUNT_OF(onet_layers), NULL},
    {"L-Net", "det4.caffemodel", lnet_layers, COUNT_OF(lnet_layers), NULL},
};
enum { NET_LNET = 3 };

static void arch_shape_text(char *buf, size_t size, int id)
{
    const mtcnn__tensor_info *ti = &mtcnn__tensors[id];
    size_t len = 0;
    for (int d = 0; d < ti->ndim && len < size; d++) {
        int w = snprintf(buf + len, size - len, d ? "x%u" : "%u", (unsigned)ti->dims[d]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Checks that a blob has exactly the shape arch.h gives tensor `id`. */
static int check_blob(const char *path, const app_caffe_layer *l, int k, int id)
{
    const app_caffe_blob *b = &l->blobs[k];
    const mtcnn__tensor_info *ti = &mtcnn__tensors[id];
    int ok = b->ndim == ti->ndim;
    for (int d = 0; ok && d < ti->ndim; d++)
        ok = b->dims[d] == (int64_t)ti->dims[d];
    if (ok)
        return 0;
    char got[160], want[64];
    app_caffe_shape_text(got, sizeof got, b);
    arch_shape_text(want, sizeof want, id);
    return mtcam_set_error(MTCNN_EFORMAT, "%s: layer %s: blob %d has shape %s, expected %s (%s)",
                           path, l->name, k, got, want, ti->name);
}

/* Rewrites one Caffe layer into its arch tensors (allocated into out[]). */
static int convert_layer(const char *path, const app_caffe_layer *l, const layer_map *lm,
                         float *out[MTCNN__T_COUNT])
{
    int want_blobs = lm->kind == KIND_PRELU ? 1 : 2;
    if (l->n_blobs != want_blobs)
        return mtcam_set_error(MTCNN_EFORMAT, "%s: layer %s: %d blobs, expected %d", path,
                               l->name, l->n_blobs, want_blobs);
    for (int k = 0; k < want_blobs; k++) {
        int id = k == 0 ? lm->weight : lm->bias;
        int rc = check_blob(path, l, k, id);
        if (rc < 0)
            return rc;
        const float *src = l->blobs[k].data;
        size_t n = mtcnn__tensors[id].count;
        float *dst = malloc(n * sizeof *dst);
        if (!dst)
            return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
        out[id] = dst;
        const uint32_t *dims = mtcnn__tensors[id].dims;
        if (k == 0 && lm->kind == KIND_CONV) {
            /* Caffe saw the image transposed (rows = x): swap the kernel's spatial axes */
            size_t planes = (size_t)dims[0] * dims[1], kh = dims[2], kw = dims[3];
            for (size_t p = 0; p < planes; p++)
                for (size_t ky = 0; ky < kh; ky++)
                    for (size_t kx = 0; kx < kw; kx++)
                        dst[(p * kh + ky) * kw + kx] = src[(p * kw + kx) * kh + ky];
        } else if (k == 0 && lm->kind == KIND_FC_SPATIAL) {
            /* the FC's input was the conv output flattened (c, x, y); ours is (c, y, x) */
            size_t outs = dims[0], ins = dims[1], X = FC_SPATIAL_X, Y = FC_SPATIAL_Y;
            if (ins % (X * Y) != 0)
                return mtcam_set_error(MTCNN_EFORMAT, "%s: layer %s: %zu inputs, not %zux%zu maps",
                                       path, l->name, ins, X, Y);
            size_t chans = ins / (X * Y);
            for (size_t o = 0; o < outs; o++)
                for (size_t c = 0; c < chans; c++)
                    for (size_t y = 0; y < Y; y++)
                        for (size_t x = 0; x < X; x++)
                            dst[o * ins + (c * Y + y) * X + x] =
                                src[o * ins + (c * X + x) * Y + y];
        } else {
            memcpy(dst, src, n * sizeof *dst);
        }
    }
    return 0;
}

/* Reads DIR/<file> and converts every layer of one net; prints the summary line. */
static int convert_net(const char *dir, const net_map *nm, float *out[MTCNN__T_COUNT])
{
    char path[4096];
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", nm->file);
    app_caffe_net net;
    int rc = app_caffe_read_file(path, &net);
    if (rc < 0)
        return rc;
    size_t params = 0;
    for (int i = 0; i < nm->n_layers && rc == 0; i++) {
        const app_caffe_layer *l = app_caffe_find(&net, nm->layers[i].caffe);
        if (!l)
            rc = mtcam_set_error(MTCNN_EFORMAT, "%s: no layer \"%s\" (is this the %s?)", path,
                                 nm->layers[i].caffe, nm->title);
        else
            rc = convert_layer(path, l, &nm->layers[i], out);
    }
    /* Weights we would silently drop mean the file is not the net we think it is. */
    for (int i = 0; i < net.n_layers && rc == 0; i++) {
        const app_caffe_layer *l = &net.layers[i];
        int known = nm->ignored && strcmp(l->name, nm->ignored) == 0;
        for (int k = 0; k < nm->n_layers && !known; k++)
            known = strcmp(l->name, nm->layers[k].caffe) == 0;
        if (l->n_blobs > 0 && !known)
            rc = mtcam_set_error(MTCNN_EFORMAT,
                                 "%s: layer \"%s\" (%s) has weights but is not part of the %s",
                                 path, l->name, l->type, nm->title);
        for (int k = 0; k < l->n_blobs; k++)
            params += l->blobs[k].count;
    }
    app_caffe_free(&net);
    if (rc < 0)
        return rc;
    size_t used = 0;
    int tensors = 0;
    for (int i = 0; i < nm->n_layers; i++) {
        used += mtcnn__tensors[nm->layers[i].weight].count;
        tensors++;
        if (nm->layers[i].bias >= 0) {
            used += mtcnn__tensors[nm->layers[i].bias].count;
            tensors++;
        }
    }
    printf("%s: %s: %d layers -> %d tensors, %zu parameters", nm->title, path, nm->n_layers,
           tensors, used);
    if (nm->ignored)
        printf(" (ignored layer %s, %zu parameters)", nm->ignored, params - used);
    printf("\n");
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " PROG " [--no-lnet] [--calibrate DATA] DIR OUT\n"
            "       " PROG " --calibrate DATA IN.mtcnn OUT\n"
            "Converts the original Caffe MTCNN weights DIR/det1.caffemodel, det2.caffemodel,\n"
            "det3.caffemodel and, when present, det4.caffemodel (L-Net) into the mtcam model\n"
            "file OUT (docs/model-format.md). Given a model file IN instead of a folder, copies\n"
            "its weights unchanged and adds the calibration.\n"
            "  --no-lnet          leave the optional L-Net (det4) out even when it is present\n"
            "  --calibrate DATA   add the INT8 calibration, measured on the Caltech training\n"
            "                     images under DATA/caltech-webfaces (the split of mtcam-train;\n"
            "                     DATA is usually ../shared/data)\n"
            "  --calib-images N   images it runs (default %d, spread over the training part)\n"
            "  --split-seed N     the validation split left out (default 7, mtcam-train's)\n"
            "  -h, --help         show this help\n",
            CALIBRATE_DEFAULT_IMAGES);
}

/* A positive integer flag value, or -1 after saying why. */
static long long int_arg(const char *flag, const char *v, long long max)
{
    char *end;
    errno = 0;
    const long long n = v ? strtoll(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || n < 0 || n > max) {
        fprintf(stderr, PROG ": %s: '%s' is not an integer in 0..%lld\n", flag, v ? v : "",
                max);
        return -1;
    }
    return n;
}

static int run_program(int argc, char **argv)
{
    int no_lnet = 0, npos = 0;
    const char *calib_data = NULL;
    long long calib_images = CALIBRATE_DEFAULT_IMAGES, split_seed = 7;
    const char *pos[2] = {NULL, NULL};
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
        } else if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            usage(stdout);
            return 0;
        } else if (!options_done && strcmp(a, "--no-lnet") == 0) {
            no_lnet = 1;
        } else if (!options_done && strcmp(a, "--calibrate") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, PROG ": --calibrate needs the data folder (see --help)\n");
                return 2;
            }
            calib_data = argv[++i];
        } else if (!options_done && (strcmp(a, "--calib-images") == 0 ||
                                     strcmp(a, "--split-seed") == 0)) {
            const long long n = int_arg(a, i + 1 < argc ? argv[i + 1] : NULL,
                                        a[2] == 'c' ? 1000000 : (1LL << 40));
            if (n < 0 || (a[2] == 'c' && n < 1)) {
                if (n == 0)
                    fprintf(stderr, PROG ": --calib-images: at least 1\n");
                return 2;
            }
            i++;
            *(a[2] == 'c' ? &calib_images : &split_seed) = n;
        } else if (!options_done && a[0] == '-' && a[1]) {
            fprintf(stderr, PROG ": unknown option %s (see --help)\n", a);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            fprintf(stderr, PROG ": too many arguments (see --help)\n");
            return 2;
        }
    }
    if (npos != 2) {
        fprintf(stderr, PROG ": expected DIR and OUT (see --help)\n");
        return 2;
    }
    const char *dir = pos[0], *out_path = pos[1];
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
        /* A model file: add the calibration to it. */
        if (!calib_data) {
            fprintf(stderr, PROG ": %s is a model file: nothing to do without --calibrate\n", dir);
            return 2;
        }
        int rc = calibrate_model_file(dir, calib_data, (uint64_t)split_seed, (int)calib_images,
                                      out_path, stdout);
        if (rc < 0) {
            fprintf(stderr, PROG ": %s\n", mtcam_last_error());
            return 1;
        }
        printf("wrote %s\n", out_path);
        return 0;
    }

    float *tensors[MTCNN__T_COUNT] = {0};
    int rc = 0;
    for (int n = 0; n < COUNT_OF(nets) && rc == 0; n++) {
        if (n == NET_LNET) {
            char det4[4096];
            size_t dl = strlen(dir);
            snprintf(det4, sizeof det4, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
                     nets[n].file);
            if (no_lnet) {
                printf("%s: left out (--no-lnet)\n", nets[n].title);
                continue;
            }
            if (access(det4, F_OK) != 0) {
                printf("%s: %s not found, model written without L-Net\n", nets[n].title, det4);
                continue;
            }
        }
        rc = convert_net(dir, &nets[n], tensors);
    }
    float scale[MTCNN__N_ACT];
    if (rc == 0 && calib_data) {
        mtcnn_model *m;
        rc = mtcnn__model_from_tensors((const float *const *)tensors, &m);
        if (rc == 0) {
            rc = calibrate_caltech(m, calib_data, (uint64_t)split_seed, (int)calib_images,
                                   stdout, scale);
            mtcnn_model_free(m);
        }
    }
    if (rc == 0)
        rc = mtcnn__model_write_file_calib(out_path, (const float *const *)tensors,
                                           calib_data ? scale : NULL);
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        free(tensors[i]);
    if (rc < 0) {
        fprintf(stderr, PROG ": %s\n", mtcam_last_error());
        return 1;
    }
    printf("wrote %s\n", out_path);
    return 0;
}

int main(int argc, char **argv)
{
    int status = run_program(argc, argv);
    /* What went to stdout is the result: a write that failed there fails the program. */
    return app_close_stdout(PROG) ? 1 : status;
}
