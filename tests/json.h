/* json.h - a small JSON reader for the tests (golden vectors, tool output). Not for untrusted
 * input in production: it is a test helper. */
#pragma once

#include <stddef.h>

typedef enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    double number;      /* JSON_NUMBER, JSON_BOOL (0/1) */
    char *string;       /* JSON_STRING; for object members, the key is in `key` */
    char *key;          /* member name when inside an object */
    struct json *child; /* first element / member */
    struct json *next;  /* next sibling */
    size_t count;       /* number of children */
} json;

/* Parses text; NULL on a syntax error. Free with json_free. */
json *json_parse(const char *text);
json *json_parse_file(const char *path);
void json_free(json *j);
/* Member of an object by key, element of an array by index; NULL when absent. */
const json *json_get(const json *obj, const char *key);
const json *json_at(const json *arr, size_t index);
/* Number of an element; NAN when not a number. */
double json_num(const json *j);
/* Flattens nested arrays of numbers into out[] (up to max); returns how many were found. */
size_t json_flatten(const json *j, double *out, size_t max);
