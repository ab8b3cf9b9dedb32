/* The loose boxes of a text page's characters in one call: the PDF loader's hot loop in C.
 *
 * PDFium's FPDFText_GetLooseCharBox answers one character at a time; through ctypes each call costs
 * about twice what PDFium spends finding the box (a page of the corpus holds ~500 characters, a
 * 30-page document ~14,000). This module makes the same calls in a C loop. It takes the function's
 * address from the loader (pypdfium2's own binding), so it links against nothing but Python, and
 * the loader falls back to the ctypes loop when the module was not built (auditor/loaders/pdf.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef struct {
    float left, top, right, bottom; /* FS_RECTF */
} rectf;

typedef int (*loose_char_box)(void *text_page, int index, rectf *rect);

/* loose_boxes(function, text_page, indices, count, boxes, found) -> number found
 * function: the address of FPDFText_GetLooseCharBox; text_page: an FPDF_TEXTPAGE; indices: the
 * address of `count` int64 character indices; boxes: of `count` FS_RECTF rows; found: of `count`
 * bytes, each set to 1 when PDFium gave the box and 0 when it did not. */
static PyObject *loose_boxes(PyObject *self, PyObject *args) {
    unsigned long long function, page, indices, boxes, found;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "KKKnKK", &function, &page, &indices, &count, &boxes, &found))
        return NULL;
    if (!function || !page || count < 0 || (count && (!indices || !boxes || !found))) {
        PyErr_SetString(PyExc_ValueError, "loose_boxes: a null address or a negative count");
        return NULL;
    }
    loose_char_box call = (loose_char_box)(uintptr_t)function;
    const int64_t *index = (const int64_t *)(uintptr_t)indices;
    rectf *box = (rectf *)(uintptr_t)boxes;
    unsigned char *ok = (unsigned char *)(uintptr_t)found;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        ok[i] = call((void *)(uintptr_t)page, (int)index[i], &box[i]) ? 1 : 0;
        n += ok[i];
    }
    return PyLong_FromSsize_t(n);
}

static PyMethodDef methods[] = {
    {"loose_boxes", loose_boxes, METH_VARARGS, "Every listed character's loose box in one call."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_boxes", NULL, -1, methods};

PyMODINIT_FUNC PyInit__boxes(void) { return PyModule_Create(&module); }
