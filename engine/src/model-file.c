/* model-file.c - the project's model file: writer, fully validating reader, model lifetime.
 *
 * The format is specified in docs/model-format.md. In short (all integers little-endian):
 *   header (64 bytes): magic "MTCAMNN\0", u32 version, u32 crc32 of bytes [16, end),
 *                      u64 file size, u32 tensor count, u32 entry size, u64 table offset
 *   table: one 96-byte entry per tensor: name[48], u32 dtype, u32 ndim, u32 dims[4],
 *          u64 data offset, u64 float count, u64 reserved
 *   data: float32 little-endian, each tensor at a 64-byte aligned offset.
 *
 * The reader trusts nothing: every size is checked before it is used for anything, in an
 * order chosen so the message names the first real problem (a truncated file says
 * "truncated", not "checksum mismatch").
 */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "err.h"
#include "file.h"

#define MAGIC "MTCAMNN\0"
#define MAGIC_SIZE 8
/* Version 2 = version 1 plus the INT8 calibration tensor (calib.act_scale); files without a
 * calibration are still written as version 1, so older builds keep reading them. */
#define FORMAT_VERSION 2u
#define FORMAT_VERSION_PLAIN 1u
#define HEADER_SIZE 64u
#define ENTRY_SIZE 96u
#define NAME_SIZE 48u
#define DTYPE_F32LE 0u
#define DATA_ALIGN 64u
/* Larger than any valid file (all tensors with L-Net are about 14 MB); a bigger input is
 * rejected before it is read into memory. */
#define MAX_FILE_SIZE (64u << 20)

/* Header field offsets. */
enum {
    H_MAGIC = 0,
    H_VERSION = 8,
    H_CRC = 12,
    H_FILE_SIZE = 16,
    H_COUNT = 24,
    H_ENTRY_SIZE = 28,
    H_TABLE_OFFSET = 32,
    CRC_START = 16 /* the checksum covers everything after itself */
};
/* Table entry field offsets. */
enum { E_NAME = 0, E_DTYPE = 48, E_NDIM = 52, E_DIMS = 56, E_OFFSET = 72, E_COUNT = 80 };

/* ---- little-endian helpers and CRC-32 ------------------------------------------------ */

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

static float f32_from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static uint32_t bits_from_f32(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32). The table is built
 * on the stack per call: 2 KB of work against megabytes of data, and no shared state, so
 * loads on several threads need no once-initialisation. */
static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

/* ---- layout shared by the writer and the model storage ------------------------------- */

static size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

static int is_lnet(int id) { return !mtcnn__tensors[id].required; }

/* The calibration is one more table entry, outside arch.h's weights: id MTCNN__T_COUNT. */
#define CALIB_ID MTCNN__T_COUNT
static const mtcnn__tensor_info calib_info = {
    .name = MTCNN__CALIB_NAME, .required = 0, .ndim = 1, .dims = {MTCNN__N_ACT}, .count = MTCNN__N_ACT};

static const mtcnn__tensor_info *info_of(int id)
{
    return id == CALIB_ID ? &calib_info : &mtcnn__tensors[id];
}

static int find_entry_id(const char *name)
{
    return strcmp(name, MTCNN__CALIB_NAME) == 0 ? CALIB_ID : mtcnn__tensor_find(name);
}

/* A calibration is MTCNN__N_ACT finite, positive scales. */
static int check_calib(const char *name, const float *v)
{
    for (int i = 0; i < MTCNN__N_ACT; i++)
        if (!isfinite(v[i]) || !(v[i] > 0.0f))
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: value %d is %g, not a positive scale", name,
                                   MTCNN__CALIB_NAME, i, (double)v[i]);
    return 0;
}

/* Formats dims as "28x3x3x3" for messages. */
static void dims_text(char *buf, size_t size, int ndim, const uint32_t *dims)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < ndim && len < size; i++) {
        int w = snprintf(buf + len, size - len, i ? "x%u" : "%u", (unsigned)dims[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Copies a tensor name from the file for a message, replacing anything unprintable so a
 * corrupt file cannot put control characters into the one-line error. */
static void name_text(char *buf, const unsigned char *raw)
{
    size_t i = 0;
    for (; i < NAME_SIZE && raw[i]; i++)
        buf[i] = (raw[i] >= 0x20 && raw[i] < 0x7F) ? (char)raw[i] : '?';
    buf[i] = '\0';
}

/* ---- the model object ---------------------------------------------------------------- */

/* Allocates a model whose storage has room for every required tensor and, when with_lnet,
 * every L-Net tensor; t[] points at each tensor's 64-byte aligned slot, NULL when absent.
 * `slots` receives the writable pointers (the model's t[] is const). */
static int model_alloc(const char *name, int with_lnet, mtcnn_model **out,
                       float *slots[MTCNN__T_COUNT])
{
    size_t total = 0;
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        if (!is_lnet(i) || with_lnet)
            total += align_up((size_t)mtcnn__tensors[i].count * sizeof(float), DATA_ALIGN);
    mtcnn_model *m = calloc(1, sizeof *m);
    if (!m)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the model", name);
    m->storage = mtcam_alloc_aligned(total);
    if (!m->storage) {
        free(m);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for %zu bytes of weights", name,
                               total);
    }
    size_t at = 0;
    for (int i = 0; i < MTCNN__T_COUNT; i++) {
        slots[i] = NULL;
        m->t[i] = NULL;
        if (is_lnet(i) && !with_lnet)
            continue;
        slots[i] = (float *)((char *)m->storage + at);
        m->t[i] = slots[i];
        at += align_up((size_t)mtcnn__tensors[i].count * sizeof(float), DATA_ALIGN);
    }
    m->has_lnet = with_lnet;
    *out = m;
    return 0;
}

MTCNN_API void mtcnn_model_free(mtcnn_model *model)
{
    if (!model)
        return;
    mtcnn__model_unprepare(model);
    mtcam_free_aligned(model->storage);
    free(model);
}

MTCNN_API int mtcnn_model_has_lnet(const mtcnn_model *model)
{
    return model ? model->has_lnet : 0;
}

/* Hands a filled model to the network code and then to the caller. */
static int model_finish(const char *name, mtcnn_model *m, mtcnn_model **out)
{
    int rc = mtcnn__model_prepare(m);
    if (rc < 0) {
        /* prepare set the message; unprepare (via free) copes with a half-prepared model */
        mtcnn_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* Which tensors a set holds: all required ones, and the L-Net all or none. Returns 1/0 in
 * *with_lnet. `present[i]` is non-zero when tensor i is there. */
static int check_presence(const char *name, const int present[MTCNN__T_COUNT], int *with_lnet)
{
    int first_lnet = -1, first_missing_lnet = -1;
    for (int i = 0; i < MTCNN__T_COUNT; i++) {
        if (!is_lnet(i)) {
            if (!present[i])
                return mtcam_set_error(MTCNN_EMODEL, "%s: missing required tensor %s", name,
                                       mtcnn__tensors[i].name);
        } else if (present[i]) {
            if (first_lnet < 0)
                first_lnet = i;
        } else if (first_missing_lnet < 0) {
            first_missing_lnet = i;
        }
    }
    if (first_lnet >= 0 && first_missing_lnet >= 0)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: incomplete L-Net: has %s but not %s (all L-Net tensors or "
                               "none)",
                               name, mtcnn__tensors[first_lnet].name,
                               mtcnn__tensors[first_missing_lnet].name);
    *with_lnet = first_lnet >= 0;
    return 0;
}

/* No weight, bias or PReLU slope of a trained MTCNN comes near this: the largest magnitude
 * in the original weights is 3.1 (pnet.conv1.weight) and in models/mtcam.mtcnn 1.9
 * (onet.fc6_1.bias), so 1e4 leaves a margin of three thousand. Beyond it a file is damaged or
 * a training run diverged: values like 1e38 overflow to infinity in the first layer and the
 * model silently finds nothing, so they are refused like NaN. */
#define MODEL_MAX_MAGNITUDE 1e4f

static int check_finite(const char *name, int id, const float *v)
{
    for (uint32_t k = 0; k < mtcnn__tensors[id].count; k++) {
        if (!isfinite(v[k]))
            return mtcam_set_error(MTCNN_EMODEL, "%s: tensor %s: value %u is %s", name,
                                   mtcnn__tensors[id].name, (unsigned)k,
                                   isnan(v[k]) ? "NaN" : "infinite");
        if (fabsf(v[k]) > MODEL_MAX_MAGNITUDE)
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: value %u is %g, beyond the %g a trained "
                                   "network's weights stay within (damaged file or diverged "
                                   "training)",
                                   name, mtcnn__tensors[id].name, (unsigned)k, (double)v[k],
                                   (double)MODEL_MAX_MAGNITUDE);
    }
    return 0;
}

/* Validates a caller's tensor set (writer and from_tensors share it). */
static int check_tensor_set(const char *name, const float *const tensors[MTCNN__T_COUNT],
                            int *with_lnet)
{
    if (!tensors)
        return mtcam_set_error(MTCNN_EINVAL, "%s: no tensors given", name);
    int present[MTCNN__T_COUNT];
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        present[i] = tensors[i] != NULL;
    int rc = check_presence(name, present, with_lnet);
    if (rc < 0)
        return rc;
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        if (tensors[i] && (rc = check_finite(name, i, tensors[i])) < 0)
            return rc;
    return 0;
}

int mtcnn__model_from_tensors(const float *const tensors[MTCNN__T_COUNT], mtcnn_model **out)
{
    return mtcnn__model_from_tensors_calib(tensors, NULL, out);
}

int mtcnn__model_from_tensors_calib(const float *const tensors[MTCNN__T_COUNT],
                                    const float *act_scale, mtcnn_model **out)
{
    static const char name[] = "model from tensors";
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "%s: out is NULL", name);
    *out = NULL;
    int with_lnet, rc = check_tensor_set(name, tensors, &with_lnet);
    if (rc < 0 || (act_scale && (rc = check_calib(name, act_scale)) < 0))
        return rc;
    mtcnn_model *m;
    float *slots[MTCNN__T_COUNT];
    if ((rc = model_alloc(name, with_lnet, &m, slots)) < 0)
        return rc;
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        if (slots[i])
            memcpy(slots[i], tensors[i], (size_t)mtcnn__tensors[i].count * sizeof(float));
    if (act_scale) {
        memcpy(m->act_scale, act_scale, sizeof m->act_scale);
        m->has_calib = 1;
    }
    return model_finish(name, m, out);
}

/* ---- writer -------------------------------------------------------------------------- */

int mtcnn__model_write_memory(const float *const tensors[MTCNN__T_COUNT], void **data,
                              size_t *size)
{
    return mtcnn__model_write_memory_calib(tensors, NULL, data, size);
}

int mtcnn__model_write_memory_calib(const float *const tensors[MTCNN__T_COUNT],
                                    const float *act_scale, void **data, size_t *size)
{
    static const char name[] = "model writer";
    if (!data || !size)
        return mtcam_set_error(MTCNN_EINVAL, "%s: data or size is NULL", name);
    *data = NULL;
    *size = 0;
    int with_lnet, rc = check_tensor_set(name, tensors, &with_lnet);
    if (rc < 0 || (act_scale && (rc = check_calib(name, act_scale)) < 0))
        return rc;

    /* The entries: the weights in arch.h order, then the calibration when there is one. */
    const float *src[MTCNN__T_COUNT + 1];
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        src[i] = tensors[i];
    src[CALIB_ID] = act_scale;
    uint32_t count = 0;
    for (int i = 0; i <= CALIB_ID; i++)
        count += src[i] != NULL;
    size_t total = align_up(HEADER_SIZE + (size_t)count * ENTRY_SIZE, DATA_ALIGN);
    for (int i = 0; i <= CALIB_ID; i++)
        if (src[i])
            total += align_up((size_t)info_of(i)->count * 4, DATA_ALIGN);

    unsigned char *buf = calloc(1, total); /* padding and reserved fields stay zero */
    if (!buf)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for %zu bytes", name, total);
    memcpy(buf + H_MAGIC, MAGIC, MAGIC_SIZE);
    wr32(buf + H_VERSION, act_scale ? FORMAT_VERSION : FORMAT_VERSION_PLAIN);
    wr64(buf + H_FILE_SIZE, total);
    wr32(buf + H_COUNT, count);
    wr32(buf + H_ENTRY_SIZE, ENTRY_SIZE);
    wr64(buf + H_TABLE_OFFSET, HEADER_SIZE);

    unsigned char *entry = buf + HEADER_SIZE;
    size_t at = align_up(HEADER_SIZE + (size_t)count * ENTRY_SIZE, DATA_ALIGN);
    for (int i = 0; i <= CALIB_ID; i++) {
        if (!src[i])
            continue;
        const mtcnn__tensor_info *ti = info_of(i);
        memcpy(entry + E_NAME, ti->name, strlen(ti->name)); /* NUL-padded by calloc */
        wr32(entry + E_DTYPE, DTYPE_F32LE);
        wr32(entry + E_NDIM, (uint32_t)ti->ndim);
        for (int d = 0; d < ti->ndim; d++)
            wr32(entry + E_DIMS + 4 * d, ti->dims[d]);
        wr64(entry + E_OFFSET, at);
        wr64(entry + E_COUNT, ti->count);
        for (uint32_t k = 0; k < ti->count; k++)
            wr32(buf + at + 4 * (size_t)k, bits_from_f32(src[i][k]));
        at += align_up((size_t)ti->count * 4, DATA_ALIGN);
        entry += ENTRY_SIZE;
    }
    wr32(buf + H_CRC, crc32_ieee(buf + CRC_START, total - CRC_START));
    *data = buf;
    *size = total;
    return 0;
}

int mtcnn__model_write_file(const char *path, const float *const tensors[MTCNN__T_COUNT])
{
    return mtcnn__model_write_file_calib(path, tensors, NULL);
}

int mtcnn__model_write_file_calib(const char *path, const float *const tensors[MTCNN__T_COUNT],
                                  const float *act_scale)
{
    if (!path)
        return mtcam_set_error(MTCNN_EINVAL, "model writer: path is NULL");
    void *data;
    size_t size = 0;
    int rc = mtcnn__model_write_memory_calib(tensors, act_scale, &data, &size);
    if (rc < 0)
        return rc;
    /* Write beside the target and rename over it, so an interrupted write never leaves a
     * half-written model under the real name. */
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    if (!tmp) {
        free(data);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int err = errno;
        rc = mtcam_set_error(mtcam_errno_code(err), "%s: cannot create: %s", tmp, strerror(err));
        goto done;
    }
    int write_ok = fwrite(data, 1, size, f) == size;
    int err = errno;
    if (fclose(f) != 0 && write_ok) {
        write_ok = 0;
        err = errno;
    }
    if (!write_ok) {
        rc = mtcam_set_error(mtcam_errno_code(err), "%s: write failed: %s", tmp, strerror(err));
        remove(tmp);
        goto done;
    }
    if (rename(tmp, path) != 0) {
        err = errno;
        rc = mtcam_set_error(mtcam_errno_code(err), "%s: cannot rename %s over it: %s", path,
                             tmp, strerror(err));
        remove(tmp);
    }
done:
    free(tmp);
    free(data);
    return rc;
}

/* ---- reader -------------------------------------------------------------------------- */

/* Checks the header and table of a whole file in memory, and fills entry_of[id] with the
 * table index of each arch tensor (-1 when absent). */
static int parse_table(const char *name, const unsigned char *p, size_t size,
                       int entry_of[MTCNN__T_COUNT + 1], int *with_lnet)
{
    if (size < MAGIC_SIZE || memcmp(p + H_MAGIC, MAGIC, MAGIC_SIZE) != 0) {
        if (size < MAGIC_SIZE && memcmp(p, MAGIC, size) == 0)
            return mtcam_set_error(MTCNN_EMODEL, "%s: truncated: %zu bytes, not even a header",
                                   name, size);
        return mtcam_set_error(MTCNN_EMODEL, "%s: bad magic: not an mtcam model file", name);
    }
    if (size < HEADER_SIZE)
        return mtcam_set_error(MTCNN_EMODEL, "%s: truncated header: %zu of %u bytes", name,
                               size, HEADER_SIZE);
    uint32_t version = rd32(p + H_VERSION);
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_PLAIN)
        return mtcam_set_error(MTCNN_EUNSUPPORTED,
                               "%s: unsupported format version %u (this build reads versions "
                               "%u and %u)",
                               name, (unsigned)version, FORMAT_VERSION_PLAIN, FORMAT_VERSION);
    uint64_t file_size = rd64(p + H_FILE_SIZE);
    if (file_size > size)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: truncated: header says %llu bytes, file has %zu", name,
                               (unsigned long long)file_size, size);
    if (file_size < size)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: %zu unexpected bytes after the %llu the header announces",
                               name, size - (size_t)file_size, (unsigned long long)file_size);
    uint32_t stored_crc = rd32(p + H_CRC), crc = crc32_ieee(p + CRC_START, size - CRC_START);
    if (stored_crc != crc)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: checksum mismatch: header says %08x, content gives %08x "
                               "(file corrupted)",
                               name, (unsigned)stored_crc, (unsigned)crc);

    uint32_t count = rd32(p + H_COUNT), entry_size = rd32(p + H_ENTRY_SIZE);
    uint64_t table = rd64(p + H_TABLE_OFFSET);
    if (entry_size != ENTRY_SIZE)
        return mtcam_set_error(MTCNN_EMODEL, "%s: table entry size %u, expected %u", name,
                               (unsigned)entry_size, ENTRY_SIZE);
    /* Every valid tensor is known and appears once, so more entries than the architecture has
     * can only be corruption; this also bounds every size computed below. */
    if (count > MTCNN__T_COUNT + 1)
        return mtcam_set_error(MTCNN_EMODEL, "%s: absurd tensor count %u (at most %d)", name,
                               (unsigned)count, MTCNN__T_COUNT + 1);
    if (table < HEADER_SIZE || table > size || (size - table) / ENTRY_SIZE < count)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: tensor table (offset %llu, %u entries) outside the %zu-byte "
                               "file",
                               name, (unsigned long long)table, (unsigned)count, size);
    uint64_t table_end = table + (uint64_t)count * ENTRY_SIZE;

    /* data ranges [begin, end) of the entries, to detect overlaps */
    uint64_t begin[MTCNN__T_COUNT + 1], end[MTCNN__T_COUNT + 1];
    for (int i = 0; i <= CALIB_ID; i++)
        entry_of[i] = -1;
    for (uint32_t e = 0; e < count; e++) {
        const unsigned char *en = p + table + (size_t)e * ENTRY_SIZE;
        char tname[NAME_SIZE + 1];
        name_text(tname, en + E_NAME);
        if (memchr(en + E_NAME, 0, NAME_SIZE) == NULL)
            return mtcam_set_error(MTCNN_EMODEL, "%s: entry %u: tensor name not terminated",
                                   name, (unsigned)e);
        int id = find_entry_id((const char *)en + E_NAME);
        if (id < 0)
            return mtcam_set_error(MTCNN_EMODEL, "%s: entry %u: unknown tensor \"%s\"", name,
                                   (unsigned)e, tname);
        if (entry_of[id] >= 0)
            return mtcam_set_error(MTCNN_EMODEL, "%s: duplicate tensor %s (entries %d and %u)",
                                   name, tname, entry_of[id], (unsigned)e);
        entry_of[id] = (int)e;
        const mtcnn__tensor_info *ti = info_of(id);

        uint32_t dtype = rd32(en + E_DTYPE), ndim = rd32(en + E_NDIM);
        if (dtype != DTYPE_F32LE)
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: unsupported data type %u (0 = float32)", name,
                                   tname, (unsigned)dtype);
        uint32_t dims[4];
        for (int d = 0; d < 4; d++)
            dims[d] = rd32(en + E_DIMS + 4 * d);
        int shape_ok = ndim == (uint32_t)ti->ndim;
        for (int d = 0; d < 4; d++)
            shape_ok = shape_ok && dims[d] == (d < ti->ndim ? ti->dims[d] : 0);
        if (!shape_ok) {
            char want[64], got[64];
            dims_text(want, sizeof want, ti->ndim, ti->dims);
            if (ndim > 4 || ndim == 0) {
                snprintf(got, sizeof got, "%u dimensions", (unsigned)ndim);
            } else {
                dims_text(got, sizeof got, (int)ndim, dims);
                if (strcmp(got, want) == 0) /* the dims past ndim are not zero */
                    dims_text(got, sizeof got, 4, dims);
            }
            return mtcam_set_error(MTCNN_EMODEL, "%s: tensor %s: wrong shape: expected %s, got %s",
                                   name, tname, want, got);
        }
        uint64_t offset = rd64(en + E_OFFSET), n = rd64(en + E_COUNT);
        if (n != ti->count)
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: absurd float count %llu (its shape holds %u)",
                                   name, tname, (unsigned long long)n, (unsigned)ti->count);
        if (offset % DATA_ALIGN != 0)
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: data offset %llu not a multiple of %u", name,
                                   tname, (unsigned long long)offset, DATA_ALIGN);
        /* n is at most a few million here, so n * 4 cannot overflow; offset is compared
         * before it is added to anything */
        if (offset < table_end || offset > size || (size - offset) / 4 < n)
            return mtcam_set_error(MTCNN_EMODEL,
                                   "%s: tensor %s: data (offset %llu, %llu bytes) outside the "
                                   "data area [%llu, %zu)",
                                   name, tname, (unsigned long long)offset,
                                   (unsigned long long)(n * 4), (unsigned long long)table_end,
                                   size);
        begin[e] = offset;
        end[e] = offset + n * 4;
        for (uint32_t o = 0; o < e; o++)
            if (begin[e] < end[o] && begin[o] < end[e]) {
                char other[NAME_SIZE + 1];
                name_text(other, p + table + (size_t)o * ENTRY_SIZE + E_NAME);
                return mtcam_set_error(MTCNN_EMODEL, "%s: tensors %s and %s overlap", name,
                                       other, tname);
            }
    }
    if (version == FORMAT_VERSION_PLAIN && entry_of[CALIB_ID] >= 0)
        return mtcam_set_error(MTCNN_EMODEL,
                               "%s: a version 1 file cannot hold %s (version 2 adds it)", name,
                               MTCNN__CALIB_NAME);
    if (version == FORMAT_VERSION && entry_of[CALIB_ID] < 0)
        return mtcam_set_error(MTCNN_EMODEL, "%s: version 2 file without its %s tensor", name,
                               MTCNN__CALIB_NAME);
    int present[MTCNN__T_COUNT];
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        present[i] = entry_of[i] >= 0;
    return check_presence(name, present, with_lnet);
}

MTCNN_API int mtcnn_model_load_memory(const void *data, size_t size, const char *name,
                                      mtcnn_model **out)
{
    if (!name)
        name = "(memory)";
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "%s: out is NULL", name);
    *out = NULL;
    if (!data && size)
        return mtcam_set_error(MTCNN_EINVAL, "%s: data is NULL", name);
    if (size > MAX_FILE_SIZE)
        return mtcam_set_error(MTCNN_EMODEL, "%s: %zu bytes, larger than any model (%u)", name,
                               size, MAX_FILE_SIZE);
    const unsigned char *p = data ? data : (const unsigned char *)"";
    int entry_of[MTCNN__T_COUNT + 1], with_lnet;
    int rc = parse_table(name, p, size, entry_of, &with_lnet);
    if (rc < 0)
        return rc;

    mtcnn_model *m;
    float *slots[MTCNN__T_COUNT];
    if ((rc = model_alloc(name, with_lnet, &m, slots)) < 0)
        return rc;
    uint64_t table = rd64(p + H_TABLE_OFFSET);
    for (int i = 0; i < MTCNN__T_COUNT; i++) {
        if (entry_of[i] < 0)
            continue;
        const unsigned char *en = p + table + (size_t)entry_of[i] * ENTRY_SIZE;
        const unsigned char *src = p + rd64(en + E_OFFSET);
        for (uint32_t k = 0; k < mtcnn__tensors[i].count; k++)
            slots[i][k] = f32_from_bits(rd32(src + 4 * (size_t)k));
        if ((rc = check_finite(name, i, slots[i])) < 0) {
            mtcnn_model_free(m);
            return rc;
        }
    }
    if (entry_of[CALIB_ID] >= 0) {
        const unsigned char *en = p + table + (size_t)entry_of[CALIB_ID] * ENTRY_SIZE;
        const unsigned char *src = p + rd64(en + E_OFFSET);
        for (int k = 0; k < MTCNN__N_ACT; k++)
            m->act_scale[k] = f32_from_bits(rd32(src + 4 * (size_t)k));
        if ((rc = check_calib(name, m->act_scale)) < 0) {
            mtcnn_model_free(m);
            return rc;
        }
        m->has_calib = 1;
    }
    return model_finish(name, m, out);
}

MTCNN_API int mtcnn_model_load(const char *path, mtcnn_model **out)
{
    if (!out)
        return mtcam_set_error(MTCNN_EINVAL, "%s: out is NULL", path ? path : "(null)");
    *out = NULL;
    if (!path)
        return mtcam_set_error(MTCNN_EINVAL, "model path is NULL");
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = mtcam_read_file(path, MAX_FILE_SIZE, &data, &size);
    if (rc == MTCNN_EFORMAT)
        return mtcam_set_error(MTCNN_EMODEL, "%s: larger than any model (%zu bytes)", path,
                               (size_t)MAX_FILE_SIZE);
    if (rc < 0)
        return rc;
    rc = mtcnn_model_load_memory(data, size, path, out);
    free(data);
    return rc;
}
