# Drawing into frames (overlay with its own bitmap font), writing frames as PNG/JPEG, and
# aligned face crops as PNG.
target_sources(mtcam_render PRIVATE
  overlay.c
  font.c
  image-write.c
  jpeg-encode.c
  face-crops.c)
