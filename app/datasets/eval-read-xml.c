/* eval-read-xml.c - dlib's imglab XML (<image file=..><box top left width height ignore>
 * <part name x y/></box></image>).
 *
 * A small reader of our own rather than libxml2/expat: the format uses elements, attributes,
 * comments and processing instructions only, and a ~200-line scanner keeps the evaluation
 * free of another library (one less package for CI, one less thing to fuzz). It is strict
 * where a mistake could go unnoticed (unclosed tags, bad numbers) and skips what it does not
 * need (text, unknown elements such as <label>). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "eval-dataset.h"

#define MAX_ATTRS 16
#define NAME_MAX_LEN 64
#define VALUE_MAX_LEN 1024

typedef struct xml_tag {
    char name[NAME_MAX_LEN];
    int closing;      /* </name> */
    int self_closing; /* <name .../> */
    int n_attrs;
    char attr_name[MAX_ATTRS][NAME_MAX_LEN];
    char attr_value[MAX_ATTRS][VALUE_MAX_LEN];
} xml_tag;

typedef struct xml_scanner {
    const char *path;
    const char *p, *end, *start;
} xml_scanner;

static int line_of(const xml_scanner *x)
{
    int line = 1;
    for (const char *q = x->start; q < x->p && q < x->end; q++)
        line += *q == '\n';
    return line;
}

static int xml_error(const xml_scanner *x, const char *what)
{
    return mtcam_set_error(MTCNN_EFORMAT, "%s:%d: %s", x->path, line_of(x), what);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == ':' || c == '.';
}

static void skip_space(xml_scanner *x)
{
    while (x->p < x->end && is_space(*x->p))
        x->p++;
}

/* Skips past `terminator`; an error when the file ends first. */
static int skip_past(xml_scanner *x, const char *terminator, const char *what)
{
    size_t n = strlen(terminator);
    for (; x->p + n <= x->end; x->p++) {
        if (memcmp(x->p, terminator, n) == 0) {
            x->p += n;
            return 0;
        }
    }
    return xml_error(x, what);
}

static int read_name(xml_scanner *x, char *buf)
{
    size_t n = 0;
    while (x->p < x->end && is_name_char(*x->p)) {
        if (n + 1 >= NAME_MAX_LEN)
            return xml_error(x, "name too long");
        buf[n++] = *x->p++;
    }
    buf[n] = '\0';
    return n ? 0 : xml_error(x, "expected a name");
}

/* Decodes the five predefined entities and numeric character references (ASCII only). */
static int decode_value(xml_scanner *x, const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c == '&') {
            static const struct {
                const char *ent;
                char ch;
            } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
                        {"&apos;", '\''}};
            int done = 0;
            for (size_t e = 0; e < sizeof ents / sizeof ents[0] && !done; e++) {
                size_t el = strlen(ents[e].ent);
                if (i + el <= len && memcmp(s + i, ents[e].ent, el) == 0) {
                    c = ents[e].ch;
                    i += el;
                    done = 1;
                }
            }
            if (!done && i + 2 < len && s[i + 1] == '#') {
                char *end;
                long v = s[i + 2] == 'x' ? strtol(s + i + 3, &end, 16) : strtol(s + i + 2, &end, 10);
                if (end < s + len && *end == ';' && v > 0 && v < 128) {
                    c = (char)v;
                    i = (size_t)(end - s) + 1;
                    done = 1;
                }
            }
            if (!done)
                return xml_error(x, "unknown entity in an attribute value");
        } else {
            i++;
        }
        if (o + 1 >= VALUE_MAX_LEN)
            return xml_error(x, "attribute value too long");
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* Reads the next tag, skipping text, comments, processing instructions and DOCTYPE.
 * Returns 1 for a tag, 0 at the end of the file, or a negative error. */
static int next_tag(xml_scanner *x, xml_tag *t)
{
    int rc;
    for (;;) {
        while (x->p < x->end && *x->p != '<')
            x->p++;
        if (x->p >= x->end)
            return 0;
        if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0) {
            if ((rc = skip_past(x, "-->", "unterminated comment")))
                return rc;
            continue;
        }
        if (x->end - x->p >= 2 && (x->p[1] == '?' || x->p[1] == '!')) {
            if ((rc = skip_past(x, ">", "unterminated declaration")))
                return rc;
            continue;
        }
        break;
    }
    x->p++;
    t->closing = t->self_closing = t->n_attrs = 0;
    if (x->p < x->end && *x->p == '/') {
        t->closing = 1;
        x->p++;
    }
    if ((rc = read_name(x, t->name)))
        return rc;
    for (;;) {
        skip_space(x);
        if (x->p >= x->end)
            return xml_error(x, "unterminated tag");
        if (*x->p == '>') {
            x->p++;
            return 1;
        }
        if (*x->p == '/' && !t->closing) {
            if (x->p + 1 >= x->end || x->p[1] != '>')
                return xml_error(x, "expected '/>'");
            x->p += 2;
            t->self_closing = 1;
            return 1;
        }
        if (t->closing)
            return xml_error(x, "attributes in a closing tag");
        if (t->n_attrs == MAX_ATTRS)
            return xml_error(x, "too many attributes");
        int a = t->n_attrs;
        if ((rc = read_name(x, t->attr_name[a])))
            return rc;
        skip_space(x);
        if (x->p >= x->end || *x->p != '=')
            return xml_error(x, "expected '=' after an attribute name");
        x->p++;
        skip_space(x);
        if (x->p >= x->end || (*x->p != '\'' && *x->p != '"'))
            return xml_error(x, "expected a quoted attribute value");
        char quote = *x->p++;
        const char *v = x->p;
        while (x->p < x->end && *x->p != quote)
            x->p++;
        if (x->p >= x->end)
            return xml_error(x, "unterminated attribute value");
        if ((rc = decode_value(x, v, (size_t)(x->p - v), t->attr_value[a])))
            return rc;
        x->p++;
        t->n_attrs++;
    }
}

static const char *attr(const xml_tag *t, const char *name)
{
    for (int i = 0; i < t->n_attrs; i++)
        if (strcmp(t->attr_name[i], name) == 0)
            return t->attr_value[i];
    return NULL;
}

static int attr_number(xml_scanner *x, const xml_tag *t, const char *name, int required,
                       double *out)
{
    const char *s = attr(t, name);
    if (!s) {
        if (!required)
            return 0;
        char msg[128];
        snprintf(msg, sizeof msg, "<%s> without the '%s' attribute", t->name, name);
        return xml_error(x, msg);
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || v != v) {
        char msg[160];
        snprintf(msg, sizeof msg, "<%s %s='%.40s'>: not a number", t->name, name, s);
        return xml_error(x, msg);
    }
    *out = v;
    return 0;
}

/* The 68 iBUG points of one box, then the 5 derived ones. */
typedef struct parts68 {
    float xy[68][2];
    unsigned char seen[68];
} parts68;

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

int eval__read_dlib_xml_memory(const char *root, const char *data, size_t size,
                               const char *xml_file, eval_dataset *ds)
{
    int rc;
    xml_scanner x = {.path = xml_file, .p = data, .end = data + size, .start = data};
    xml_tag *t = malloc(sizeof *t);
    parts68 *parts = malloc(sizeof *parts);
    if (!t || !parts) {
        rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", xml_file);
        goto done;
    }
    eval_image *img = NULL; /* inside <image> */
    eval_face *face = NULL; /* inside <box> */
    int saw_dataset = 0, closed_dataset = 0;
    while ((rc = next_tag(&x, t)) == 1) {
        if (strcmp(t->name, "dataset") == 0) {
            saw_dataset = 1;
            closed_dataset = t->closing || t->self_closing;
        } else if (strcmp(t->name, "image") == 0) {
            if (t->closing) {
                if (!img || face) {
                    rc = xml_error(&x, "unexpected </image>");
                    goto done;
                }
                img = NULL;
                continue;
            }
            if (img) {
                rc = xml_error(&x, "<image> inside <image>");
                goto done;
            }
            const char *file = attr(t, "file");
            if (!file || !*file) {
                rc = xml_error(&x, "<image> without a 'file' attribute");
                goto done;
            }
            img = eval__dataset_add_image(ds, file[0] == '/' ? "" : root, file, "");
            if (!img) {
                rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", xml_file);
                goto done;
            }
            if (t->self_closing)
                img = NULL;
        } else if (strcmp(t->name, "box") == 0) {
            if (t->closing) {
                if (!face) {
                    rc = xml_error(&x, "unexpected </box>");
                    goto done;
                }
                derive_five(parts, face);
                face = NULL;
                continue;
            }
            if (!img || face) {
                rc = xml_error(&x, "<box> outside an <image>");
                goto done;
            }
            double top, left, w, h, ignore = 0;
            if ((rc = attr_number(&x, t, "top", 1, &top)) ||
                (rc = attr_number(&x, t, "left", 1, &left)) ||
                (rc = attr_number(&x, t, "width", 1, &w)) ||
                (rc = attr_number(&x, t, "height", 1, &h)) ||
                (rc = attr_number(&x, t, "ignore", 0, &ignore)))
                goto done;
            if (w <= 0 || h <= 0) {
                rc = xml_error(&x, "<box> with width or height <= 0");
                goto done;
            }
            face = eval__image_add_face(img);
            if (!face) {
                rc = mtcam_set_error(MTCNN_ENOMEM, "%s: out of memory", xml_file);
                goto done;
            }
            face->box[0] = (float)left;
            face->box[1] = (float)top;
            face->box[2] = (float)(left + w);
            face->box[3] = (float)(top + h);
            face->has_box = 1;
            face->ignore = ignore != 0;
            memset(parts, 0, sizeof *parts);
            if (t->self_closing)
                face = NULL;
        } else if (strcmp(t->name, "part") == 0 && !t->closing) {
            if (!face) {
                rc = xml_error(&x, "<part> outside a <box>");
                goto done;
            }
            double idx, px, py;
            if ((rc = attr_number(&x, t, "name", 1, &idx)) ||
                (rc = attr_number(&x, t, "x", 1, &px)) || (rc = attr_number(&x, t, "y", 1, &py)))
                goto done;
            /* Other point schemes (not 68 points) simply give no landmarks. */
            if (idx >= 0 && idx < 68 && idx == (int)idx) {
                parts->xy[(int)idx][0] = (float)px;
                parts->xy[(int)idx][1] = (float)py;
                parts->seen[(int)idx] = 1;
            }
        }
    }
    if (rc < 0)
        goto done;
    if (img || face) {
        rc = xml_error(&x, "file ends inside <image> or <box>");
        goto done;
    }
    if (!saw_dataset) {
        rc = xml_error(&x, "no <dataset> element: not a dlib imglab file");
        goto done;
    }
    /* A file cut short would otherwise pass for a smaller data set. */
    if (!closed_dataset) {
        rc = xml_error(&x, "file ends before </dataset> (truncated?)");
        goto done;
    }
    rc = 0;
done:
    free(t);
    free(parts);
    return rc;
}
