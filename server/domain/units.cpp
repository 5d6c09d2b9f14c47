#include "domain/units.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

struct kind_label {
  std::string_view code;
  std::array<std::string_view, 5> labels;
};

constexpr std::array<kind_label, 6> kinds{{
    {"hospital", {"医院", "医疗机构", "hospital", "", ""}},
    {"community", {"社区卫生服务中心", "社区", "社区卫生中心", "卫生院", "community"}},
    {"cdc", {"疾控中心", "疾病预防控制中心", "疾控", "卫生监督所", "cdc"}},
    {"office", {"机关", "委机关", "科室", "卫生健康委", "office"}},
    {"group", {"医联体", "医疗集团", "医共体", "集团", "group"}},
    {"other", {"其他", "其它", "other", "", ""}},
}};

std::string lower_ascii(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

error duplicate_unit(unit const& existing) {
  error e = make_error(error_kind::conflict, "duplicate", "已有同名单位 / a unit with this name exists");
  e.ids["unit_id"] = existing.id;
  return e;
}

// Applies and checks the changes onto `u` (whose id is 0 for a new unit).
void apply(store& s, unit& u, unit_changes const& in, field_errors& f) {
  if (in.name) u.name = trim(*in.name);
  if (in.kind) {
    if (auto k = unit_kind(*in.kind)) u.kind = *k;
    else f.add("kind", "未知类型 / unknown kind (hospital, community, cdc, office, group, other)");
  }
  if (in.parent_id) u.parent_id = *in.parent_id;
  if (!is_valid_utf8(u.name) || u.name.empty()) f.add("name", "请填写单位名称 / name is required");
  else if (utf8_length(u.name) > 100) f.add("name", "单位名称太长 / name is too long (max 100)");
  else if (has_control_chars(u.name)) f.add("name", control_chars_message);
  if (u.kind.empty() && !f.fields.contains("kind")) f.add("kind", "必填 / required");
  if (u.parent_id) {
    auto parent = s.find_unit(*u.parent_id);
    if (!parent) f.add("parent_id", "上级单位不存在 / no such unit");
    else if (parent->id == u.id) f.add("parent_id", "不能以自己为上级 / a unit cannot be its own parent");
    else if (parent->parent_id) f.add("parent_id", "上级单位本身有上级；只支持一层 / the parent has a parent itself (one level only)");
    else if (u.id != 0 && s.unit_has_children(u.id))
      f.add("parent_id", "该单位下有其他单位，不能再设上级 / this unit has units under it");
    else u.parent = parent->name;
  } else {
    u.parent.clear();
  }
}

result<unit> save(store& s, actor const& who, unit u, bool is_new) {
  if (auto same = s.find_unit_by_name(u.name); same && same->id != u.id) return duplicate_unit(*same);
  std::string now = now_text();
  if (is_new) u.id = s.insert_unit(u, now);
  else s.update_unit(u, now);
  s.audit(now, who.label(), is_new ? "unit.create" : "unit.update", "unit:" + std::to_string(u.id),
          u.name + " " + u.kind + (u.parent_id ? " parent:" + std::to_string(*u.parent_id) : ""));
  return *s.find_unit(u.id);
}

std::optional<std::string> column_of(std::string header) {
  header = lower_ascii(trim(header));
  static std::map<std::string, std::string, std::less<>> const names{
      {"名称", "name"},         {"单位名称", "name"}, {"单位", "name"},       {"name", "name"},
      {"类型", "kind"},         {"单位类型", "kind"}, {"类别", "kind"},       {"kind", "kind"},
      {"上级", "parent"},       {"上级单位", "parent"}, {"所属医联体", "parent"}, {"parent", "parent"}};
  auto it = names.find(header);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::string reason_of(error const& e) {
  std::string reason = e.message;
  for (auto const& [field, why] : e.fields) reason += "；" + field + ": " + why;
  return reason;
}

std::string target(id_t id) { return "registration:" + std::to_string(id); }

}  // namespace

std::optional<std::string> unit_kind(std::string_view text) {
  std::string t = lower_ascii(trim(text));
  for (auto const& k : kinds) {
    if (t == k.code) return std::string(k.code);
    for (auto l : k.labels)
      if (!l.empty() && t == l) return std::string(k.code);
  }
  return std::nullopt;
}

result<unit> create_unit(store& s, actor const& who, unit_changes const& in) {
  unit u;
  field_errors f;
  if (!in.name) f.add("name", "必填 / required");
  apply(s, u, in, f);
  if (!f.empty()) return f.to_error();
  return save(s, who, std::move(u), true);
}

result<unit> update_unit(store& s, actor const& who, id_t id, unit_changes const& in) {
  auto found = s.find_unit(id);
  if (!found) return make_error(error_kind::not_found, "not_found", "单位不存在 / no such unit");
  unit u = *found;
  field_errors f;
  apply(s, u, in, f);
  if (!f.empty()) return f.to_error();
  return save(s, who, std::move(u), false);
}

result<unit_import_report> import_units(store& s, actor const& who, std::string_view bytes,
                                        bool dry_run) {
  auto sheet = read_csv_sheet(bytes, column_of, {"name", "kind"}, "“名称”和“类型” / line 1 must be a header with name and kind");
  if (!sheet) return sheet.err();
  auto const& rows = sheet->rows;
  auto get = [&](std::vector<std::string> const& r, char const* c) { return sheet->get(r, c); };

  unit_import_report report;
  report.dry_run = dry_run;
  // Two passes: units first, then parents, so a parent may be listed after its children.
  std::vector<std::pair<int, std::vector<std::string> const*>> with_parent;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    auto const& r = rows[i];
    int line = static_cast<int>(i + 1);
    if (get(r, "name").empty() && get(r, "kind").empty() && get(r, "parent").empty()) continue;
    unit_changes c;
    c.name = get(r, "name");
    c.kind = get(r, "kind");
    auto sp = s.nested();
    auto existing = s.find_unit_by_name(trim(*c.name));
    auto done = existing ? update_unit(s, who, existing->id, c) : create_unit(s, who, c);
    if (!done) {
      report.rejected.push_back({line, reason_of(done.err())});
      continue;
    }
    sp->keep();
    ++(existing ? report.updated : report.accepted);
    if (!get(r, "parent").empty()) with_parent.emplace_back(line, &r);
  }
  for (auto const& [line, r] : with_parent) {
    auto child = s.find_unit_by_name(get(*r, "name"));
    auto parent = s.find_unit_by_name(get(*r, "parent"));
    if (!child) continue;
    if (!parent) {
      report.rejected.push_back({line, "上级单位不存在 / no unit named “" + get(*r, "parent") + "”"});
      continue;
    }
    auto sp = s.nested();
    unit_changes c;
    c.parent_id = std::optional<id_t>(parent->id);
    auto done = update_unit(s, who, child->id, c);
    if (!done) {
      report.rejected.push_back({line, reason_of(done.err())});
      continue;
    }
    sp->keep();
  }
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](auto const& a, auto const& b) { return a.line < b.line; });
  return report;
}

result<std::vector<quota>> set_quotas(store& s, actor const& who, id_t event_id,
                                      std::vector<quota_item> const& items) {
  if (!s.find_event(event_id)) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  field_errors f;
  std::map<id_t, std::int64_t> by_unit;
  // Kinds first, whatever the order given, so a single unit's figure always wins.
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto const& q = items[i];
    std::string at = "items[" + std::to_string(i) + "]";
    if (q.expected < 0 || q.expected > 10000) f.add(at + ".expected", "须为 0–10000 / must be 0–10000");
    if (q.unit_id.has_value() == q.unit_kind.has_value())
      f.add(at, "须给出 unit_id 或 unit_kind 之一 / give exactly one of unit_id and unit_kind");
    else if (q.unit_kind && !unit_kind(*q.unit_kind))
      f.add(at + ".unit_kind", "未知类型 / unknown kind");
    else if (q.unit_id && !s.find_unit(*q.unit_id))
      f.add(at + ".unit_id", "单位不存在 / no such unit");
  }
  if (!f.empty()) return f.to_error();
  for (auto const& q : items)
    if (q.unit_kind)
      for (id_t id : s.unit_ids_of_kind(*unit_kind(*q.unit_kind))) by_unit[id] = q.expected;
  for (auto const& q : items)
    if (q.unit_id) by_unit[*q.unit_id] = q.expected;
  std::vector<std::pair<id_t, std::int64_t>> rows(by_unit.begin(), by_unit.end());
  s.replace_quotas(event_id, rows);
  std::int64_t total = 0, units = 0;
  for (auto const& [id, n] : rows)
    if (n > 0) total += n, ++units;
  s.audit(now_text(), who.label(), "event.quotas", "event:" + std::to_string(event_id),
          std::to_string(units) + " units, " + std::to_string(total) + " expected");
  return s.list_quotas(event_id);
}

result<registration> record_leave(store& s, actor const& who, id_t registration_id,
                                  std::string const& raw_reason) {
  std::string reason = trim(raw_reason);
  field_errors f;
  if (!is_valid_utf8(reason) || reason.empty() || utf8_length(reason) > 200)
    f.add("reason", "请填写请假事由（1–200 字）/ give a reason (1–200 characters)");
  else if (has_control_chars(reason)) f.add("reason", control_chars_message);
  if (!f.empty()) return f.to_error();
  auto r = s.find_registration(registration_id);
  if (!r) return make_error(error_kind::not_found, "not_found", "报名不存在 / no such registration");
  if (r->status != "confirmed")
    return make_error(error_kind::conflict, "not_confirmed", "只有已确认的报名可以请假 / only a confirmed registration can take leave");
  if (r->checkin_id)
    return make_error(error_kind::conflict, "checked_in", "已签到，无需请假 / already checked in");
  std::string now = now_text();
  s.set_leave(registration_id, leave_record{reason, now, who.label()});
  // The reason may be personal (illness): the audit line says only that leave was recorded.
  s.audit(now, who.label(), "registration.leave", target(registration_id), "recorded");
  return *s.find_registration(registration_id);
}

result<registration> clear_leave(store& s, actor const& who, id_t registration_id) {
  auto r = s.find_registration(registration_id);
  if (!r) return make_error(error_kind::not_found, "not_found", "报名不存在 / no such registration");
  if (r->leave) {
    s.set_leave(registration_id, std::nullopt);
    s.audit(now_text(), who.label(), "registration.leave_cleared", target(registration_id), "");
  }
  return *s.find_registration(registration_id);
}

}  // namespace qiandao::domain
