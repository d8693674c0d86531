/* dispatch.c - picks the kernel table once per process. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static const mtk_table scalar_table = {
    .name = "scalar",
    .conv = mtk_f32_conv__ref,
    .prelu = mtk_f32_prelu__ref,
    .maxpool = mtk_f32_maxpool__ref,
    .fc = mtk_f32_fc__ref,
};

static const mtk_table *chosen;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

const mtk_table *mtk_find_table(const char *name)
{
    if (strcmp(name, "scalar") == 0)
        return &scalar_table;
    return NULL;
}

static void choose(void)
{
    const char *env = getenv("MTCAM_KERNELS");
    const mtk_table *t = (env && *env && strcmp(env, "auto") != 0) ? mtk_find_table(env) : NULL;
    chosen = t ? t : &scalar_table;
}

const mtk_table *mtk_get_table(void)
{
    pthread_once(&chosen_once, choose);
    return chosen;
}
