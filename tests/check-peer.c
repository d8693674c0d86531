#include "check-peer.h"

#include <string.h>

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

/* The project's photos: the two portraits as they are, or made from them. */
static int own_photo(const char *name, mtcam_frame *f)
{
    char path[4096];
    if (!strcmp(name, "pair")) {
        /* Both portraits (512x512) side by side at half size: 512x256, two faces. */
        mtcam_frame a = {0}, b = {0};
        int rc = own_photo("grace-hopper.jpg", &a) || own_photo("eileen-collins.jpg", &b) ||
                 a.width != 512 || a.height != 512 || b.width != 512 || b.height != 512 ||
                 mtcam_frame_alloc(f, 512, 256) != 0;
        for (int y = 0; !rc && y < 256; y++)
            for (int x = 0; x < 512; x++) {
                const mtcam_frame *s = x < 256 ? &a : &b;
                const int sx = 2 * (x % 256), sy = 2 * y;
                for (int c = 0; c < 3; c++) {
                    const uint8_t *p = s->data + sy * s->stride + sx * 3 + c;
                    f->data[y * f->stride + x * 3 + c] =
                        (uint8_t)((p[0] + p[3] + p[s->stride] + p[s->stride + 3] + 2) / 4);
                }
            }
        mtcam_frame_free(&a);
        mtcam_frame_free(&b);
        if (rc)
            fprintf(stderr, "pair: the demo portraits are not both 512x512\n");
        return rc ? 1 : 0;
    }
    if (!strcmp(name, "no-faces")) {
        /* The flag's stars and stripes left of Grace Hopper: texture, no face. */
        mtcam_frame g = {0};
        if (own_photo("grace-hopper.jpg", &g))
            return 1;
        int rc = mtcam_frame_alloc(f, 150, 330);
        for (int y = 0; !rc && y < 330; y++)
            memcpy(f->data + y * f->stride, g.data + y * g.stride, 150 * 3);
        mtcam_frame_free(&g);
        return rc ? 1 : 0;
    }
    snprintf(path, sizeof path, "%s/demo/%s", MTCAM_CHECK_ASSETS_DIR, name);
    if (capture_image_load(path, f) != 0) {
        fprintf(stderr, "%s: %s\n", path, mtcnn_last_error());
        return 1;
    }
    return 0;
}

int check_subjects(const check_subject **subjects)
{
    static check_subject s[2];
    static int n;
    if (!n) {
        s[0] = (check_subject){
            .name = "shipped model",
            .own = 1,
            .photos = {"eileen-collins.jpg", "pair", "grace-hopper.jpg", "no-faces"}};
        if (mtcnn_model_load(MTCAM_CHECK_OWN_MODEL, &s[0].model) != 0) {
            fprintf(stderr, "%s: %s\n", MTCAM_CHECK_OWN_MODEL, mtcnn_last_error());
            return -1;
        }
        s[0].has_lnet = mtcnn_model_has_lnet(s[0].model);
        n = 1;
        const char *mpath = check_model_path();
        if (mpath && check_shared_path("data/peer-tests/ipazc_ivan.jpg")) {
            s[1] = (check_subject){.name = "original weights",
                                   .photos = {"ipazc_ivan.jpg", "kpzhang93_test1.jpg",
                                              "kpzhang93_test2.jpg", "ipazc_no-faces.jpg"}};
            if (mtcnn_model_load(mpath, &s[1].model) != 0) {
                fprintf(stderr, "%s: %s\n", mpath, mtcnn_last_error());
                return -1;
            }
            s[1].has_lnet = mtcnn_model_has_lnet(s[1].model);
            n = 2;
        } else {
            fprintf(stderr, "note: the original weights or ../shared/data/peer-tests are absent: "
                            "this runs on the shipped model and the project's photos only\n");
        }
    }
    *subjects = s;
    return n;
}

int check_subject_photo(const check_subject *s, int role, mtcam_frame *f)
{
    *f = (mtcam_frame){0};
    if (role < 0 || role >= CHECK_N_PHOTOS)
        return 1;
    return s->own ? own_photo(s->photos[role], f) : check_peer_photo(s->photos[role], f);
}
