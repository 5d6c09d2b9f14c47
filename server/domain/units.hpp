#pragma once
// Work units (各医疗卫生单位), the quotas an event expects of them, and leave (请假).
#include <string_view>
#include <vector>

#include "domain/csv_import.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

// A kind's code from its code or Chinese label (医院, 社区卫生服务中心 …); empty if unknown.
std::optional<std::string> unit_kind(std::string_view text);

result<unit> create_unit(store& s, actor const& who, unit_changes const& in);
result<unit> update_unit(store& s, actor const& who, id_t id, unit_changes const& in);

struct unit_import_report {
  bool dry_run = true;
  int accepted = 0;  // new units
  int updated = 0;   // existing names whose kind or parent changed (or stayed)
  std::vector<csv_rejection> rejected;
};

// CSV with 名称/name, 类型/kind, 上级/parent columns; a parent may come later in the file.
// Each line in its own savepoint; the caller rolls everything back for a dry run.
result<unit_import_report> import_units(store& s, actor const& who, std::string_view bytes,
                                        bool dry_run);

// Replaces the event's quotas: unit_kind items expand to every unit of the kind, and a later
// unit_id item overrides.
result<std::vector<quota>> set_quotas(store& s, actor const& who, id_t event_id,
                                      std::vector<quota_item> const& items);

result<registration> record_leave(store& s, actor const& who, id_t registration_id,
                                  std::string const& reason);
result<registration> clear_leave(store& s, actor const& who, id_t registration_id);

}  // namespace qiandao::domain
