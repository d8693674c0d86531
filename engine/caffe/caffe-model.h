/* caffe-model.h - reads the weights out of a Caffe .caffemodel (a protobuf NetParameter)
 * without Caffe or protobuf: only the fields that carry weights are decoded.
 *
 *   NetParameter   field 100 layer (LayerParameter, repeated)
 *   LayerParameter field 1 name, field 2 type, field 7 blobs (BlobProto, repeated)
 *   BlobProto      field 7 shape (BlobShape: field 1 dim, int64, packed or not),
 *                  field 5 data (float32, packed or not)
 * Every other field is skipped by its wire type. Lengths are checked against the enclosing
 * message before use, so any input gives either a net or a one-line error.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define APP_CAFFE_MAX_DIMS 8

typedef struct app_caffe_blob {
    int ndim;
    int64_t dims[APP_CAFFE_MAX_DIMS];
    size_t count; /* floats in data; equals the product of dims */
    float *data;  /* owned; NULL when count is 0 */
} app_caffe_blob;

typedef struct app_caffe_layer {
    char *name; /* owned, NUL-terminated ("" when absent) */
    char *type;
    int n_blobs;
    app_caffe_blob *blobs;
} app_caffe_layer;

typedef struct app_caffe_net {
    int n_layers;
    app_caffe_layer *layers;
} app_caffe_net;

/* Parses a NetParameter from memory. `name` is used in error messages. On failure *net is
 * left empty (safe to free) and the message says where the input went wrong. */
int app_caffe_read_memory(const void *data, size_t size, const char *name, app_caffe_net *net);
/* The same from a file (read whole; files over 256 MB are refused). */
int app_caffe_read_file(const char *path, app_caffe_net *net);
void app_caffe_free(app_caffe_net *net);

/* A blob's dims as text ("10x3x3x3", or "(none)"), cut to fit `size`, for messages. */
void app_caffe_shape_text(char *buf, size_t size, const app_caffe_blob *b);

/* The first layer called `name`, or NULL. */
const app_caffe_layer *app_caffe_find(const app_caffe_net *net, const char *name);
