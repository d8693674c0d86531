/* model-file-test.c - the model file format: round trips, the layout docs/model-format.md
 * promises (checked byte by byte with an independent CRC), and one real corrupted file per
 * failure the reader must name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "check.h"
#include "model.h"

/* Layout constants as docs/model-format.md states them (deliberately not taken from the
 * implementation). */
#define HEADER 64
#define ENTRY 96
#define E_DTYPE 48
#define E_NDIM 52
#define E_DIMS 56
#define E_OFFSET 72
#define E_COUNT 80

/* ---- helpers ------------------------------------------------------------------------- */

/* Bit-by-bit CRC-32 (zlib's), independent of the table-driven one in the library. */
static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const unsigned char *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void set32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void set64(unsigned char *p, uint64_t v)
{
    set32(p, (uint32_t)v);
    set32(p + 4, (uint32_t)(v >> 32));
}

static void fix_crc(unsigned char *buf, size_t size)
{
    set32(buf + 12, crc32_bitwise(buf + 16, size - 16));
}

static unsigned char *entry(unsigned char *buf, int i) { return buf + HEADER + (size_t)ENTRY * i; }

/* Tensors with distinct values per tensor and index; L-Net only when with_lnet. */
typedef struct tensor_set {
    float *t[MTCNN__T_COUNT];
} tensor_set;

static int make_tensors(tensor_set *s, int with_lnet)
{
    uint32_t state = 12345;
    for (int i = 0; i < MTCNN__T_COUNT; i++) {
        s->t[i] = NULL;
        if (!mtcnn__tensors[i].required && !with_lnet)
            continue;
        s->t[i] = malloc(mtcnn__tensors[i].count * sizeof(float));
        if (!s->t[i])
            return -1;
        for (uint32_t k = 0; k < mtcnn__tensors[i].count; k++) {
            state = state * 1664525u + 1013904223u;
            s->t[i][k] = (float)(int32_t)(state >> 8) / 8388608.0f - 1.0f;
        }
    }
    return 0;
}

static void free_tensors(tensor_set *s)
{
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        free(s->t[i]);
}

static const float *const *cts(const tensor_set *s) { return (const float *const *)s->t; }

/* A valid model in memory (L-Net or not), for the corruption cases. */
static int valid_image(int with_lnet, unsigned char **buf, size_t *size)
{
    tensor_set s;
    if (make_tensors(&s, with_lnet) < 0)
        return -1;
    void *data;
    int rc = mtcnn__model_write_memory(cts(&s), &data, size);
    free_tensors(&s);
    *buf = data;
    return rc;
}

/* Loads a (corrupted) image and checks it is refused with `code` and a one-line message that
 * names the input and contains `needle`. Returns 0 when so. */
static int expect_refused(const unsigned char *buf, size_t size, int code, const char *needle)
{
    mtcnn_model *m = (mtcnn_model *)(uintptr_t)1;
    int rc = mtcnn_model_load_memory(buf, size, "corrupt.mtcnn", &m);
    if (rc == 0) {
        mtcnn_model_free(m);
        fprintf(stderr, "expected \"%s\", but the model loaded\n", needle);
        return 1;
    }
    const char *msg = mtcnn_last_error();
    if ((code && rc != code) || m != NULL || strncmp(msg, "corrupt.mtcnn: ", 15) != 0 ||
        strchr(msg, '\n') || !strstr(msg, needle)) {
        fprintf(stderr, "rc %d (want %d), message \"%s\" (want \"%s\")\n", rc, code, msg,
                needle);
        return 1;
    }
    return 0;
}

static int models_equal(const mtcnn_model *m, const tensor_set *s)
{
    for (int i = 0; i < MTCNN__T_COUNT; i++) {
        if (!s->t[i]) {
            CHECK_MSG(m->t[i] == NULL, "tensor %s should be absent", mtcnn__tensors[i].name);
            continue;
        }
        CHECK_MSG(m->t[i] != NULL, "tensor %s missing", mtcnn__tensors[i].name);
        CHECK_MSG((uintptr_t)m->t[i] % MTCAM_ALIGN == 0, "tensor %s not aligned",
                  mtcnn__tensors[i].name);
        CHECK_MSG(memcmp(m->t[i], s->t[i], mtcnn__tensors[i].count * sizeof(float)) == 0,
                  "tensor %s differs", mtcnn__tensors[i].name);
    }
    return 0;
}

static char tmp_path[4096];

static const char *temp_file(const char *name)
{
    snprintf(tmp_path, sizeof tmp_path, "%s/%s-%ld", MTCAM_TEST_TMP, name, (long)getpid());
    return tmp_path;
}

/* ---- round trips --------------------------------------------------------------------- */

static int roundtrip_file(void)
{
    for (int lnet = 0; lnet <= 1; lnet++) {
        tensor_set s;
        CHECK(make_tensors(&s, lnet) == 0);
        const char *path = temp_file("roundtrip.mtcnn");
        CHECK_INT_EQ(mtcnn__model_write_file(path, cts(&s)), 0);
        mtcnn_model *m = NULL;
        int rc = mtcnn_model_load(path, &m);
        remove(path);
        CHECK_MSG(rc == 0, "%s", mtcnn_last_error());
        CHECK_INT_EQ(mtcnn_model_has_lnet(m), lnet);
        int bad = models_equal(m, &s);
        mtcnn_model_free(m);
        free_tensors(&s);
        CHECK(!bad);
        /* the temporary file of the atomic write is gone */
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        CHECK(access(tmp, F_OK) != 0);
    }
    return 0;
}

static int roundtrip_memory(void)
{
    tensor_set s;
    CHECK(make_tensors(&s, 1) == 0);
    void *data;
    size_t size;
    CHECK_INT_EQ(mtcnn__model_write_memory(cts(&s), &data, &size), 0);
    mtcnn_model *a = NULL, *b = NULL;
    int ra = mtcnn_model_load_memory(data, size, "mem", &a);
    int rb = mtcnn__model_from_tensors(cts(&s), &b);
    free(data);
    int bad = ra || rb || models_equal(a, &s) || models_equal(b, &s);
    mtcnn_model_free(a);
    mtcnn_model_free(b);
    free_tensors(&s);
    CHECK_MSG(!bad, "ra %d rb %d: %s", ra, rb, mtcnn_last_error());
    return 0;
}

/* The bytes are what docs/model-format.md says, checked field by field. */
static int layout(void)
{
    CHECK_INT_EQ(crc32_bitwise((const unsigned char *)"123456789", 9), 0xCBF43926u);
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(1, &buf, &size) == 0);
    int bad = 0;
    if (memcmp(buf, "MTCAMNN\0", 8) != 0 || get32(buf + 8) != 1 ||
        get32(buf + 12) != crc32_bitwise(buf + 16, size - 16) || get64(buf + 16) != size ||
        get32(buf + 24) != MTCNN__T_COUNT || get32(buf + 28) != ENTRY || get64(buf + 32) != HEADER)
        bad = 1;
    uint64_t prev_end = HEADER + (uint64_t)ENTRY * MTCNN__T_COUNT;
    for (int i = 0; i < MTCNN__T_COUNT && !bad; i++) {
        const unsigned char *e = entry(buf, i);
        const mtcnn__tensor_info *ti = &mtcnn__tensors[i];
        uint64_t off = get64(e + E_OFFSET);
        if (strcmp((const char *)e, ti->name) != 0 || get32(e + E_DTYPE) != 0 ||
            get32(e + E_NDIM) != (uint32_t)ti->ndim || get64(e + E_COUNT) != ti->count ||
            off % 64 != 0 || off < prev_end || off + 4ull * ti->count > size)
            bad = 2 + i;
        for (int d = 0; d < 4 && !bad; d++)
            if (get32(e + E_DIMS + 4 * d) != (d < ti->ndim ? ti->dims[d] : 0))
                bad = 2 + i;
        prev_end = off + 4ull * ti->count;
    }
    free(buf);
    CHECK_INT_EQ(bad, 0);
    return 0;
}

/* ---- corruptions --------------------------------------------------------------------- */

static int truncated(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    int bad = 0;
    for (size_t cut = 0; cut < size && !bad; cut += cut < 2048 ? 1 : 997)
        bad = expect_refused(buf, cut, MTCNN_EMODEL, "truncated");
    /* and through the file API, on real truncated files */
    const char *path = temp_file("truncated.mtcnn");
    size_t cuts[] = {0, 5, 63, 64, 1000, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0] && !bad; i++) {
        FILE *f = fopen(path, "wb");
        bad = !f || fwrite(buf, 1, cuts[i], f) != cuts[i];
        if (f)
            fclose(f);
        mtcnn_model *m = NULL;
        bad = bad || mtcnn_model_load(path, &m) != MTCNN_EMODEL;
        const char *msg = mtcnn_last_error();
        bad = bad || strncmp(msg, path, strlen(path)) != 0 || !strstr(msg, "truncated");
        if (bad)
            fprintf(stderr, "cut at %zu: \"%s\"\n", cuts[i], msg);
    }
    remove(path);
    free(buf);
    CHECK(!bad);
    return 0;
}

static int trailing_bytes(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    unsigned char *longer = realloc(buf, size + 1);
    CHECK(longer);
    longer[size] = 0;
    int bad = expect_refused(longer, size + 1, MTCNN_EMODEL, "unexpected bytes");
    free(longer);
    CHECK(!bad);
    return 0;
}

static int bad_magic(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    int bad = 0;
    for (int i = 0; i < 8 && !bad; i++) {
        buf[i] ^= 0x20;
        bad = expect_refused(buf, size, MTCNN_EMODEL, "bad magic");
        buf[i] ^= 0x20;
    }
    const char *png = "\x89PNG\r\n\x1a\n and more bytes than a header";
    bad = bad || expect_refused((const unsigned char *)png, strlen(png), MTCNN_EMODEL,
                                "bad magic");
    free(buf);
    CHECK(!bad);
    return 0;
}

static int bad_version(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    set32(buf + 8, 3);
    fix_crc(buf, size); /* the version is outside the checksum anyway */
    int bad = expect_refused(buf, size, MTCNN_EUNSUPPORTED, "unsupported format version 3");
    /* version 2 promises the calibration tensor */
    set32(buf + 8, 2);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "version 2 file without");
    set32(buf + 8, 0);
    bad = bad || expect_refused(buf, size, MTCNN_EUNSUPPORTED, "version 0");
    free(buf);
    CHECK(!bad);
    return 0;
}

/* ---- the INT8 calibration (format version 2) ---- */

static void make_scales(float *v)
{
    for (int i = 0; i < MTCNN__N_ACT; i++)
        v[i] = 0.001f * (float)(i + 1) + 0.0078125f;
}

/* A valid version 2 image: the weights plus calib.act_scale (the last entry). */
static int valid_calib_image(int with_lnet, unsigned char **buf, size_t *size)
{
    tensor_set s;
    if (make_tensors(&s, with_lnet) < 0)
        return -1;
    float scales[MTCNN__N_ACT];
    make_scales(scales);
    void *data;
    int rc = mtcnn__model_write_memory_calib(cts(&s), scales, &data, size);
    free_tensors(&s);
    *buf = data;
    return rc;
}

static int calib_roundtrip(void)
{
    for (int lnet = 0; lnet < 2; lnet++) {
        tensor_set s;
        CHECK(make_tensors(&s, lnet) == 0);
        float scales[MTCNN__N_ACT];
        make_scales(scales);
        void *plain, *calib;
        size_t plain_size, calib_size;
        CHECK(mtcnn__model_write_memory(cts(&s), &plain, &plain_size) == 0);
        CHECK(mtcnn__model_write_memory_calib(cts(&s), scales, &calib, &calib_size) == 0);
        /* Without a calibration the writer still writes version 1, byte for byte as before
         * (older builds read it); with one, version 2 and one more entry. */
        CHECK_INT_EQ(get32((unsigned char *)plain + 8), 1);
        CHECK_INT_EQ(get32((unsigned char *)calib + 8), 2);
        CHECK_INT_EQ(get32((unsigned char *)calib + 24), get32((unsigned char *)plain + 24) + 1);
        mtcnn_model *a, *b;
        CHECK(mtcnn_model_load_memory(plain, plain_size, "plain", &a) == 0);
        CHECK(mtcnn_model_load_memory(calib, calib_size, "calib", &b) == 0);
        CHECK(!a->has_calib && b->has_calib);
        CHECK(models_equal(b, &s) == 0);
        CHECK(memcmp(b->act_scale, scales, sizeof scales) == 0);
        CHECK(a->packed_q8 == NULL && b->packed_q8 != NULL);
        /* from_tensors gives the same model */
        mtcnn_model *c;
        CHECK(mtcnn__model_from_tensors_calib(cts(&s), scales, &c) == 0);
        CHECK(c->has_calib && memcmp(c->act_scale, scales, sizeof scales) == 0);
        mtcnn_model_free(a), mtcnn_model_free(b), mtcnn_model_free(c);
        free(plain), free(calib);
        free_tensors(&s);
    }
    return 0;
}

static int calib_bad(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_calib_image(0, &buf, &size) == 0);
    const int n = (int)get32(buf + 24);
    unsigned char *e = entry(buf, n - 1);
    CHECK(strcmp((const char *)e, "calib.act_scale") == 0);
    const uint64_t at = get64(e + 72);
    int bad = 0;
    /* a version 1 file cannot carry it */
    set32(buf + 8, 1);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "version 1 file cannot hold");
    set32(buf + 8, 2);
    /* values: zero, negative, NaN are no scales */
    const float bad_values[] = {0.0f, -1.0f, NAN, INFINITY};
    for (int i = 0; i < 4 && !bad; i++) {
        uint32_t bits, old = get32(buf + at + 8);
        memcpy(&bits, &bad_values[i], 4);
        set32(buf + at + 8, bits);
        fix_crc(buf, size);
        bad = expect_refused(buf, size, MTCNN_EMODEL, "calib.act_scale: value 2");
        set32(buf + at + 8, old);
    }
    /* wrong shape */
    set32(e + 56, MTCNN__N_ACT + 1);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "wrong shape");
    set32(e + 56, MTCNN__N_ACT);
    /* twice */
    memcpy(entry(buf, n - 2), e, ENTRY);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "duplicate tensor calib.act_scale");
    free(buf);
    /* every truncation of a version 2 file is refused as truncated */
    CHECK(valid_calib_image(0, &buf, &size) == 0);
    for (size_t cut = 0; cut < size && !bad; cut += cut < 8192 ? 61 : 4099)
        bad = expect_refused(buf, cut, MTCNN_EMODEL, "truncated");
    free(buf);
    /* the writer refuses what the reader would */
    tensor_set s;
    CHECK(make_tensors(&s, 0) == 0);
    float scales[MTCNN__N_ACT];
    make_scales(scales);
    scales[5] = 0.0f;
    void *data = NULL;
    size_t dsize;
    CHECK(mtcnn__model_write_memory_calib(cts(&s), scales, &data, &dsize) == MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "not a positive scale");
    free_tensors(&s);
    CHECK(!bad);
    return 0;
}

static int bad_crc(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    buf[size / 2] ^= 1; /* one bit in the middle of the weights */
    int bad = expect_refused(buf, size, MTCNN_EMODEL, "checksum mismatch");
    buf[size / 2] ^= 1;
    set32(buf + 12, get32(buf + 12) + 1);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "checksum mismatch");
    free(buf);
    CHECK(!bad);
    return 0;
}

/* Any single flipped bit anywhere must be refused (CRC-32 detects every 1-bit error, and the
 * fields before it are checked on their own), never load and never crash. */
static int bit_flips(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    uint32_t state = 99;
    int bad = 0;
    for (int n = 0; n < 300 && !bad; n++) {
        state = state * 1664525u + 1013904223u;
        size_t at = n < 96 ? (size_t)n * 13 % 4096 : (state >> 4) % size;
        int bit = (int)(state >> 28) & 7;
        buf[at] ^= (unsigned char)(1u << bit);
        bad = expect_refused(buf, size, 0, "");
        if (bad)
            fprintf(stderr, "flip byte %zu bit %d\n", at, bit);
        buf[at] ^= (unsigned char)(1u << bit);
    }
    free(buf);
    CHECK(!bad);
    return 0;
}

static int unknown_tensor(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    memcpy(entry(buf, 0), "pnet.conv9.weight", 17);
    fix_crc(buf, size);
    int bad = expect_refused(buf, size, MTCNN_EMODEL, "unknown tensor \"pnet.conv9.weight\"");
    /* a name without its terminating NUL */
    memset(entry(buf, 0), 'a', 48);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "not terminated");
    free(buf);
    CHECK(!bad);
    return 0;
}

static int duplicate_tensor(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    /* entry 2 (pnet.prelu1.slope, 10 floats) renamed to entry 0's name */
    CHECK(strcmp((char *)entry(buf, 2), "pnet.prelu1.slope") == 0);
    memset(entry(buf, 2), 0, 48);
    strcpy((char *)entry(buf, 2), "pnet.conv1.weight");
    fix_crc(buf, size);
    int bad = expect_refused(buf, size, MTCNN_EMODEL, "duplicate tensor pnet.conv1.weight");
    free(buf);
    CHECK(!bad);
    return 0;
}

static int wrong_shape(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    int rnet_conv1 = mtcnn__tensor_find("rnet.conv1.weight");
    CHECK(rnet_conv1 >= 0);
    unsigned char *e = entry(buf, rnet_conv1);
    set32(e + E_DIMS + 12, 2);
    fix_crc(buf, size);
    int bad = expect_refused(buf, size, MTCNN_EMODEL,
                             "tensor rnet.conv1.weight: wrong shape: expected 28x3x3x3, got "
                             "28x3x3x2");
    set32(e + E_DIMS + 12, 3);
    set32(e + E_NDIM, 2);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "expected 28x3x3x3, got 28x3");
    set32(e + E_NDIM, 4);
    set32(entry(buf, rnet_conv1 + 1) + E_DIMS + 4, 7); /* rnet.conv1.bias: 28 with junk after */
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL,
                                "tensor rnet.conv1.bias: wrong shape: expected 28, got 28x7x0x0");
    set32(e + E_NDIM, 4000000000u);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "got 4000000000 dimensions");
    free(buf);
    CHECK(!bad);
    return 0;
}

static int missing_tensor(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    /* one entry less: the last one (onet.fc6_3.bias) disappears from the table */
    set32(buf + 24, get32(buf + 24) - 1);
    fix_crc(buf, size);
    int bad =
        expect_refused(buf, size, MTCNN_EMODEL, "missing required tensor onet.fc6_3.bias");
    free(buf);
    CHECK(!bad);
    return 0;
}

static int partial_lnet(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(1, &buf, &size) == 0);
    set32(buf + 24, get32(buf + 24) - 1);
    fix_crc(buf, size);
    int bad = expect_refused(buf, size, MTCNN_EMODEL, "incomplete L-Net");
    free(buf);
    CHECK(!bad);
    /* and the in-memory constructors refuse the same set */
    tensor_set s;
    CHECK(make_tensors(&s, 1) == 0);
    int last = MTCNN__T_COUNT - 1;
    float *keep = s.t[last];
    s.t[last] = NULL;
    mtcnn_model *m = NULL;
    void *data = NULL;
    size_t n;
    int r1 = mtcnn__model_from_tensors(cts(&s), &m);
    int r2 = mtcnn__model_write_memory(cts(&s), &data, &n);
    s.t[last] = keep;
    free_tensors(&s);
    CHECK_INT_EQ(r1, MTCNN_EMODEL);
    CHECK_INT_EQ(r2, MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "incomplete L-Net");
    CHECK(m == NULL && data == NULL);
    return 0;
}

static int bad_offsets(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    /* entry 0 is pnet.conv1.weight (270 floats), entry 1 pnet.conv1.bias (10) */
    unsigned char *e0 = entry(buf, 0);
    uint64_t off0 = get64(e0 + E_OFFSET), count0 = get64(e0 + E_COUNT);
    uint64_t off1 = get64(entry(buf, 1) + E_OFFSET);
    int bad = 0;
    struct {
        uint64_t offset, count;
        const char *needle;
    } cases[] = {
        {off1, count0, "tensors pnet.conv1.weight and pnet.conv1.bias overlap"},
        {(uint64_t)size, count0, "outside the data area"},
        {size - 64, count0, "outside the data area"}, /* starts inside, ends past the end */
        {0, count0, "outside the data area"},         /* would read the header as weights */
        {HEADER, count0, "outside the data area"},    /* ... or the table */
        {UINT64_MAX - 63, count0, "outside the data area"},
        {off0 + 4, count0, "not a multiple of 64"},
        {off0, (uint64_t)1 << 62, "absurd float count"},
        {off0, count0 + 1, "absurd float count"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && !bad; i++) {
        set64(e0 + E_OFFSET, cases[i].offset);
        set64(e0 + E_COUNT, cases[i].count);
        fix_crc(buf, size);
        bad = expect_refused(buf, size, MTCNN_EMODEL, cases[i].needle);
    }
    free(buf);
    CHECK(!bad);
    return 0;
}

static int bad_table(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    int bad = 0;
    set32(buf + 24, 0xFFFFFFFFu);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "absurd tensor count 4294967295");
    set32(buf + 24, MTCNN__T_COUNT - 1);
    set32(buf + 28, 95);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "entry size 95");
    set32(buf + 28, ENTRY);
    set64(buf + 32, UINT64_MAX);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "tensor table");
    set64(buf + 32, size - 100);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "tensor table");
    set32(buf + 24, 0);
    set64(buf + 32, HEADER);
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "missing required tensor pnet.conv1");
    free(buf);
    CHECK(!bad);
    return 0;
}

/* Issue 18: finite but absurd magnitudes (every weight 1e38, checksum fixed up) loaded and
 * found no face; they are refused like NaN. The bound is 1e4 (model-file.c says why). */
static int absurd_magnitude(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(1, &buf, &size) == 0); /* every tensor, in table order */
    int bad = 0;
    for (int id = 0; id < MTCNN__T_COUNT; id++) {
        unsigned char *v = buf + get64(entry(buf, id) + E_OFFSET);
        for (uint32_t k = 0; k < mtcnn__tensors[id].count; k++)
            set32(v + 4 * (size_t)k, 0x7E967699u); /* 1e38 */
    }
    fix_crc(buf, size);
    bad = expect_refused(buf, size, MTCNN_EMODEL, "value 0 is 1e+38, beyond the 10000");
    free(buf);
    CHECK(!bad);
    /* One value just past the bound is refused, one just inside it is not. */
    CHECK(valid_image(0, &buf, &size) == 0);
    int id = mtcnn__tensor_find("rnet.conv2.weight");
    CHECK(id >= 0);
    unsigned char *v = buf + get64(entry(buf, id) + E_OFFSET) + 4 * 5;
    set32(v, 0xC61C4400u); /* -10001 */
    fix_crc(buf, size);
    bad = expect_refused(buf, size, MTCNN_EMODEL, "tensor rnet.conv2.weight: value 5 is -10001");
    set32(v, 0x461C3C00u); /* 9999 */
    fix_crc(buf, size);
    mtcnn_model *m = NULL;
    int rc = mtcnn_model_load_memory(buf, size, "inside.mtcnn", &m);
    mtcnn_model_free(m);
    free(buf);
    CHECK(!bad);
    CHECK_MSG(rc == 0, "9999 refused: %s", mtcnn_last_error());
    /* the writer refuses to produce such a file */
    tensor_set s;
    CHECK(make_tensors(&s, 0) == 0);
    s.t[id][3] = 1e38f;
    void *data = NULL;
    size_t n;
    int r1 = mtcnn__model_write_memory(cts(&s), &data, &n);
    free_tensors(&s);
    CHECK_INT_EQ(r1, MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "value 3 is 1e+38");
    return 0;
}

static int not_finite(void)
{
    unsigned char *buf;
    size_t size;
    CHECK(valid_image(0, &buf, &size) == 0);
    int id = mtcnn__tensor_find("onet.fc5.weight");
    CHECK(id >= 0);
    unsigned char *v = buf + get64(entry(buf, id) + E_OFFSET) + 4 * 1000;
    set32(v, 0x7FC00000u); /* quiet NaN */
    fix_crc(buf, size);
    int bad = expect_refused(buf, size, MTCNN_EMODEL, "tensor onet.fc5.weight: value 1000 is NaN");
    set32(v, 0xFF800000u); /* -Inf */
    fix_crc(buf, size);
    bad = bad || expect_refused(buf, size, MTCNN_EMODEL, "value 1000 is infinite");
    free(buf);
    CHECK(!bad);
    /* the writer refuses to produce such a file in the first place */
    tensor_set s;
    CHECK(make_tensors(&s, 0) == 0);
    s.t[id][7] = NAN;
    void *data = NULL;
    size_t n;
    mtcnn_model *m = NULL;
    int r1 = mtcnn__model_write_memory(cts(&s), &data, &n);
    int r2 = mtcnn__model_from_tensors(cts(&s), &m);
    free_tensors(&s);
    CHECK_INT_EQ(r1, MTCNN_EMODEL);
    CHECK_INT_EQ(r2, MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "value 7 is NaN");
    return 0;
}

static int file_errors(void)
{
    mtcnn_model *m = (mtcnn_model *)(uintptr_t)1;
    CHECK_INT_EQ(mtcnn_model_load("/nonexistent/dir/x.mtcnn", &m), MTCNN_ENOTFOUND);
    CHECK(m == NULL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "/nonexistent/dir/x.mtcnn: cannot open");
    CHECK(mtcnn_model_load(MTCAM_TEST_TMP, &m) < 0); /* a directory */
    CHECK_STR_CONTAINS(mtcnn_last_error(), MTCAM_TEST_TMP ": ");
    /* an endless device: refused after the size limit, not read forever */
    CHECK_INT_EQ(mtcnn_model_load("/dev/zero", &m), MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "larger than any model");
    CHECK_INT_EQ(mtcnn_model_load(NULL, &m), MTCNN_EINVAL);
    CHECK_INT_EQ(mtcnn_model_load("x", NULL), MTCNN_EINVAL);
    CHECK_INT_EQ(mtcnn_model_load_memory(NULL, 10, "x", &m), MTCNN_EINVAL);
    CHECK_INT_EQ(mtcnn_model_load_memory(NULL, 0, NULL, &m), MTCNN_EMODEL);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "truncated");
    CHECK_INT_EQ(mtcnn__model_write_file("/nonexistent/dir/x.mtcnn", NULL), MTCNN_EINVAL);
    tensor_set s;
    CHECK(make_tensors(&s, 0) == 0);
    int rc = mtcnn__model_write_file("/nonexistent/dir/x.mtcnn", cts(&s));
    free_tensors(&s);
    CHECK_INT_EQ(rc, MTCNN_ENOTFOUND);
    CHECK_STR_CONTAINS(mtcnn_last_error(), "/nonexistent/dir/x.mtcnn.tmp: cannot create");
    mtcnn_model_free(NULL);
    CHECK_INT_EQ(mtcnn_model_has_lnet(NULL), 0);
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"roundtrip_file", roundtrip_file},
        {"roundtrip_memory", roundtrip_memory},
        {"layout", layout},
        {"truncated", truncated},
        {"trailing_bytes", trailing_bytes},
        {"bad_magic", bad_magic},
        {"bad_version", bad_version},
        {"bad_crc", bad_crc},
        {"calib_roundtrip", calib_roundtrip},
        {"calib_bad", calib_bad},
        {"bit_flips", bit_flips},
        {"unknown_tensor", unknown_tensor},
        {"duplicate_tensor", duplicate_tensor},
        {"wrong_shape", wrong_shape},
        {"missing_tensor", missing_tensor},
        {"partial_lnet", partial_lnet},
        {"bad_offsets", bad_offsets},
        {"bad_table", bad_table},
        {"not_finite", not_finite},
        {"absurd_magnitude", absurd_magnitude},
        {"file_errors", file_errors},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
