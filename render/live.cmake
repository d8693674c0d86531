target_sources(mtcam_render PRIVATE window.c avi-write.c record.c)
