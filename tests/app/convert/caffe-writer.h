/* caffe-writer.h - writes synthetic .caffemodel files (protobuf NetParameter) for tests and
 * the fuzzer's seed corpus: an independent encoder for the subset engine/caffe/caffe-model.c
 * reads. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct pbw {
    unsigned char *p;
    size_t n, cap;
    int oom;
} pbw;

/* How a blob is encoded: packed (the default Caffe writes) or one field per value. */
enum { PBW_PACKED = 0, PBW_UNPACKED = 1 };

void pbw_free(pbw *w);
/* Appends a LayerParameter (field 100) with name, type and `n_blobs` blobs; blob k has
 * shape dims[k][0..ndim[k]) and data[k] (product of dims floats). Also writes a "bottom"
 * string field the reader must skip. */
void pbw_layer(pbw *w, const char *name, const char *type, int n_blobs, const int *ndim,
               const int64_t (*dims)[4], const float *const *data, int encoding);
/* Appends the net name (field 1). */
void pbw_net_name(pbw *w, const char *name);
/* Writes the buffer to a file; returns 0 or -1. */
int pbw_save(const pbw *w, const char *path);

/* The Caffe layers of one MTCNN net with their Caffe shapes, in file order. */
typedef struct caffe_layer_spec {
    const char *name, *type;
    int n_blobs;
    int ndim[2];
    int64_t dims[2][4];
} caffe_layer_spec;

/* det1..det4 layer lists as in the reference README (n returned in *n). net 0..3. */
const caffe_layer_spec *caffe_spec(int net, int *n);
/* Writes a synthetic detN.caffemodel for net 0..3 with values value(net, layer, blob, index)
 * into `w`. */
float caffe_synthetic_value(int net, int layer, int blob, size_t index);
int caffe_write_synthetic(pbw *w, int net, int encoding);
