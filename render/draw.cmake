target_sources(mtcam_render PRIVATE overlay.c image-write.c)
