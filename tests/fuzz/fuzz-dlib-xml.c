/* fuzz-dlib-xml.c - libFuzzer target for the dlib imglab XML reader (app/datasets/
 * eval-read-xml.c) that mtcam-eval and mtcam-train read dlib's face sets with. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval-dataset.h"
#include "fuzz-dataset-check.h"
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eval_dataset ds;
    memset(&ds, 0, sizeof ds);
    fuzz_clear_message();
    if (eval__read_dlib_xml_memory("root", (const char *)data, size, "fuzz.xml", &ds) == 0)
        fuzz_check_dataset(&ds);
    else
        fuzz_expect_message();
    eval_dataset_free(&ds);
    return 0;
}
