/* fuzz-dataset-check.c - see fuzz-dataset-check.h. */
#include "fuzz-dataset-check.h"

#include <stdlib.h>
#include <string.h>

/* Every image has a path and faces the reader says it has. */
void fuzz_check_dataset(const eval_dataset *ds)
{
    if (ds->n_images < 0 || ds->n_images > ds->cap_images)
        abort();
    volatile float sink = 0;
    for (int i = 0; i < ds->n_images; i++) {
        const eval_image *img = &ds->images[i];
        if (!img->path || img->n_faces < 0)
            abort();
        sink += (float)strlen(img->path);
        for (int k = 0; k < img->n_faces; k++) {
            const eval_face *f = &img->faces[k];
            sink += f->box[0] + f->pts[EVAL_NPTS - 1][1] + eval_face_iod(f);
        }
    }
    int faces, flagged;
    eval_dataset_count(ds, &faces, &flagged);
    if (flagged > faces)
        abort();
    (void)sink;
}

