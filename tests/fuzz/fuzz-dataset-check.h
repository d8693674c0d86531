/* fuzz-dataset-check.h - what the data-set fuzz targets check of a set a reader accepted. */
#pragma once

#include "eval-dataset.h"

/* Aborts unless every image has a path and the faces the reader says it has (all read, so
 * ASan sees a lie about the counts). */
void fuzz_check_dataset(const eval_dataset *ds);
