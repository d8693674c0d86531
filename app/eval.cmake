# mtcam-eval: accuracy of a model on annotated face data sets (docs/eval.md).
# The readers, matching rules, metrics and report writers form a library so the tests in
# tests/eval/ run the very code the program runs.
add_library(mtcam_eval STATIC
  eval-dataset.c
  eval-read-text.c
  eval-read-xml.c
  eval-match.c
  eval-fddb.c
  eval-metrics.c
  eval-score.c
  eval-svg.c
  eval-report.c
  eval-html.c
  eval-run.c
  eval-mat.c
  eval-wider-official.c
  eval-wider-subset.c)
target_include_directories(mtcam_eval PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(mtcam_eval PUBLIC mtcnn mtcam_base mtcam_capture
  PRIVATE Threads::Threads m z)

add_executable(mtcam-eval eval-main.c)
target_link_libraries(mtcam-eval PRIVATE mtcam_eval mtcam_app_common m)
