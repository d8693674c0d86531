/* vivid-vcam.h - the virtual camera's cases in the QEMU guest (vivid-vcam.c), run by
 * vivid-guest.c after its capture cases; results go through its report(). */
#pragma once

#include "err.h"

void report(const char *verdict, const char *name, const char *fmt, ...) MTCAM_PRINTF(3, 4);

/* `model_path` is the project's own model (always in the guest): the framed view's detector. */
void vcam_guest_cases(const char *results_dir, const char *face_path, const char *model_path);
