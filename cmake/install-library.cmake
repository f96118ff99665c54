# Installing libnumasim for other programs (docs/api.md, "Installing"):
# the shared and static library, include/numasim.h, numasim.pc for
# pkg-config and a CMake package (find_package(numasim) gives the imported
# target numasim::numasim, the shared library).
install(TARGETS numasim_shared EXPORT numasimTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The installed libnumasim.a holds the same objects as one relocatable
# object whose hidden symbols are made local (ld -r + objcopy
# --localize-hidden), so a program linking it statically sees only the
# numasim_* calls too and cannot clash with the internal names.
set(NUMASIM_PUBLIC_A ${CMAKE_BINARY_DIR}/public/libnumasim.a)
add_custom_command(OUTPUT ${NUMASIM_PUBLIC_A}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/public
    COMMAND ${CMAKE_COMMAND} -E rm -f ${NUMASIM_PUBLIC_A}
    COMMAND ${CMAKE_LINKER} -r -o ${CMAKE_BINARY_DIR}/public/numasim.o $<TARGET_OBJECTS:numasim_obj>
    COMMAND ${CMAKE_OBJCOPY} --localize-hidden ${CMAKE_BINARY_DIR}/public/numasim.o
    COMMAND ${CMAKE_AR} rcs ${NUMASIM_PUBLIC_A} ${CMAKE_BINARY_DIR}/public/numasim.o
    DEPENDS $<TARGET_OBJECTS:numasim_obj>
    COMMAND_EXPAND_LISTS VERBATIM)
add_custom_target(numasim_public_static ALL DEPENDS ${NUMASIM_PUBLIC_A})
# DEPENDS on object files alone does not order the targets in a parallel build.
add_dependencies(numasim_public_static numasim_obj)
install(FILES ${NUMASIM_PUBLIC_A} DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/numasim.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# numasim.pc: ${pcfiledir}-relative, so a moved install tree still works.
file(RELATIVE_PATH NUMASIM_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" NUMASIM_PC_TO_PREFIX "${NUMASIM_PC_TO_PREFIX}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/numasim.pc.in ${CMAKE_BINARY_DIR}/numasim.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/numasim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

include(CMakePackageConfigHelpers)
set_target_properties(numasim_shared PROPERTIES EXPORT_NAME numasim)
install(EXPORT numasimTargets NAMESPACE numasim::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/numasim)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/numasimConfig.cmake.in
    ${CMAKE_BINARY_DIR}/numasimConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/numasim)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/numasimConfigVersion.cmake
    VERSION ${NUMASIM_API_MAJOR}.${NUMASIM_API_MINOR}.0 COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/numasimConfig.cmake ${CMAKE_BINARY_DIR}/numasimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/numasim)

# The Python module (docs/python.md) beside the shared data.
install(FILES ${CMAKE_SOURCE_DIR}/python/numasim.py DESTINATION ${CMAKE_INSTALL_DATADIR}/numasim/python)
