#include "check-peer.h"

#include "check.h"
#include "image-file.h"

int check_peer_setup(mtcnn_model **model, json **vectors)
{
    static mtcnn_model *loaded_model;
    static json *loaded_vectors;
    const char *vpath = check_shared_path("data/peer-tests/mtcnn_reference_vectors.json");
    const char *mpath = check_model_path();
    if (!vpath)
        SKIP("../shared/data/peer-tests not found");
    if (!mpath)
        SKIP("the converted original weights ($MTCAM_TEST_MODEL) are missing");
    if (!loaded_model && mtcnn_model_load(mpath, &loaded_model) != 0) {
        fprintf(stderr, "model: %s\n", mtcnn_last_error());
        return 1;
    }
    *model = loaded_model;
    if (vectors) {
        if (!loaded_vectors)
            loaded_vectors = json_parse_file(vpath);
        if (!loaded_vectors) {
            fprintf(stderr, "%s: does not parse\n", vpath);
            return 1;
        }
        *vectors = loaded_vectors;
    }
    return 0;
}

int check_peer_photo(const char *name, mtcam_frame *f)
{
    char rel[256];
    snprintf(rel, sizeof rel, "data/peer-tests/%s", name);
    const char *path = check_shared_path(rel);
    if (!path || capture_image_load(path, f) != 0) {
        fprintf(stderr, "%s: %s\n", name, path ? mtcnn_last_error() : "not found");
        return 1;
    }
    return 0;
}

mtcnn_image check_rgb_view(const mtcam_frame *f)
{
    return (mtcnn_image){.data = f->data,
                         .width = f->width,
                         .height = f->height,
                         .stride = f->stride,
                         .format = MTCNN_PIXEL_RGB24};
}
