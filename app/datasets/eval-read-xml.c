/* eval-read-xml.c - dlib's imglab XML (<image file=..><box top left width height ignore>
 * <part name x y/></box></image>), parsed by expat.
 *
 * expat (libexpat1) rather than a scanner of our own or libxml2: docs/eval.md, "The dlib XML
 * reader", has the measurements (same data sets from the real files, parse time, package
 * weight). expat does the XML: well-formedness, the declared encoding (dlib writes
 * ISO-8859-1: names come out as UTF-8), entities and character references, comments,
 * DOCTYPE; external entities are never loaded (no handler is set) and its billion-laughs
 * guard is on by default. This file only maps elements onto the data set, strictly where a
 * mistake could go unnoticed (a box outside an image, bad numbers, a file cut short) and
 * skipping what it does not need (text, <name>, <comment>, <label>). */
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "eval-dataset.h"

/* The 68 iBUG points of one box, then the 5 derived ones. */
typedef struct parts68 {
    float xy[68][2];
    unsigned char seen[68];
} parts68;

typedef struct dlib_reader {
    XML_Parser parser;
    const char *path, *root;
    eval_dataset *ds;
    eval_image *img;  /* inside <image> */
    eval_face *face;  /* inside <box> */
    int depth;        /* element nesting, for <dataset> at the top */
    int saw_dataset, closed_dataset;
    int rc;           /* the first error; parsing stops there */
    parts68 parts;
} dlib_reader;

static void derive_five(const parts68 *p, eval_face *f)
{
    for (int i = 0; i < 68; i++)
        if (!p->seen[i])
            return; /* a partial set: no landmarks for this face */
    float e[2][2] = {{0, 0}, {0, 0}};
    for (int k = 0; k < 6; k++)
        for (int c = 0; c < 2; c++) {
            e[0][c] += p->xy[36 + k][c] / 6.0f;
            e[1][c] += p->xy[42 + k][c] / 6.0f;
        }
    /* iBUG 36-41 is the subject's right eye = smaller x in the image; order by x anyway. */
    int a = e[0][0] <= e[1][0] ? 0 : 1;
    int m = p->xy[48][0] <= p->xy[54][0] ? 48 : 54;
    for (int c = 0; c < 2; c++) {
        f->pts[EVAL_LEYE][c] = e[a][c];
        f->pts[EVAL_REYE][c] = e[1 - a][c];
        f->pts[EVAL_NOSE][c] = p->xy[30][c];
        f->pts[EVAL_LMOUTH][c] = p->xy[m][c];
        f->pts[EVAL_RMOUTH][c] = p->xy[m == 48 ? 54 : 48][c];
    }
    f->pts_mask = (1u << EVAL_NPTS) - 1;
}

/* Records the first error ("file:line: what") and stops the parser. */
static void fail(dlib_reader *r, int code, const char *what)
{
    if (r->rc)
        return;
    r->rc = mtcam_set_error(code, "%s:%lu: %s", r->path,
                            (unsigned long)XML_GetCurrentLineNumber(r->parser), what);
    XML_StopParser(r->parser, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* 0 with the attribute's number in *out (left alone when it is absent and not required). */
static int attr_number(dlib_reader *r, const char *elem, const XML_Char **atts,
                       const char *name, int required, double *out)
{
    const char *s = attr(atts, name);
    char msg[160];
    if (!s) {
        if (!required)
            return 0;
        snprintf(msg, sizeof msg, "<%s> without the '%s' attribute", elem, name);
        fail(r, MTCNN_EFORMAT, msg);
        return -1;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || v != v) {
        snprintf(msg, sizeof msg, "<%s %s='%.40s'>: not a number", elem, name, s);
        fail(r, MTCNN_EFORMAT, msg);
        return -1;
    }
    *out = v;
    return 0;
}

static void start_box(dlib_reader *r, const XML_Char **atts)
{
    if (!r->img || r->face) {
        fail(r, MTCNN_EFORMAT, "<box> outside an <image>");
        return;
    }
    double top, left, w, h, ignore = 0;
    if (attr_number(r, "box", atts, "top", 1, &top) ||
        attr_number(r, "box", atts, "left", 1, &left) ||
        attr_number(r, "box", atts, "width", 1, &w) ||
        attr_number(r, "box", atts, "height", 1, &h) ||
        attr_number(r, "box", atts, "ignore", 0, &ignore))
        return;
    if (w <= 0 || h <= 0) {
        fail(r, MTCNN_EFORMAT, "<box> with width or height <= 0");
        return;
    }
    eval_face *f = eval__image_add_face(r->img);
    if (!f) {
        fail(r, MTCNN_ENOMEM, "out of memory");
        return;
    }
    f->box[0] = (float)left;
    f->box[1] = (float)top;
    f->box[2] = (float)(left + w);
    f->box[3] = (float)(top + h);
    f->has_box = 1;
    f->ignore = ignore != 0;
    memset(&r->parts, 0, sizeof r->parts);
    r->face = f;
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    dlib_reader *r = user;
    r->depth++;
    if (strcmp(name, "dataset") == 0) {
        if (r->depth == 1)
            r->saw_dataset = 1;
    } else if (strcmp(name, "image") == 0) {
        if (r->img) {
            fail(r, MTCNN_EFORMAT, "<image> inside <image>");
            return;
        }
        const char *file = attr(atts, "file");
        if (!file || !*file) {
            fail(r, MTCNN_EFORMAT, "<image> without a 'file' attribute");
            return;
        }
        r->img = eval__dataset_add_image(r->ds, file[0] == '/' ? "" : r->root, file, "");
        if (!r->img)
            fail(r, MTCNN_ENOMEM, "out of memory");
    } else if (strcmp(name, "box") == 0) {
        start_box(r, atts);
    } else if (strcmp(name, "part") == 0) {
        if (!r->face) {
            fail(r, MTCNN_EFORMAT, "<part> outside a <box>");
            return;
        }
        double idx, px, py;
        if (attr_number(r, "part", atts, "name", 1, &idx) ||
            attr_number(r, "part", atts, "x", 1, &px) || attr_number(r, "part", atts, "y", 1, &py))
            return;
        /* Other point schemes (not 68 points) simply give no landmarks. */
        if (idx >= 0 && idx < 68 && idx == (int)idx) {
            r->parts.xy[(int)idx][0] = (float)px;
            r->parts.xy[(int)idx][1] = (float)py;
            r->parts.seen[(int)idx] = 1;
        }
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    dlib_reader *r = user;
    r->depth--;
    if (strcmp(name, "dataset") == 0 && r->depth == 0) {
        r->closed_dataset = 1;
    } else if (strcmp(name, "image") == 0) {
        r->img = NULL; /* expat has checked the nesting: this closes the open <image> */
    } else if (strcmp(name, "box") == 0 && r->face) {
        derive_five(&r->parts, r->face);
        r->face = NULL;
    }
}

int eval__read_dlib_xml_memory(const char *root, const char *data, size_t size,
                               const char *xml_file, eval_dataset *ds)
{
    if (size > INT_MAX)
        return mtcam_set_error(MTCNN_EUNSUPPORTED, "%s: file too large for the XML parser",
                               xml_file);
    dlib_reader *r = calloc(1, sizeof *r);
    if (!r)
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", xml_file);
    r->path = xml_file;
    r->root = root;
    r->ds = ds;
    r->parser = XML_ParserCreate(NULL);
    if (!r->parser) {
        free(r);
        return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory for the XML parser", xml_file);
    }
    XML_SetUserData(r->parser, r);
    XML_SetElementHandler(r->parser, on_start, on_end);
    int rc = 0;
    if (XML_Parse(r->parser, data, (int)size, XML_TRUE) != XML_STATUS_OK && !r->rc) {
        enum XML_Error e = XML_GetErrorCode(r->parser);
        char msg[160];
        /* A file cut short inside an element is the likely mistake: say so. */
        if ((e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN ||
             e == XML_ERROR_PARTIAL_CHAR) && r->depth > 0)
            snprintf(msg, sizeof msg, "file ends inside <%s> (truncated?): %s",
                     r->face ? "box" : r->img ? "image" : "dataset", XML_ErrorString(e));
        else
            snprintf(msg, sizeof msg, "not well-formed XML: %s", XML_ErrorString(e));
        fail(r, e == XML_ERROR_NO_MEMORY ? MTCNN_ENOMEM : MTCNN_EFORMAT, msg);
    }
    rc = r->rc;
    if (rc == 0 && !r->saw_dataset)
        rc = mtcam_set_error(MTCNN_EFORMAT,
                             "%s: no <dataset> element at the top: not a dlib imglab file",
                             xml_file);
    else if (rc == 0 && !r->closed_dataset) /* cannot happen after a complete parse */
        rc = mtcam_set_error(MTCNN_EFORMAT, "%s: file ends before </dataset> (truncated?)",
                             xml_file);
    XML_ParserFree(r->parser);
    free(r);
    return rc;
}

static int read_file(const char *path, char **data, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mtcam_set_error(mtcam_errno_code(errno), "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? 2 * cap : 262144;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(fp);
                return mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", path);
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(buf);
        return mtcam_set_error(MTCNN_EIO, "%s: read error", path);
    }
    *data = buf;
    *size = n;
    return 0;
}

int eval_read_dlib_xml(const char *root, const char *xml_file, eval_dataset *ds)
{
    char *data = NULL;
    size_t size = 0;
    int rc = read_file(xml_file, &data, &size);
    if (rc)
        return rc;
    rc = eval__read_dlib_xml_memory(root, data, size, xml_file, ds);
    free(data);
    return rc;
}
