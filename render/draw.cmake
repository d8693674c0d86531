# Drawing into frames (overlay with its own bitmap font) and writing frames as PNG/JPEG.
target_sources(mtcam_render PRIVATE
  overlay.c
  font.c
  image-write.c
  jpeg-encode.c)
