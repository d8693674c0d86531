#include "arch.h"

#include <string.h>

#define MTCNN__COUNT(a, b, c, d) ((uint32_t)(a) * ((b) ? (b) : 1) * ((c) ? (c) : 1) * ((d) ? (d) : 1))

const mtcnn__tensor_info mtcnn__tensors[MTCNN__T_COUNT] = {
#define MTCNN__T_INFO(id, nm, req, nd, a, b, c, d)                                            \
    {.name = nm, .required = req, .ndim = nd, .dims = {a, b, c, d}, .count = MTCNN__COUNT(a, b, c, d)},
    MTCNN_TENSOR_LIST(MTCNN__T_INFO)
#undef MTCNN__T_INFO
};

int mtcnn__tensor_find(const char *name)
{
    for (int i = 0; i < MTCNN__T_COUNT; i++)
        if (strcmp(mtcnn__tensors[i].name, name) == 0)
            return i;
    return -1;
}
