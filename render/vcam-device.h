/* vcam-device.h - a V4L2 video output device (v4l2loopback, vivid's output node, ...) that
 * RGB24 frames are written to: what video-call programs then see as a camera.
 *
 * Opened with plain open()/ioctl() (libv4l2 converts only on capture): VIDIOC_QUERYCAP must
 * show a video output, VIDIOC_S_FMT on V4L2_BUF_TYPE_VIDEO_OUTPUT asks for the format and
 * size, VIDIOC_G_FMT reads back what the device granted. A device may keep its own size (vivid's
 * outputs follow their video standard or DV timings): frames are then scaled to the granted
 * size and vcam_device_describe says what was asked. The pixel format is never changed
 * behind the caller's back: a device that does not take it is an error naming what it takes.
 *
 * I/O is mmap streaming when the device offers it (V4L2_CAP_STREAMING), else write()
 * (V4L2_CAP_READWRITE); `io` forces one. Errors name the device and the reason; a device that
 * goes away (module unloaded, USB unplugged) gives MTCNN_ENODEV. */
#pragma once

#include <stdint.h>

#include "frame.h"

typedef enum vcam_format {
    VCAM_FORMAT_YUYV = 0, /* packed 4:2:2, what most programs expect from a webcam */
    VCAM_FORMAT_RGB24,
    VCAM_FORMAT_MJPEG,
} vcam_format;

typedef enum vcam_io {
    VCAM_IO_AUTO = 0, /* mmap streaming when offered, else write() */
    VCAM_IO_MMAP,
    VCAM_IO_WRITE,
} vcam_io;

typedef struct vcam_device_options {
    int width, height;  /* asked for; 0 = 640x480 */
    vcam_format format;
    vcam_io io;
    int jpeg_quality;   /* MJPEG: 1..100 (0 = 85) */
    double fps;         /* told to the device with VIDIOC_S_PARM when it takes it (0: not) */
} vcam_device_options;

typedef struct vcam_device vcam_device;

/* "yuyv", "rgb24", "mjpeg" -> the format; -1 for anything else. */
int vcam_format_parse(const char *name);
const char *vcam_format_name(vcam_format f);

int vcam_device_open(const char *path, const vcam_device_options *opt, vcam_device **out);
/* e.g. "/dev/video1 'vivid': 640x480 YUYV, mmap streaming (asked 1280x720)". */
const char *vcam_device_describe(const vcam_device *d);
void vcam_device_size(const vcam_device *d, int *width, int *height);
/* Sends one RGB24 frame of the granted size, converted to the device's format; its timestamp
 * goes with it. Waits at most `timeout_ms` for the device to take it. Returns 1 when sent, 0
 * when the device had no room in time (the frame is dropped), or a negative code. */
int vcam_device_write(vcam_device *d, const mtcam_frame *rgb, int timeout_ms);
/* Accepts NULL. */
void vcam_device_close(vcam_device *d);
