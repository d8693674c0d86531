/* fuzz-caffe.c - libFuzzer target for the Caffe protobuf reader (engine/caffe/caffe-model.c). */
#include <stdint.h>
#include <stdlib.h>

#include "caffe-model.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    app_caffe_net net;
    if (app_caffe_read_memory(data, size, "fuzz.caffemodel", &net) == 0) {
        /* touch everything the reader promised, so ASan sees any lie about sizes */
        volatile float sink = 0;
        for (int i = 0; i < net.n_layers; i++) {
            const app_caffe_layer *l = &net.layers[i];
            if (app_caffe_find(&net, l->name) == NULL)
                abort();
            for (int k = 0; k < l->n_blobs; k++)
                for (size_t j = 0; j < l->blobs[k].count; j++)
                    sink += l->blobs[k].data[j];
        }
        (void)sink;
    } else if (net.n_layers != 0 || net.layers != NULL || mtcam_last_error()[0] == '\0') {
        abort();
    }
    app_caffe_free(&net);
    return 0;
}
