#include "check.h"

#include <unistd.h>

int check_failures;

int check_main(int argc, char **argv, const check_case *cases)
{
    int ran = 0, failed = 0, skipped = 0;
    for (const check_case *c = cases; c->name; c++) {
        if (argc > 1 && strcmp(argv[1], c->name) != 0)
            continue;
        ran++;
        int rc = c->fn();
        if (rc == CHECK_SKIP) {
            skipped++;
            fprintf(stderr, "[skip] %s\n", c->name);
        } else if (rc != 0) {
            failed++;
            fprintf(stderr, "[FAIL] %s\n", c->name);
        } else {
            fprintf(stderr, "[ ok ] %s\n", c->name);
        }
    }
    if (ran == 0) {
        fprintf(stderr, "no test case named '%s'\n", argc > 1 ? argv[1] : "");
        return 1;
    }
    if (failed)
        return 1;
    return skipped == ran ? CHECK_SKIP : 0;
}

const char *check_shared_path(const char *relative)
{
    static _Thread_local char buf[4096];
    const char *dir = getenv("MTCAM_SHARED_DIR");
    if (!dir || !*dir)
        dir = MTCAM_SHARED_DIR_DEFAULT;
    snprintf(buf, sizeof buf, "%s/%s", dir, relative);
    if (access(buf, R_OK) != 0)
        return NULL;
    return buf;
}

const char *check_data_path(const char *relative)
{
    static _Thread_local char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", MTCAM_TEST_DATA_DIR, relative);
    return buf;
}

const char *check_model_path(void)
{
    const char *p = getenv("MTCAM_TEST_MODEL");
    if (!p || !*p || access(p, R_OK) != 0)
        return NULL;
    return p;
}

void *check_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    char *buf = n >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (size)
        *size = (size_t)n;
    return buf;
}
