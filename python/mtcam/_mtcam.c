/* _mtcam.c - the C side of the Python package: Model and Detector over libmtcnn.
 *
 * Images come in through the buffer protocol (numpy arrays, bytes, memoryviews), so this file
 * needs no numpy headers; mtcam/__init__.py checks arrays first and gives the friendly
 * messages, this file checks again so no bad buffer reaches the engine. Detection and
 * alignment run with the GIL released; a detector's own lock keeps two Python threads from
 * using its scratch memory at once. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pthread.h>
#include <string.h>

#include <mtcnn.h>

#include "image-view.h"

static PyObject *mtcam_error;       /* mtcam.Error */
static PyObject *mtcam_model_error; /* mtcam.ModelError */

/* ---- Model --------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD mtcnn_model *model;
} model_object;

static int model_init(model_object *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", NULL};
    PyObject *path_obj;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&", names, PyUnicode_FSConverter, &path_obj))
        return -1;
    if (self->model) {
        PyErr_SetString(PyExc_RuntimeError, "Model is already loaded");
        Py_DECREF(path_obj);
        return -1;
    }
    const char *path = PyBytes_AS_STRING(path_obj);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = mtcnn_model_load(path, &self->model);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (rc) {
        PyErr_SetString(mtcam_model_error, mtcnn_last_error());
        self->model = NULL;
        return -1;
    }
    return 0;
}

static void model_dealloc(model_object *self)
{
    mtcnn_model_free(self->model);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *model_has_lnet(model_object *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(self->model && mtcnn_model_has_lnet(self->model));
}

static PyGetSetDef model_getset[] = {
    {"has_lnet", (getter)model_has_lnet, NULL, "the model holds L-Net (det4)", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject model_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "mtcam._mtcam.Model",
    .tp_basicsize = sizeof(model_object),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Model(path): the weights of the three nets, read-only once loaded.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)model_init,
    .tp_dealloc = (destructor)model_dealloc,
    .tp_getset = model_getset,
};

/* ---- Detector ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD mtcnn_detector *det;
    PyObject *model; /* keeps the shared model alive while the detector is */
    pthread_mutex_t lock;
    int lock_ready;
} detector_object;

static int detector_init(detector_object *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"model", "min_face", "factor", "t1", "t2", "t3", "stages",
                            "threads", "mirror_landmarks", "refine_landmarks", "precision",
                            NULL};
    PyObject *model;
    const char *precision = "auto";
    mtcnn_options opt;
    mtcnn_options_default(&opt);
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!fffffiipp|s", names, &model_type, &model,
                                     &opt.min_face, &opt.factor, &opt.thresholds[0],
                                     &opt.thresholds[1], &opt.thresholds[2], &opt.stages,
                                     &opt.threads, &opt.mirror_landmarks,
                                     &opt.refine_landmarks, &precision))
        return -1;
    mtcnn_precision p;
    if (mtcnn_precision_parse(precision, &p) != 0) {
        PyErr_SetString(PyExc_ValueError, mtcnn_last_error());
        return -1;
    }
    opt.precision = (int)p;
    if (self->det) {
        PyErr_SetString(PyExc_RuntimeError, "Detector is already created");
        return -1;
    }
    if (!((model_object *)model)->model) {
        PyErr_SetString(mtcam_model_error, "the model is not loaded");
        return -1;
    }
    if (mtcnn_detector_create(((model_object *)model)->model, &opt, &self->det) != 0) {
        PyErr_SetString(PyExc_ValueError, mtcnn_last_error());
        self->det = NULL;
        return -1;
    }
    if (pthread_mutex_init(&self->lock, NULL) != 0) {
        PyErr_SetString(PyExc_MemoryError, "cannot create the detector's lock");
        return -1;
    }
    self->lock_ready = 1;
    Py_INCREF(model);
    self->model = model;
    return 0;
}

static void detector_dealloc(detector_object *self)
{
    mtcnn_detector_destroy(self->det);
    if (self->lock_ready)
        pthread_mutex_destroy(&self->lock);
    Py_XDECREF(self->model);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The pixels of an HxWx3 uint8 buffer whose pixels are contiguous within a row: the checks
 * are in image-view.c (no Python there, so tests/fuzz/fuzz-pyarray.c fuzzes them). */
static int get_image(PyObject *obj, Py_buffer *view, mtcnn_image *img, int bgr)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_STRIDES | PyBUF_FORMAT) != 0)
        return -1;
    ptrdiff_t shape[3], strides[3];
    mtcam_view_desc desc = {.buf = view->buf, .ndim = view->ndim, .itemsize = view->itemsize,
                            .format = view->format};
    if (view->ndim == 3 && view->shape && view->strides) {
        for (int i = 0; i < 3; i++) {
            shape[i] = view->shape[i];
            strides[i] = view->strides[i];
        }
        desc.shape = shape;
        desc.strides = strides;
    }
    char message[160];
    if (mtcam_view_to_image(&desc, bgr, img, message, sizeof message) != 0) {
        PyErr_SetString(PyExc_ValueError, message);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* detect(image, bgr) -> bytes: per face 16 float32 (x1 y1 x2 y2 score, 5 x/y landmark pairs,
 * has_landmarks). */
static PyObject *detector_detect(detector_object *self, PyObject *args)
{
    PyObject *obj;
    int bgr = 0;
    if (!PyArg_ParseTuple(args, "O|p", &obj, &bgr))
        return NULL;
    if (!self->det) {
        PyErr_SetString(PyExc_RuntimeError, "Detector is not initialised");
        return NULL;
    }
    Py_buffer view;
    mtcnn_image img;
    if (get_image(obj, &view, &img, bgr) != 0)
        return NULL;
    int rc, n = 0;
    float *rows = NULL;
    char message[512] = "";
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&self->lock);
    const mtcnn_face *faces;
    rc = mtcnn_detect(self->det, &img, &faces, &n);
    if (rc == 0 && n > 0) {
        rows = malloc((size_t)n * 16 * sizeof(float));
        for (int i = 0; rows && i < n; i++) {
            float *r = rows + 16 * i;
            memcpy(r, faces[i].box, 4 * sizeof(float));
            r[4] = faces[i].score;
            memcpy(r + 5, faces[i].landmarks, 10 * sizeof(float));
            r[15] = (float)faces[i].has_landmarks;
        }
    } else if (rc)
        snprintf(message, sizeof message, "%s", mtcnn_last_error());
    pthread_mutex_unlock(&self->lock);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (rc) {
        PyErr_SetString(mtcam_error, message);
        return NULL;
    }
    if (n > 0 && !rows)
        return PyErr_NoMemory();
    PyObject *out = PyBytes_FromStringAndSize((const char *)rows, (Py_ssize_t)n * 16 * 4);
    free(rows);
    return out;
}

/* align(image, landmarks (10 floats: x, y pairs), template, width, height) -> bytes of an
 * height x width x 3 crop in the image's channel order. */
static PyObject *detector_align(detector_object *self, PyObject *args)
{
    PyObject *obj;
    mtcnn_face face = {.has_landmarks = 1};
    int tmpl, w, h;
    float *l = &face.landmarks[0][0];
    if (!PyArg_ParseTuple(args, "O(ffffffffff)iii", &obj, &l[0], &l[1], &l[2], &l[3], &l[4],
                          &l[5], &l[6], &l[7], &l[8], &l[9], &tmpl, &w, &h))
        return NULL;
    if (!self->det) {
        PyErr_SetString(PyExc_RuntimeError, "Detector is not initialised");
        return NULL;
    }
    if (w < 1 || h < 1 || w > 8192 || h > 8192) {
        PyErr_Format(PyExc_ValueError, "crop size %dx%d out of range (1..8192)", w, h);
        return NULL;
    }
    Py_buffer view;
    mtcnn_image img;
    if (get_image(obj, &view, &img, 0) != 0)
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)w * h * 3);
    if (!out) {
        PyBuffer_Release(&view);
        return NULL;
    }
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    int rc;
    char message[512] = "";
    Py_BEGIN_ALLOW_THREADS
    rc = mtcnn_align_face(&img, &face, (mtcnn_align_template)tmpl, w, h, dst, (ptrdiff_t)w * 3);
    if (rc)
        snprintf(message, sizeof message, "%s", mtcnn_last_error());
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (rc) {
        Py_DECREF(out);
        PyErr_SetString(PyExc_ValueError, message);
        return NULL;
    }
    return out;
}

/* precision() -> "fp32" or "int8": what AUTO resolved to. */
static PyObject *detector_precision(detector_object *self, PyObject *unused)
{
    (void)unused;
    if (!self->det) {
        PyErr_SetString(PyExc_RuntimeError, "Detector is not initialised");
        return NULL;
    }
    return PyUnicode_FromString(mtcnn_precision_name(mtcnn_detector_precision(self->det)));
}

static PyMethodDef detector_methods[] = {
    {"precision", (PyCFunction)detector_precision, METH_NOARGS, "precision() -> str"},
    {"detect", (PyCFunction)detector_detect, METH_VARARGS, "detect(image, bgr) -> bytes"},
    {"align", (PyCFunction)detector_align, METH_VARARGS,
     "align(image, landmarks, template, width, height) -> bytes"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject detector_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "mtcam._mtcam.Detector",
    .tp_basicsize = sizeof(detector_object),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The engine's detector; use mtcam.Detector.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)detector_init,
    .tp_dealloc = (destructor)detector_dealloc,
    .tp_methods = detector_methods,
};

/* ---- module -------------------------------------------------------------------------- */

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_mtcam",
                                    "mtcam's C core: see the mtcam package", -1, NULL,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__mtcam(void);
PyMODINIT_FUNC PyInit__mtcam(void)
{
    if (PyType_Ready(&model_type) < 0 || PyType_Ready(&detector_type) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    mtcam_error = PyErr_NewExceptionWithDoc("mtcam.Error", "a detection failed", PyExc_RuntimeError,
                                            NULL);
    mtcam_model_error = PyErr_NewExceptionWithDoc(
        "mtcam.ModelError", "a model file does not load (the message names it and why)",
        mtcam_error, NULL);
    if (!mtcam_error || !mtcam_model_error ||
        PyModule_AddObjectRef(m, "Error", mtcam_error) < 0 ||
        PyModule_AddObjectRef(m, "ModelError", mtcam_model_error) < 0 ||
        PyModule_AddObjectRef(m, "Model", (PyObject *)&model_type) < 0 ||
        PyModule_AddObjectRef(m, "Detector", (PyObject *)&detector_type) < 0 ||
        PyModule_AddStringConstant(m, "DEFAULT_MODEL", MTCAM_DEFAULT_MODEL) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
