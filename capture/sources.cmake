target_sources(mtcam_capture PRIVATE capture.c)
