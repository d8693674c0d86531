target_sources(mtcam_capture PRIVATE image-file.c)
