#pragma once
// Files compiled into the binary (schema migrations, web assets): see cmake/embed_assets.cmake.
#include <span>
#include <string_view>

namespace qiandao::embedded {

struct file {
  std::string_view path;  // relative to the embedded folder, e.g. "001_init.sql"
  std::string_view data;
};

std::span<file const> schema();             // schema/sqlite/
std::span<file const> schema_postgresql();  // schema/postgresql/
std::span<file const> web();
std::span<file const> vendor();  // npm packages' built files, from node_modules

}  // namespace qiandao::embedded
