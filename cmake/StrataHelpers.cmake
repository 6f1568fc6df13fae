# strata_library(NAME <target> SRCS <files> DEPS <targets>)
# One static library per module (Abseil's absl_cc_library in miniature).
# Include paths are full from src/ ("storage/erasure/codec.h").
function(strata_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# strata_test(NAME <binary> SRCS <files> DEPS <targets> [PREFIX <text>])
# A GoogleTest binary registered with CTest, test by test. PREFIX goes in
# front of each CTest name (e.g. "obs." so `ctest -R obs` selects them).
function(strata_test)
  if(NOT STRATA_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "NAME;PREFIX" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${ARG_NAME} TEST_PREFIX "${ARG_PREFIX}" DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 300)
endfunction()

# strata_bench_binary(NAME <binary> SRCS <files> DEPS <targets>)
# A Google Benchmark binary: built (so it keeps compiling), never run by CTest.
function(strata_bench_binary)
  if(NOT STRATA_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()
