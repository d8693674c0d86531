/* quickstart.c - faces and landmarks in a PPM photo, and the first face's aligned crop. */
#include <stdio.h>
#include <stdlib.h>

#include <mtcnn.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: quickstart MODEL PHOTO.ppm [CROP.ppm]\n");
        return 2;
    }
    /* A binary PPM (P6, 8-bit, no comments): `convert photo.jpg -strip photo.ppm` makes one. */
    FILE *f = fopen(argv[2], "rb");
    int w, h, maxval;
    if (!f || fscanf(f, "P6 %d %d %d", &w, &h, &maxval) != 3 || maxval != 255 ||
        fgetc(f) == EOF || w < 1 || h < 1 || w > 16384 || h > 16384) {
        fprintf(stderr, "%s: not an 8-bit binary PPM\n", argv[2]);
        return 1;
    }
    unsigned char *pixels = malloc((size_t)w * h * 3);
    if (!pixels || fread(pixels, 3, (size_t)w * h, f) != (size_t)w * h) {
        fprintf(stderr, "%s: truncated\n", argv[2]);
        return 1;
    }
    fclose(f);

    mtcnn_model *model; /* read-only once loaded: share it between threads */
    if (mtcnn_model_load(argv[1], &model) != 0) {
        fprintf(stderr, "%s\n", mtcnn_last_error()); /* names the file and the reason */
        return 1;
    }
    mtcnn_options opt;
    mtcnn_options_default(&opt); /* min face 20, factor 0.709, thresholds .6 .7 .7 */
    mtcnn_detector *det;         /* one per thread */
    const mtcnn_face *faces;
    int n;
    mtcnn_image img = {pixels, w, h, (ptrdiff_t)w * 3, MTCNN_PIXEL_RGB24};
    if (mtcnn_detector_create(model, &opt, &det) != 0 || mtcnn_detect(det, &img, &faces, &n)) {
        fprintf(stderr, "%s\n", mtcnn_last_error());
        return 1;
    }
    for (int i = 0; i < n; i++) { /* x1 y1 x2 y2 (0-based, inclusive), score, 5 (x, y) */
        const mtcnn_face *fc = &faces[i];
        printf("%.2f %.2f %.2f %.2f %.6f", fc->box[0], fc->box[1], fc->box[2], fc->box[3],
               fc->score);
        for (int p = 0; p < 5; p++)
            printf(" %.2f %.2f", fc->landmarks[p][0], fc->landmarks[p][1]);
        printf("\n");
    }
    if (argc > 3 && n > 0) { /* the ArcFace-style 112x112 crop of the best face */
        static unsigned char crop[112 * 112 * 3];
        if (mtcnn_align_face(&img, &faces[0], MTCNN_ALIGN_112X112, 112, 112, crop, 112 * 3)) {
            fprintf(stderr, "%s\n", mtcnn_last_error());
            return 1;
        }
        FILE *out = fopen(argv[3], "wb");
        if (!out || fprintf(out, "P6 112 112 255\n") < 0 || fwrite(crop, 1, sizeof crop, out) !=
            sizeof crop || fclose(out) != 0) {
            fprintf(stderr, "%s: cannot write\n", argv[3]);
            return 1;
        }
    }
    mtcnn_detector_destroy(det);
    mtcnn_model_free(model);
    free(pixels);
    return 0;
}
