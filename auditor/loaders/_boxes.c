/* The PDF loader's per-character and per-line PDFium calls in C loops, one call per page.
 *
 * PDFium answers one character (FPDFText_GetLooseCharBox) or one clip-path point at a time, and
 * through ctypes each call costs about twice what PDFium spends on it (a 30-page document asks for
 * ~14,000 boxes and ~8,000 clip calls). This module makes the same calls in C loops. It takes the
 * functions' addresses from the loader (pypdfium2's own bindings), so it links against nothing but
 * Python, and the loader falls back to the ctypes calls when the module was not built
 * (auditor/loaders/pdf.py).
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


typedef void *(*text_object_fn)(void *text_page, int index);
typedef void *(*clip_path_fn)(void *page_object);
typedef int (*count_paths_fn)(void *clip);
typedef int (*count_segments_fn)(void *clip, int path);
typedef void *(*segment_fn)(void *clip, int path, int segment);
typedef int (*point_fn)(void *segment, float *x, float *y);

/* clip_extents(text_object, clip_path, count_paths, count_segments, segment, point, text_page,
 *              indices, count, extents, found) -> number found
 * The first six: the addresses of FPDFText_GetTextObject, FPDFPageObj_GetClipPath,
 * FPDFClipPath_CountPaths, FPDFClipPath_CountPathSegments, FPDFClipPath_GetPathSegment and
 * FPDFPathSegment_GetPoint. For the text object of each of `count` characters (int64 indices): the
 * bounding box of its clip, the intersection of its paths' boxes (left, bottom, right, top as
 * doubles into `extents`), and found[i] = 1; found[i] = 0 when the character has no text object,
 * the object no clip, or the clip is degenerate (narrower or lower than one point). Compared as
 * the loader's Python reading compares (a path without a readable point is passed over). */
static PyObject *clip_extents(PyObject *self, PyObject *args) {
    unsigned long long f[6], page, indices, extents, found;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "KKKKKKKKnKK", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &page, &indices, &count,
                          &extents, &found))
        return NULL;
    for (int k = 0; k < 6; k++)
        if (!f[k]) page = 0;
    if (!page || count < 0 || (count && (!indices || !extents || !found))) {
        PyErr_SetString(PyExc_ValueError, "clip_extents: a null address or a negative count");
        return NULL;
    }
    text_object_fn text_object = (text_object_fn)(uintptr_t)f[0];
    clip_path_fn clip_path = (clip_path_fn)(uintptr_t)f[1];
    count_paths_fn count_paths = (count_paths_fn)(uintptr_t)f[2];
    count_segments_fn count_segments = (count_segments_fn)(uintptr_t)f[3];
    segment_fn segment = (segment_fn)(uintptr_t)f[4];
    point_fn point = (point_fn)(uintptr_t)f[5];
    const int64_t *index = (const int64_t *)(uintptr_t)indices;
    double *out = (double *)(uintptr_t)extents;
    unsigned char *ok = (unsigned char *)(uintptr_t)found;
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        ok[i] = 0;
        void *obj = text_object((void *)(uintptr_t)page, (int)index[i]);
        if (!obj)
            continue;
        void *clip = clip_path(obj);
        if (!clip)
            continue;
        double left = -1e9, bottom = -1e9, right = 1e9, top = 1e9;
        int paths = count_paths(clip);
        for (int p = 0; p < paths; p++) {
            int segments = count_segments(clip, p), have = 0;
            double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
            for (int s = 0; s < segments; s++) {
                void *seg = segment(clip, p, s);
                float x, y;
                if (!seg || !point(seg, &x, &y))
                    continue;
                if (!have) {
                    x0 = x1 = x;
                    y0 = y1 = y;
                    have = 1;
                    continue;
                }
                /* as Python's min and max compare: a later value replaces only when strictly beyond */
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
            if (!have)
                continue;
            if (x0 > left) left = x0;
            if (y0 > bottom) bottom = y0;
            if (x1 < right) right = x1;
            if (y1 < top) top = y1;
        }
        if (right - left < 1 || top - bottom < 1)
            continue;
        out[4 * i] = left;
        out[4 * i + 1] = bottom;
        out[4 * i + 2] = right;
        out[4 * i + 3] = top;
        ok[i] = 1;
        n++;
    }
    return PyLong_FromSsize_t(n);
}

static PyMethodDef methods[] = {
    {"loose_boxes", loose_boxes, METH_VARARGS, "Every listed character's loose box in one call."},
    {"clip_extents", clip_extents, METH_VARARGS, "The clip extent of every listed character's text object."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_boxes", NULL, -1, methods};

PyMODINIT_FUNC PyInit__boxes(void) { return PyModule_Create(&module); }
