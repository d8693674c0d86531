# mtcam-detect: faces in still images, one JSON line per image (docs in app/detect.c --help).
add_executable(mtcam-detect detect.c)
target_link_libraries(mtcam-detect PRIVATE mtcnn mtcam_capture mtcam_render mtcam_app_common
  mtcam_base Threads::Threads m)
