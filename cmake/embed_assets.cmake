# qiandao_embed(<target> NAME <fn> BASE <dir> [IF_MISSING <hint>] FILES <relative paths...>)
# Builds a static library whose function `qiandao::embedded::<fn>()` returns every file's
# bytes, so the binary serves its own schema and web assets with nothing beside it.
# Every file must exist when CMake configures: a missing one stops here, with IF_MISSING
# saying how to get it, rather than as "No rule to make target" halfway through a build.
set(QIANDAO_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_file.cmake)

function(qiandao_embed target)
  cmake_parse_arguments(E "" "NAME;BASE;IF_MISSING" "FILES" ${ARGN})
  set(missing "")
  foreach(rel IN LISTS E_FILES)
    if(NOT EXISTS ${E_BASE}/${rel})
      string(APPEND missing "\n  ${E_BASE}/${rel}")
    endif()
  endforeach()
  if(missing)
    message(FATAL_ERROR "Files to embed in the binary are missing:${missing}\n${E_IF_MISSING}")
  endif()
  set(outdir ${CMAKE_CURRENT_BINARY_DIR}/${target})
  set(parts "")
  set(index "")
  set(decls "")
  set(i 0)
  foreach(rel IN LISTS E_FILES)
    set(src ${E_BASE}/${rel})
    # Symbols carry the table's name: two tables' f0 would otherwise collide at link time.
    set(sym ${E_NAME}_f${i})
    set(out ${outdir}/${sym}.cpp)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -DIN=${src} -DOUT=${out} -DSYM=${sym} -P ${QIANDAO_EMBED_SCRIPT}
      DEPENDS ${src} ${QIANDAO_EMBED_SCRIPT} VERBATIM)
    list(APPEND parts ${out})
    string(APPEND decls "extern unsigned char const ${sym}[]; extern std::size_t const ${sym}_size;\n")
    string(APPEND index "  {\"${rel}\", std::string_view(reinterpret_cast<char const*>(${sym}), ${sym}_size)},\n")
    math(EXPR i "${i} + 1")
  endforeach()
  set(table ${outdir}/${E_NAME}.cpp)
  if(i EQUAL 0)
    set(index "  {\"\", std::string_view()},\n")  # an empty list still needs one element
  endif()
  file(CONFIGURE OUTPUT ${table} CONTENT
"#include \"embedded.hpp\"
namespace qiandao::embedded::detail {
${decls}}
namespace qiandao::embedded {
using namespace detail;
std::span<file const> ${E_NAME}() {
  static file const files[] = {
${index}  };
  return std::span<file const>(files, ${i});
}
}  // namespace qiandao::embedded
")
  add_library(${target} STATIC ${table} ${parts})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/server)
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()
