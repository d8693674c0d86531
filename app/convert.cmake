# mtcam-convert: the original Caffe weights -> the project's model file.
# The Caffe reader is its own library so the tests and the fuzzer run the same code.
add_library(mtcam_caffe STATIC caffe-model.c)
target_include_directories(mtcam_caffe PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(mtcam_caffe PUBLIC mtcam_base)

add_executable(mtcam-convert convert.c)
target_link_libraries(mtcam-convert PRIVATE mtcam_caffe mtcnn_internal mtcnn mtcam_base)
