# Virtual-camera part of mtcam_render: the auto-framing controller (pure logic), crop/scale and
# RGB -> YUYV, the V4L2 output device and the output thread. Beside the recorder because it is
# the same kind of sink (annotated frames in, a bounded queue, its own thread, the shared JPEG
# encoder for MJPEG); it needs no SDL, so the static QEMU guest links it too.
target_sources(mtcam_render PRIVATE framing.c vcam-convert.c vcam-device.c vcam.c)
