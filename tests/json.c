#include "json.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct parser {
    const char *p;
    int depth;
} parser;

static void skip_ws(parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static json *parse_value(parser *ps);

static char *parse_string_raw(parser *ps)
{
    if (*ps->p != '"')
        return NULL;
    ps->p++;
    size_t cap = 16, n = 0;
    char *s = malloc(cap);
    while (s && *ps->p && *ps->p != '"') {
        char c = *ps->p++;
        if (c == '\\') {
            c = *ps->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': /* keep ASCII only; others become '?' */
                if (strlen(ps->p) < 4) {
                    free(s);
                    return NULL;
                }
                c = (char)strtol((char[]){ps->p[0], ps->p[1], ps->p[2], ps->p[3], 0}, NULL, 16);
                if ((unsigned char)c > 127)
                    c = '?';
                ps->p += 4;
                break;
            case '\0': free(s); return NULL;
            default: break; /* \" \\ \/ */
            }
        }
        if (n + 2 > cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        s[n++] = c;
    }
    if (!s || *ps->p != '"') {
        free(s);
        return NULL;
    }
    ps->p++;
    s[n] = '\0';
    return s;
}

static json *new_node(json_type t)
{
    json *j = calloc(1, sizeof *j);
    if (j)
        j->type = t;
    return j;
}

static json *parse_container(parser *ps, int object)
{
    json *j = new_node(object ? JSON_OBJECT : JSON_ARRAY);
    if (!j || ++ps->depth > 200) {
        json_free(j);
        return NULL;
    }
    ps->p++;
    json **tail = &j->child;
    skip_ws(ps);
    if (*ps->p == (object ? '}' : ']')) {
        ps->p++;
        ps->depth--;
        return j;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (object) {
            key = parse_string_raw(ps);
            skip_ws(ps);
            if (!key || *ps->p != ':') {
                free(key);
                json_free(j);
                return NULL;
            }
            ps->p++;
        }
        json *v = parse_value(ps);
        if (!v) {
            free(key);
            json_free(j);
            return NULL;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        j->count++;
        skip_ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == (object ? '}' : ']')) {
            ps->p++;
            ps->depth--;
            return j;
        }
        json_free(j);
        return NULL;
    }
}

static json *parse_value(parser *ps)
{
    skip_ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[')
        return parse_container(ps, c == '{');
    if (c == '"') {
        json *j = new_node(JSON_STRING);
        if (j && !(j->string = parse_string_raw(ps))) {
            free(j);
            return NULL;
        }
        return j;
    }
    if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
        json *j = new_node(JSON_BOOL);
        if (j)
            j->number = c == 't';
        ps->p += c == 't' ? 4 : 5;
        return j;
    }
    if (!strncmp(ps->p, "null", 4)) {
        ps->p += 4;
        return new_node(JSON_NULL);
    }
    char *end;
    double v = strtod(ps->p, &end);
    if (end == ps->p)
        return NULL;
    ps->p = end;
    json *j = new_node(JSON_NUMBER);
    if (j)
        j->number = v;
    return j;
}

json *json_parse(const char *text)
{
    parser ps = {.p = text};
    json *j = parse_value(&ps);
    skip_ws(&ps);
    if (j && *ps.p) {
        json_free(j);
        return NULL;
    }
    return j;
}

json *json_parse_file(const char *path)
{
    char *text = check_read_file(path, NULL);
    json *j = text ? json_parse(text) : NULL;
    free(text);
    return j;
}

void json_free(json *j)
{
    while (j) {
        json *next = j->next;
        json_free(j->child);
        free(j->string);
        free(j->key);
        free(j);
        j = next;
    }
}

const json *json_get(const json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (const json *c = obj->child; c; c = c->next)
        if (c->key && strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

const json *json_at(const json *arr, size_t index)
{
    if (!arr || (arr->type != JSON_ARRAY && arr->type != JSON_OBJECT))
        return NULL;
    const json *c = arr->child;
    while (c && index--)
        c = c->next;
    return c;
}

double json_num(const json *j) { return j && j->type == JSON_NUMBER ? j->number : NAN; }

static size_t flatten(const json *j, double *out, size_t max, size_t n)
{
    if (!j)
        return n;
    if (j->type == JSON_NUMBER) {
        if (n < max)
            out[n] = j->number;
        return n + 1;
    }
    if (j->type == JSON_ARRAY)
        for (const json *c = j->child; c; c = c->next)
            n = flatten(c, out, max, n);
    return n;
}

size_t json_flatten(const json *j, double *out, size_t max) { return flatten(j, out, max, 0); }
