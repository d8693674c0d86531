# mtcam-train: the training pipeline (docs/training.md). Decodes images here (capture) and
# hands pixels to engine/train, which knows no file formats.
add_executable(mtcam-train train.c train-data.c)
target_link_libraries(mtcam-train PRIVATE mtcam_train mtcam_capture mtcnn mtcam_base
  Threads::Threads m)
target_compile_definitions(mtcam-train PRIVATE
  MTCAM_DEFAULT_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
