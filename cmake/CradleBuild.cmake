# Warnings for the project's own code. Third-party headers (LibTorch, Qt) come in
# through imported targets and are treated as system headers, so they stay quiet.
# A switch over an enumeration that forgets a value (a new Stage, say) does not
# compile: the enumerations replace strings so that the compiler finds every
# place a new value must be handled.
function(cradle_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
      -Wnon-virtual-dtor -Wno-unused-parameter -Werror=switch)
  endif()
endfunction()

# Parsing LibTorch's headers costs ~20 s per translation unit on this machine,
# and a GCC precompiled header of them (600 MB) costs 10 s to load even in a
# file that needs nothing from it. So targets that use LibTorch are built as
# unity builds: their sources are compiled in `batches` combined units (one per
# core), and the headers are parsed that many times instead of once per file.
# Sources in a unity build share one anonymous namespace per batch: helper
# names there must be unique across the target.
function(cradle_unity_build target batch_size)
  if(CRADLE_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch_size})
  endif()
endfunction()
