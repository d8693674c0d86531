/* test-vcam-device.c - the virtual camera's device errors on this machine (no V4L2 here: the
 * real device is tested under QEMU with vivid, tests/qemu): a missing node, a node that is not
 * V4L2, a regular file, bad names and options. Each gives one line naming the device. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "err.h"
#include "vcam-device.h"
#include "vcam.h"

static int test_formats(void)
{
    CHECK_INT_EQ(vcam_format_parse("yuyv"), VCAM_FORMAT_YUYV);
    CHECK_INT_EQ(vcam_format_parse("rgb24"), VCAM_FORMAT_RGB24);
    CHECK_INT_EQ(vcam_format_parse("mjpeg"), VCAM_FORMAT_MJPEG);
    CHECK_INT_EQ(vcam_format_parse("YUYV"), -1);
    CHECK_INT_EQ(vcam_format_parse("nv12"), -1);
    CHECK_INT_EQ(vcam_format_parse(""), -1);
    CHECK(!strcmp(vcam_format_name(VCAM_FORMAT_MJPEG), "MJPEG"));
    return 0;
}

static int one_line(const char *s)
{
    return s && *s && !strchr(s, '\n');
}

static int test_missing_device(void)
{
    vcam_device *d = (vcam_device *)1;
    CHECK_INT_EQ(vcam_device_open("/dev/video99", NULL, &d), MTCNN_ENOTFOUND);
    CHECK(d == NULL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/dev/video99: no such device");
    CHECK_STR_CONTAINS(mtcam_last_error(), "v4l2loopback");
    CHECK(one_line(mtcam_last_error()));
    vcam *v = (vcam *)1;
    CHECK_INT_EQ(vcam_start("/dev/video99", NULL, &v), MTCNN_ENOTFOUND);
    CHECK(v == NULL);
    vcam_stop(NULL, NULL);
    vcam_device_close(NULL);
    return 0;
}

static int test_not_v4l2(void)
{
    vcam_device *d;
    CHECK_INT_EQ(vcam_device_open("/dev/null", NULL, &d), MTCNN_EUNSUPPORTED);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/dev/null: not a V4L2 device");
    CHECK(one_line(mtcam_last_error()));
    /* a regular file opens, but is no device either */
    char path[] = "/tmp/mtcam-vcam-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    int rc = vcam_device_open(path, NULL, &d);
    unlink(path);
    CHECK_INT_EQ(rc, MTCNN_EUNSUPPORTED);
    CHECK_STR_CONTAINS(mtcam_last_error(), "not a V4L2 device");
    /* a folder cannot even be opened for writing */
    CHECK(vcam_device_open("/tmp", NULL, &d) < 0);
    CHECK_STR_CONTAINS(mtcam_last_error(), "/tmp: open");
    return 0;
}

static int test_bad_arguments(void)
{
    vcam_device *d;
    CHECK_INT_EQ(vcam_device_open("", NULL, &d), MTCNN_EINVAL);
    CHECK_INT_EQ(vcam_device_open(NULL, NULL, &d), MTCNN_EINVAL);
    vcam_device_options o = {.format = (vcam_format)7};
    CHECK_INT_EQ(vcam_device_open("/dev/null", &o, &d), MTCNN_EINVAL);
    CHECK_STR_CONTAINS(mtcam_last_error(), "unknown output format");
    return 0;
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"formats", test_formats},
        {"missing_device", test_missing_device},
        {"not_v4l2", test_not_v4l2},
        {"bad_arguments", test_bad_arguments},
        {NULL, NULL},
    };
    return check_main(argc, argv, cases);
}
