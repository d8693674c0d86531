# Still images: the type is told by magic bytes (image-file.c), one decoder per format.
target_sources(mtcam_capture PRIVATE
  image-file.c
  image-jpeg.c
  image-png.c
  image-pnm.c)
