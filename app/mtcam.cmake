# mtcam: the live app. The loop lives in a library so tests can drive it with a hook.
add_library(mtcam_live STATIC keys.c live-args.c live-detect.c live-hud.c live.c)
target_include_directories(mtcam_live PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(mtcam_live PUBLIC mtcam_app_common mtcam_capture mtcam_render mtcnn
  mtcam_base Threads::Threads)
add_executable(mtcam mtcam.c)
target_link_libraries(mtcam PRIVATE mtcam_live)
