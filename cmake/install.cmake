# What `cmake --install build --prefix P` puts where: the library for other programs (shared
# and static, the header, pkg-config and CMake package files), the programs, and their data
# under P/share/mtcam (models/, fonts/, assets/demo/: the programs look there, relative to
# their own executable, so an installed tree can be moved). See README "Installing".
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS mtcnn_shared mtcnn_static EXPORT mtcnnTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/engine/include/mtcnn.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# find_package(mtcnn): mtcnn::mtcnn (libmtcnn.so) and mtcnn::mtcnn_static (libmtcnn.a).
set(MTCNN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mtcnn)
install(EXPORT mtcnnTargets NAMESPACE mtcnn:: DESTINATION ${MTCNN_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mtcnnConfig.cmake.in
  ${CMAKE_BINARY_DIR}/mtcnnConfig.cmake INSTALL_DESTINATION ${MTCNN_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/mtcnnConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/mtcnnConfig.cmake ${CMAKE_BINARY_DIR}/mtcnnConfigVersion.cmake
  DESTINATION ${MTCNN_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place (${pcfiledir}), since
# `cmake --install --prefix P` chooses the prefix after configuration.
file(RELATIVE_PATH MTCNN_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" MTCNN_PC_TO_PREFIX "${MTCNN_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mtcnn.pc.in ${CMAKE_BINARY_DIR}/mtcnn.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/mtcnn.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Data of the programs (the demo photos are installed by capture/sources.cmake).
install(FILES ${PROJECT_SOURCE_DIR}/models/mtcam.mtcnn ${PROJECT_SOURCE_DIR}/models/MODEL_CARD.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/mtcam/models)
if(NOT MTCAM_ENGINE_ONLY)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/fonts DESTINATION ${CMAKE_INSTALL_DATADIR}/mtcam)
endif()
foreach(program mtcam mtcam-detect mtcam-convert mtcam-bench mtcam-eval mtcam-train)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
