# mtcam-bench: per-stage timings of the cascade, GFLOP/s against the measured FP32 peak.
add_executable(mtcam-bench bench.c bench-peak.c)
target_link_libraries(mtcam-bench PRIVATE mtcnn_internal mtcnn mtcam_capture mtcam_app_common
  mtcam_base m)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  target_sources(mtcam-bench PRIVATE bench-peak-avx2.c bench-peak-avx512.c)
  set_source_files_properties(bench-peak-avx2.c PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
  set_source_files_properties(bench-peak-avx512.c PROPERTIES COMPILE_OPTIONS
    "-mavx512f;-mavx512dq;-mavx2;-mfma")
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  target_sources(mtcam-bench PRIVATE bench-peak-neon.c)
endif()
