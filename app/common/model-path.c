#include "model-path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "mtcnn.h"

static int readable(const char *path) { return access(path, R_OK) == 0; }

int app_model_path(const char *requested, char *buf, size_t size)
{
    if (requested) {
        snprintf(buf, size, "%s", requested);
        return 0;
    }
    const char *env = getenv("MTCAM_MODEL");
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return 0;
    }
    /* Installed (cmake --install): <exe>/../share/mtcam/models, wherever the tree was moved. */
    char dir[4096];
    if (mtcam_exe_dir(dir, sizeof dir) == 0 &&
        snprintf(buf, size, "%s/../share/mtcam/models/" MTCAM_MODEL_FILE, dir) < (int)size &&
        readable(buf))
        return 0;
    /* Run from the build tree: <exe>/models, <exe>/../models, then <exe>/../../models. */
    if (mtcam_exe_dir(dir, sizeof dir) == 0) {
        for (int up = 0; up < 3; up++) {
            /* A path cut short by `size` is simply not found (and never used). */
            if (snprintf(buf, size, "%s/models/" MTCAM_MODEL_FILE, dir) < (int)size &&
                readable(buf))
                return 0;
            char *slash = strrchr(dir, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
    }
    snprintf(buf, size, "%s/" MTCAM_MODEL_FILE, MTCAM_SOURCE_MODELS_DIR);
    if (readable(buf))
        return 0;
    return mtcam_set_error(MTCNN_ENOTFOUND,
                           "no model found (looked for models/" MTCAM_MODEL_FILE
                           "): pass --model FILE, convert the original MTCNN weights with "
                           "'mtcam-convert DIR models/" MTCAM_MODEL_FILE "', or train one with "
                           "'mtcam-train'");
}

int app_model_load(const char *requested, mtcnn_model **out)
{
    char path[4096];
    int rc = app_model_path(requested, path, sizeof path);
    if (rc)
        return rc;
    return mtcnn_model_load(path, out);
}
