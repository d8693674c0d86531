# Warnings and sanitizers, applied to every target of the project.
add_compile_options(-Wall -Wextra -Wshadow -Wno-unused-parameter
                    # C only: the OpenCV peer benchmark is C++ (app/bench/peers)
                    $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes> $<$<COMPILE_LANGUAGE:C>:-Wmissing-prototypes>)
if(MTCAM_WERROR)
  add_compile_options(-Werror)
endif()
if(MTCAM_SANITIZE)
  string(REPLACE ";" "," _san "${MTCAM_SANITIZE}")
  add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_san})
endif()
# Project-wide defines: POSIX APIs (clock_gettime, pthreads) in strict C11 mode.
add_compile_definitions(_POSIX_C_SOURCE=200809L)
