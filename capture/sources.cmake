# The capture sources besides still-image decoding (image.cmake): the source table and its
# backends, pixel conversions and the capture thread. See docs/capture.md.
include(GNUInstallDirs)
target_sources(mtcam_capture PRIVATE
  capture.c
  convert.c
  v4l2.c
  y4m.c
  avi-read.c
  image-folder.c
  demo.c
  thread.c)
# Where the demo finds its photos: the source tree (build tree runs) and the install prefix;
# $MTCAM_ASSETS overrides both at run time.
set_property(SOURCE demo.c APPEND PROPERTY COMPILE_DEFINITIONS
  MTCAM_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets"
  MTCAM_ASSETS_INSTALL_DIR="${CMAKE_INSTALL_FULL_DATADIR}/mtcam/assets")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/demo
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mtcam/assets)
