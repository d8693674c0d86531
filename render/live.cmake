# Live part of mtcam_render: HUD text (SDL2_ttf into the frame), the SDL2 window, the recorder
# thread and its MJPEG AVI writer.
target_sources(mtcam_render PRIVATE hud.c window.c record.c avi-write.c)
set_property(SOURCE hud.c APPEND PROPERTY COMPILE_DEFINITIONS
  MTCAM_SOURCE_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets")
