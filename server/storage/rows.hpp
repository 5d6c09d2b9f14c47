#pragma once
// Small readers shared by the store_*.cpp files.
#include <optional>

#include "domain/model.hpp"
#include "storage/sql.hpp"

namespace qiandao::storage {

// The id an `INSERT … RETURNING id` gave back; throws when it gave none.
inline domain::id_t returned_id(statement& s) {
  if (!s.step()) throw db_error(db_error::kind::other, "", "INSERT … RETURNING gave no row");
  auto id = s.get_int(0);
  s.reset();
  return id;
}

// The id an `INSERT … ON CONFLICT DO NOTHING RETURNING id` gave back, or none on a conflict.
inline std::optional<domain::id_t> inserted_id(statement& s) {
  if (!s.step()) return std::nullopt;
  auto id = s.get_int(0);
  s.reset();
  return id;
}

}  // namespace qiandao::storage
