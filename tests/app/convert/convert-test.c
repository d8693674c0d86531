/* convert-test.c - mtcam-convert run as a program: on synthetic caffemodels written by an
 * independent encoder (tests/app/convert/caffe-writer.c), on the real reference weights when
 * ../shared is there, and on corrupt inputs (one-line error, exit 1) and bad flags (exit 2).
 *
 * The layout rules are restated here from shared/models/reference/README.md rather than
 * taken from the converter: conv kernels K[o][i][ky][kx] = caffe[o][i][kx][ky]; the first FC
 * after the convs W[o][c][y][x] = caffe[o][(c*3 + x)*3 + y]; everything else as stored. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caffe-writer.h"
#include "check.h"
#include "model.h"

/* ---- files and processes ------------------------------------------------------------- */

static char work[4096]; /* this case's temporary directory */

static int make_workdir(void)
{
    snprintf(work, sizeof work, "%s/convert-XXXXXX", MTCAM_TEST_TMP);
    return mkdtemp(work) ? 0 : -1;
}

static void remove_workdir(void)
{
    DIR *d = opendir(work);
    if (d) {
        struct dirent *e;
        char path[8192];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", work, e->d_name);
            remove(path);
        }
        closedir(d);
    }
    rmdir(work);
}

static const char *in_work(const char *name)
{
    static char path[4][8192];
    static int next;
    char *p = path[next++ & 3];
    snprintf(p, sizeof path[0], "%s/%s", work, name);
    return p;
}

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *g = realloc(buf, cap * 2 + 1);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0'; /* so text output can be used as a string */
    *size = n;
    return buf;
}

static int write_all(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static char out_text[1 << 14], err_text[1 << 14];

/* Runs mtcam-convert with `args` (already quoted); returns its exit code and keeps stdout /
 * stderr in out_text / err_text. */
static int run_convert(const char *args)
{
    char cmd[20000];
    const char *o = in_work("stdout.txt"), *e = in_work("stderr.txt");
    snprintf(cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s'", MTCAM_CONVERT_EXE, args, o, e);
    int status = system(cmd);
    size_t n;
    unsigned char *t = read_all(o, &n);
    snprintf(out_text, sizeof out_text, "%s", t ? (char *)t : "");
    free(t);
    t = read_all(e, &n);
    snprintf(err_text, sizeof err_text, "%s", t ? (char *)t : "");
    free(t);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* stderr is exactly one line starting with `prefix`. */
static int one_line_error(const char *prefix)
{
    size_t len = strlen(err_text);
    CHECK_MSG(len > 0 && err_text[len - 1] == '\n' && strchr(err_text, '\n') == err_text + len - 1,
              "stderr is not one line: \"%s\"", err_text);
    CHECK_MSG(strncmp(err_text, prefix, strlen(prefix)) == 0, "stderr \"%s\" does not start \"%s\"",
              err_text, prefix);
    return 0;
}

/* ---- the expected mapping ------------------------------------------------------------ */

/* Caffe layer -> arch tensor prefix, per net (0..3 = det1..det4). */
typedef struct name_pair {
    int net;
    const char *caffe, *arch;
} name_pair;

static const name_pair names[] = {
    {0, "conv1", "pnet.conv1"},     {0, "PReLU1", "pnet.prelu1"},   {0, "conv2", "pnet.conv2"},
    {0, "PReLU2", "pnet.prelu2"},   {0, "conv3", "pnet.conv3"},     {0, "PReLU3", "pnet.prelu3"},
    {0, "conv4-1", "pnet.conv4_1"}, {0, "conv4-2", "pnet.conv4_2"}, {1, "conv1", "rnet.conv1"},
    {1, "prelu1", "rnet.prelu1"},   {1, "conv2", "rnet.conv2"},     {1, "prelu2", "rnet.prelu2"},
    {1, "conv3", "rnet.conv3"},     {1, "prelu3", "rnet.prelu3"},   {1, "conv4", "rnet.fc4"},
    {1, "prelu4", "rnet.prelu4"},   {1, "conv5-1", "rnet.fc5_1"},   {1, "conv5-2", "rnet.fc5_2"},
    {2, "conv1", "onet.conv1"},     {2, "prelu1", "onet.prelu1"},   {2, "conv2", "onet.conv2"},
    {2, "prelu2", "onet.prelu2"},   {2, "conv3", "onet.conv3"},     {2, "prelu3", "onet.prelu3"},
    {2, "conv4", "onet.conv4"},     {2, "prelu4", "onet.prelu4"},   {2, "conv5", "onet.fc5"},
    {2, "prelu5", "onet.prelu5"},   {2, "conv6-1", "onet.fc6_1"},   {2, "conv6-2", "onet.fc6_2"},
    {2, "conv6-3", "onet.fc6_3"},
};

/* The arch name for blob k of a Caffe layer, or NULL when the layer is not converted. L-Net
 * layer names are the arch names without the prefix. */
static const char *arch_name(int net, const char *caffe, int k, char *buf, size_t size)
{
    const char *prefix = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].net == net && strcmp(names[i].caffe, caffe) == 0)
            prefix = names[i].arch;
    char lnet[64];
    if (net == 3) {
        snprintf(lnet, sizeof lnet, "lnet.%s", caffe);
        prefix = lnet;
    }
    if (!prefix)
        return NULL;
    int prelu = strstr(prefix, "prelu") != NULL;
    snprintf(buf, size, "%s.%s", prefix, prelu ? "slope" : k == 0 ? "weight" : "bias");
    return buf;
}

static int is_first_fc(const char *arch)
{
    return strcmp(arch, "rnet.fc4.weight") == 0 || strcmp(arch, "onet.fc5.weight") == 0 ||
           strcmp(arch, "lnet.fc4.weight") == 0;
}

/* Puts a canonical tensor back into Caffe's order (the inverse of the conversion). */
static void to_caffe_order(int id, const float *canon, float *caffe)
{
    const mtcnn__tensor_info *ti = &mtcnn__tensors[id];
    if (ti->ndim == 4) {
        size_t planes = (size_t)ti->dims[0] * ti->dims[1], k = ti->dims[2];
        for (size_t p = 0; p < planes; p++)
            for (size_t ky = 0; ky < k; ky++)
                for (size_t kx = 0; kx < k; kx++)
                    caffe[(p * k + kx) * k + ky] = canon[(p * k + ky) * k + kx];
    } else if (is_first_fc(ti->name)) {
        size_t outs = ti->dims[0], ins = ti->dims[1], chans = ins / 9;
        for (size_t o = 0; o < outs; o++)
            for (size_t c = 0; c < chans; c++)
                for (size_t y = 0; y < 3; y++)
                    for (size_t x = 0; x < 3; x++)
                        caffe[o * ins + (c * 3 + x) * 3 + y] = canon[o * ins + (c * 3 + y) * 3 + x];
    } else {
        memcpy(caffe, canon, ti->count * sizeof(float));
    }
}

/* Writes synthetic det1..det4 into the work dir (det1 with unpacked fields). */
static int write_synthetic(int with_lnet)
{
    static const char *files[] = {"det1.caffemodel", "det2.caffemodel", "det3.caffemodel",
                                  "det4.caffemodel"};
    for (int net = 0; net < (with_lnet ? 4 : 3); net++) {
        pbw w = {0};
        int rc = caffe_write_synthetic(&w, net, net == 0 ? PBW_UNPACKED : PBW_PACKED);
        rc = rc || pbw_save(&w, in_work(files[net]));
        pbw_free(&w);
        if (rc)
            return -1;
    }
    return 0;
}

/* Every converted tensor, put back into Caffe order, equals the synthetic Caffe blob. */
static int check_synthetic_model(const mtcnn_model *m, int with_lnet)
{
    int seen[MTCNN__T_COUNT] = {0};
    for (int net = 0; net < (with_lnet ? 4 : 3); net++) {
        int n;
        const caffe_layer_spec *spec = caffe_spec(net, &n);
        for (int l = 0; l < n; l++) {
            for (int k = 0; k < spec[l].n_blobs; k++) {
                char name[96];
                if (!arch_name(net, spec[l].name, k, name, sizeof name))
                    continue; /* det2 conv5-3: not converted */
                int id = mtcnn__tensor_find(name);
                CHECK_MSG(id >= 0, "no arch tensor %s", name);
                CHECK_MSG(m->t[id], "tensor %s absent", name);
                seen[id] = 1;
                float *caffe = malloc(mtcnn__tensors[id].count * sizeof(float));
                CHECK(caffe);
                to_caffe_order(id, m->t[id], caffe);
                uint32_t bad = UINT32_MAX;
                for (uint32_t i = 0; i < mtcnn__tensors[id].count && bad == UINT32_MAX; i++)
                    if (caffe[i] != caffe_synthetic_value(net, l, k, i))
                        bad = i;
                free(caffe);
                CHECK_MSG(bad == UINT32_MAX, "%s: Caffe element %u misplaced", name,
                          (unsigned)bad);
            }
        }
    }
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        CHECK_MSG(seen[i] == (mtcnn__tensors[i].required || with_lnet), "tensor %s seen %d",
                  mtcnn__tensors[i].name, seen[i]);
    return 0;
}

/* ---- cases --------------------------------------------------------------------------- */

static int synthetic(void)
{
    CHECK(make_workdir() == 0);
    int rc = write_synthetic(1);
    char args[12000];
    snprintf(args, sizeof args, "'%s' '%s'", work, in_work("out.mtcnn"));
    int code = rc ? -1 : run_convert(args);
    mtcnn_model *m = NULL;
    int load = code == 0 ? mtcnn_model_load(in_work("out.mtcnn"), &m) : -1;
    int bad = load == 0 ? check_synthetic_model(m, 1) : 1;
    int lnet = mtcnn_model_has_lnet(m);
    mtcnn_model_free(m);
    remove_workdir();
    CHECK_INT_EQ(rc, 0);
    CHECK_MSG(code == 0, "exit %d: %s", code, err_text);
    CHECK_MSG(load == 0, "%s", mtcnn_last_error());
    CHECK(!bad);
    CHECK_INT_EQ(lnet, 1);
    /* one summary line per net, then the file */
    CHECK_STR_CONTAINS(out_text, "P-Net: ");
    CHECK_STR_CONTAINS(out_text, "6632 parameters");
    CHECK_STR_CONTAINS(out_text, "100178 parameters (ignored layer conv5-3, 1290 parameters)");
    CHECK_STR_CONTAINS(out_text, "389040 parameters");
    CHECK_STR_CONTAINS(out_text, "948102 parameters");
    CHECK_STR_CONTAINS(out_text, "wrote ");
    return 0;
}

static int without_lnet(void)
{
    CHECK(make_workdir() == 0);
    int rc = write_synthetic(0);
    char args[12000];
    /* no det4 in the directory: converted without L-Net */
    snprintf(args, sizeof args, "'%s' '%s'", work, in_work("a.mtcnn"));
    int code_a = rc ? -1 : run_convert(args);
    char out_a[sizeof out_text];
    memcpy(out_a, out_text, sizeof out_a);
    /* det4 there but --no-lnet */
    rc = rc || write_synthetic(1);
    snprintf(args, sizeof args, "--no-lnet '%s' '%s'", work, in_work("b.mtcnn"));
    int code_b = rc ? -1 : run_convert(args);
    mtcnn_model *a = NULL, *b = NULL;
    int la = mtcnn_model_load(in_work("a.mtcnn"), &a);
    int lb = mtcnn_model_load(in_work("b.mtcnn"), &b);
    int bad = la || lb || check_synthetic_model(a, 0) || check_synthetic_model(b, 0);
    int has_a = mtcnn_model_has_lnet(a), has_b = mtcnn_model_has_lnet(b);
    mtcnn_model_free(a);
    mtcnn_model_free(b);
    remove_workdir();
    CHECK_INT_EQ(code_a, 0);
    CHECK_INT_EQ(code_b, 0);
    CHECK(!bad);
    CHECK_INT_EQ(has_a, 0);
    CHECK_INT_EQ(has_b, 0);
    CHECK_STR_CONTAINS(out_a, "det4.caffemodel not found");
    CHECK_STR_CONTAINS(out_text, "L-Net: left out (--no-lnet)");
    return 0;
}

/* Finds `needle` in `hay` (memmem is not in strict POSIX). */
static int contains(const unsigned char *hay, size_t hn, const unsigned char *needle, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
            return 1;
    return 0;
}

static void to_le_bytes(const float *v, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &v[i], 4);
        for (int k = 0; k < 4; k++)
            out[4 * i + (size_t)k] = (unsigned char)(b >> (8 * k));
    }
}

/* The real weights: every converted tensor, put back into Caffe order, occurs byte for byte
 * in its raw .caffemodel (no protobuf parsing involved), and the two tensors that need the
 * rewrite do NOT occur as converted (so a converter that skipped it would fail here). */
static int reference(void)
{
    const char *dir_probe = check_shared_path("models/reference/det4.caffemodel");
    if (!dir_probe)
        SKIP("shared/models/reference not found (set MTCAM_SHARED_DIR)");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", dir_probe);
    *strrchr(dir, '/') = '\0';
    CHECK(make_workdir() == 0);
    char args[12000];
    snprintf(args, sizeof args, "'%s' '%s'", dir, in_work("original.mtcnn"));
    int code = run_convert(args);
    mtcnn_model *m = NULL;
    int load = code == 0 ? mtcnn_model_load(in_work("original.mtcnn"), &m) : -1;
    remove_workdir();
    CHECK_MSG(code == 0, "exit %d: %s", code, err_text);
    CHECK_MSG(load == 0, "%s", mtcnn_last_error());
    int ok = mtcnn_model_has_lnet(m);
    /* Spot check by hand: det2.caffemodel holds conv1's packed weights at byte 358 (after
     * the field tag 2a d0 17 found with xxd); its first floats, caffe[0][0][kx][ky] in
     * (kx, ky) order (0,0) (0,1) (0,2) (1,0) are bf00cec8 bed1596e be95abe1 3c9a951d. In the
     * image frame [ky][kx], element 1 is (ky 0, kx 1) = caffe (1,0), element 3 is caffe (0,1). */
    const float *w = m->t[MTCNN__T_RNET_CONV1_W];
    uint32_t bits[4];
    memcpy(bits, w, sizeof bits);
    CHECK_INT_EQ(bits[0], 0xbf00cec8u);
    CHECK_INT_EQ(bits[1], 0x3c9a951du);
    CHECK_INT_EQ(bits[3], 0xbed1596eu);

    static const char *files[] = {"det1", "det2", "det3", "det4"};
    static const char *prefixes[] = {"pnet.", "rnet.", "onet.", "lnet."};
    unsigned char *raw[4] = {NULL};
    size_t raw_n[4];
    for (int f = 0; f < 4 && ok; f++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.caffemodel", dir, files[f]);
        ok = (raw[f] = read_all(path, &raw_n[f])) != NULL;
    }
    int missing = -1, untouched = -1;
    for (int id = 0; id < MTCNN__T_COUNT && ok && missing < 0 && untouched < 0; id++) {
        const mtcnn__tensor_info *ti = &mtcnn__tensors[id];
        int f = 0;
        while (strncmp(ti->name, prefixes[f], 5) != 0)
            f++;
        size_t n = ti->count;
        float *caffe = malloc(n * sizeof(float));
        unsigned char *bytes = malloc(n * 4);
        if (!caffe || !bytes) {
            ok = 0;
        } else {
            to_caffe_order(id, m->t[id], caffe);
            to_le_bytes(caffe, n, bytes);
            if (!contains(raw[f], raw_n[f], bytes, n * 4))
                missing = id;
            if (strcmp(ti->name, "rnet.conv1.weight") == 0 || is_first_fc(ti->name)) {
                to_le_bytes(m->t[id], n, bytes);
                if (contains(raw[f], raw_n[f], bytes, n * 4))
                    untouched = id;
            }
        }
        free(caffe);
        free(bytes);
    }
    mtcnn_model_free(m);
    for (int f = 0; f < 4; f++)
        free(raw[f]);
    CHECK(ok);
    CHECK_MSG(missing < 0, "%s not found in its caffemodel", mtcnn__tensors[missing].name);
    CHECK_MSG(untouched < 0, "%s was stored without the frame rewrite",
              mtcnn__tensors[untouched].name);
    return 0;
}

static int corrupt_inputs(void)
{
    CHECK(make_workdir() == 0);
    CHECK(write_synthetic(0) == 0);
    size_t n;
    unsigned char *good = read_all(in_work("det2.caffemodel"), &n);
    CHECK(good);
    char prefix[8300], args[12000];
    snprintf(prefix, sizeof prefix, "mtcam-convert: %s: ", in_work("det2.caffemodel"));
    snprintf(args, sizeof args, "'%s' '%s'", work, in_work("out.mtcnn"));
    int bad = 0;
    /* truncated at many places: inside tags, lengths, names, shapes and float data */
    for (size_t cut = 0; cut < n && !bad; cut += cut < 64 ? 1 : 9973) {
        bad = write_all(in_work("det2.caffemodel"), good, cut) != 0;
        int code = run_convert(args);
        bad = bad || code != 1 || one_line_error(prefix) != 0;
        if (bad)
            fprintf(stderr, "cut at %zu: exit %d, stderr \"%s\"\n", cut, code, err_text);
    }
    /* garbage of several kinds */
    unsigned char junk[4096];
    uint32_t state = 7;
    for (size_t i = 0; i < sizeof junk; i++) {
        state = state * 1664525u + 1013904223u;
        junk[i] = (unsigned char)(state >> 24);
    }
    const struct {
        const void *data;
        size_t n;
        const char *needle;
    } cases[] = {
        {junk, sizeof junk, ""},
        {"", 0, "empty file"},
        {"\x0a\x05hello", 7, "no layers"},                   /* a name, but no layers */
        {"\xa2\x06\xff\xff\xff\xff\x0f", 7, "runs past the end"}, /* layer of length 2^32-1 */
        {"\xa2\x06\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80", 12, "varint too long"},
        {"\x0b\x0c", 2, "groups are not supported"},
        {"\x12\x00", 2, "legacy V1 layers"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !bad; i++) {
        bad = write_all(in_work("det2.caffemodel"), cases[i].data, cases[i].n) != 0;
        int code = run_convert(args);
        bad = bad || code != 1 || one_line_error(prefix) != 0 || !strstr(err_text, cases[i].needle);
        if (bad)
            fprintf(stderr, "case %zu: exit %d, stderr \"%s\"\n", i, code, err_text);
    }
    /* the wrong net under det2's name */
    size_t n3;
    unsigned char *det3 = read_all(in_work("det3.caffemodel"), &n3);
    bad = bad || !det3 || write_all(in_work("det2.caffemodel"), det3, n3) != 0 ||
          run_convert(args) != 1 || one_line_error(prefix) != 0 ||
          !strstr(err_text, "layer conv1: blob 0 has shape 32x3x3x3, expected 28x3x3x3");
    free(det3);
    if (bad)
        fprintf(stderr, "det3 as det2: \"%s\"\n", err_text);
    free(good);
    /* no output was left behind by any failed run */
    int leftover = access(in_work("out.mtcnn"), F_OK) == 0;
    remove_workdir();
    CHECK(!bad);
    CHECK(!leftover);
    return 0;
}

/* A blob whose shape does not match arch.h is named with both shapes. */
static int shape_mismatch(void)
{
    CHECK(make_workdir() == 0);
    CHECK(write_synthetic(0) == 0);
    /* det1 with conv2 as 16x10x3x2 (one column short) */
    pbw w = {0};
    int n;
    const caffe_layer_spec *spec = caffe_spec(0, &n);
    pbw_net_name(&w, "bad");
    float *data = calloc(32 * 16 * 9, sizeof(float)); /* the largest det1 blob (conv3) */
    CHECK(data);
    for (int l = 0; l < n; l++) {
        caffe_layer_spec s = spec[l];
        if (strcmp(s.name, "conv2") == 0)
            s.dims[0][3] = 2;
        const float *blobs[2] = {data, data};
        pbw_layer(&w, s.name, s.type, s.n_blobs, s.ndim, s.dims, blobs, PBW_PACKED);
    }
    free(data);
    int rc = pbw_save(&w, in_work("det1.caffemodel"));
    pbw_free(&w);
    char args[12000], prefix[8300];
    snprintf(args, sizeof args, "'%s' '%s'", work, in_work("out.mtcnn"));
    snprintf(prefix, sizeof prefix, "mtcam-convert: %s: ", in_work("det1.caffemodel"));
    int code = rc ? -1 : run_convert(args);
    int line = one_line_error(prefix);
    remove_workdir();
    CHECK_INT_EQ(code, 1);
    CHECK(line == 0);
    CHECK_STR_CONTAINS(err_text, "layer conv2: blob 0 has shape 16x10x3x2, expected 16x10x3x3");
    return 0;
}

static int missing_file(void)
{
    CHECK(make_workdir() == 0);
    char args[12000], prefix[8300];
    snprintf(args, sizeof args, "'%s' '%s'", work, in_work("out.mtcnn"));
    snprintf(prefix, sizeof prefix, "mtcam-convert: %s: cannot open", in_work("det1.caffemodel"));
    int code = run_convert(args);
    int line = one_line_error(prefix);
    /* an unwritable output */
    int wcode = -1, wline = 1;
    if (write_synthetic(0) == 0) {
        snprintf(args, sizeof args, "'%s' '%s/no/such/dir/out.mtcnn'", work, work);
        wcode = run_convert(args);
        wline = one_line_error("mtcam-convert: ");
    }
    remove_workdir();
    CHECK_INT_EQ(code, 1);
    CHECK(line == 0);
    CHECK_INT_EQ(wcode, 1);
    CHECK(wline == 0);
    CHECK_STR_CONTAINS(err_text, "cannot create");
    return 0;
}

static int usage(void)
{
    CHECK(make_workdir() == 0);
    int none = run_convert("");
    int l1 = one_line_error("mtcam-convert: ");
    int one = run_convert("dir");
    int bogus = run_convert("--bogus a b");
    int l2 = one_line_error("mtcam-convert: unknown option --bogus");
    int three = run_convert("a b c");
    int help = run_convert("--help");
    char help_out[sizeof out_text];
    memcpy(help_out, out_text, sizeof help_out);
    remove_workdir();
    CHECK_INT_EQ(none, 2);
    CHECK(l1 == 0);
    CHECK_INT_EQ(one, 2);
    CHECK_INT_EQ(bogus, 2);
    CHECK(l2 == 0);
    CHECK_INT_EQ(three, 2);
    CHECK_INT_EQ(help, 0);
    CHECK_STR_CONTAINS(help_out, "usage: mtcam-convert [--no-lnet] [--calibrate DATA] DIR OUT");
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"synthetic", synthetic},
        {"without_lnet", without_lnet},
        {"reference", reference},
        {"corrupt_inputs", corrupt_inputs},
        {"shape_mismatch", shape_mismatch},
        {"missing_file", missing_file},
        {"usage", usage},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
