/* test-args.c - the flag value parsers every program shares (app/common/args.c): whole strings
 * only, ranges inclusive, lists of exactly n items, and nothing written on failure. */
#include <float.h>
#include <math.h>

#include "args.h"
#include "check.h"

static int test_integers(void)
{
    static const struct {
        const char *s;
        long lo, hi;
        int ok;
        long want;
    } cases[] = {
        {"7", 1, 10, 1, 7},
        {"1", 1, 10, 1, 1},
        {"10", 1, 10, 1, 10},
        {"0", 1, 10, 0, 0},
        {"11", 1, 10, 0, 0},
        {"-3", -5, 5, 1, -3},
        {"+4", 0, 5, 1, 4},
        {"", 0, 5, 0, 0},
        {"4x", 0, 5, 0, 0},
        {"4 ", 0, 5, 0, 0},
        {"2.5", 0, 5, 0, 0},
        {"0x10", 0, 100, 0, 0},
        {"99999999999999999999", 0, 1000000000L, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long l = -99;
        int n = -99;
        int rc_l = app_parse_long(cases[i].s, cases[i].lo, cases[i].hi, &l);
        int rc_i = app_parse_int(cases[i].s, (int)cases[i].lo, (int)cases[i].hi, &n);
        CHECK_MSG(rc_l == (cases[i].ok ? 0 : -1), "'%s': rc %d", cases[i].s, rc_l);
        CHECK_INT_EQ(rc_i, rc_l);
        CHECK_INT_EQ(l, cases[i].ok ? cases[i].want : -99);
        CHECK_INT_EQ(n, cases[i].ok ? cases[i].want : -99);
    }
    return 0;
}

static int test_numbers(void)
{
    static const struct {
        const char *s;
        double lo, hi;
        int ok;
        double want;
    } cases[] = {
        {"0.709", 0.1, 0.95, 1, 0.709},
        {"0.95", 0.1, 0.95, 1, 0.95},
        {"0.1", 0.1, 0.95, 1, 0.1},
        {"0.96", 0.1, 0.95, 0, 0},
        {"1e3", 12, 100000, 1, 1000},
        {"12", 12, 100000, 1, 12},
        {"11.9", 12, 100000, 0, 0},
        {"nan", 0, 1, 0, 0},
        {"inf", 0, HUGE_VAL, 0, 0},
        {"1e999", 0, HUGE_VAL, 0, 0},
        {"", 0, 1, 0, 0},
        {"0.5x", 0, 1, 0, 0},
        {"0.5,0.6", 0, 1, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double d = -99;
        float f = -99;
        int rc_d = app_parse_double(cases[i].s, cases[i].lo, cases[i].hi, &d);
        int rc_f = app_parse_float(cases[i].s, cases[i].lo, fmin(cases[i].hi, FLT_MAX), &f);
        CHECK_MSG(rc_d == (cases[i].ok ? 0 : -1), "'%s': rc %d", cases[i].s, rc_d);
        CHECK_INT_EQ(rc_f, rc_d);
        CHECK_NEAR(d, cases[i].ok ? cases[i].want : -99, 0);
        CHECK_NEAR(f, cases[i].ok ? (float)cases[i].want : -99.0f, 0);
    }
    return 0;
}

static int test_lists(void)
{
    float t[3] = {-1, -1, -1};
    CHECK_INT_EQ(app_parse_floats("0.6,0.7,0.8", 3, 0, 1, t), 0);
    CHECK_NEAR(t[0], 0.6f, 0);
    CHECK_NEAR(t[1], 0.7f, 0);
    CHECK_NEAR(t[2], 0.8f, 0);
    static const char *const bad[] = {
        "0.6,0.7",     "0.6,0.7,0.8,0.9", "0.6,,0.8",     "0.6,0.7,",    ",0.6,0.7",
        "0.6,abc,0.7", "0.6,0.7,1.5",     "0.6 ,0.7,0.8", "0.6;0.7;0.8", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float u[3] = {-1, -1, -1};
        CHECK_MSG(app_parse_floats(bad[i], 3, 0, 1, u) == -1, "'%s' accepted", bad[i]);
        CHECK_MSG(u[0] == -1 && u[1] == -1 && u[2] == -1, "'%s' written on failure", bad[i]);
    }
    double r[2];
    CHECK_INT_EQ(app_parse_doubles("1.2,4", 2, 0.1, 100, r), 0);
    CHECK_NEAR(r[0], 1.2, 0);
    CHECK_NEAR(r[1], 4, 0);
    CHECK_INT_EQ(app_parse_doubles("1.2,400", 2, 0.1, 100, r), -1);
    return 0;
}

static int test_sizes(void)
{
    static const struct {
        const char *s;
        int ok, w, h;
    } cases[] = {
        {"640x480", 1, 640, 480},
        {"16x16", 1, 16, 16},
        {"8192x8192", 1, 8192, 8192},
        {"15x480", 0, 0, 0},
        {"640x8193", 0, 0, 0},
        {"640", 0, 0, 0},
        {"640x", 0, 0, 0},
        {"x480", 0, 0, 0},
        {"640x480x3", 0, 0, 0},
        {"640X480", 0, 0, 0},
        {"640 x480", 0, 0, 0},
        {"640x480 ", 0, 0, 0},
        {"", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int w = -1, h = -1;
        int rc = app_parse_size(cases[i].s, 16, 8192, &w, &h);
        CHECK_MSG(rc == (cases[i].ok ? 0 : -1), "'%s': rc %d", cases[i].s, rc);
        CHECK_INT_EQ(w, cases[i].ok ? cases[i].w : -1);
        CHECK_INT_EQ(h, cases[i].ok ? cases[i].h : -1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"integers", test_integers},
        {"numbers", test_numbers},
        {"lists", test_lists},
        {"sizes", test_sizes},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
