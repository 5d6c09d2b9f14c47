#include "domain/events.hpp"

#include <algorithm>
#include <array>

#include "domain/registrations.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

constexpr std::array<std::string_view, 6> kinds{"conference", "clinic",  "lecture",
                                                  "competition", "salon", "other"};
constexpr std::array<std::string_view, 3> statuses{"open", "closed", "cancelled"};

template <std::size_t N>
bool one_of(std::array<std::string_view, N> const& set, std::string const& v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

void check_text(field_errors& f, char const* field, std::string const& v, std::size_t max,
                bool required, bool multi_line = false) {
  if (!is_valid_utf8(v)) f.add(field, "不是有效的文字 / not valid UTF-8 text");
  else if (required && trim(v).empty()) f.add(field, "必填 / required");
  else if (utf8_length(v) > max) f.add(field, "太长 / too long (max " + std::to_string(max) + ")");
  else if (has_control_chars(v, multi_line)) f.add(field, control_chars_message);
}

// One error per list: the first bad name says what is wrong.
bool check_name(field_errors& f, char const* field, std::string const& n, std::size_t max,
                std::string const& why) {
  if (n.empty() || !is_valid_utf8(n) || utf8_length(n) > max) f.add(field, why);
  else if (has_control_chars(n)) f.add(field, control_chars_message);
  else return true;
  return false;
}

// Public sign-up settings: on/off, an optional closing time, the extra fields required.
void apply_public(event& e, event_changes const& in, field_errors& f) {
  if (in.public_signup) e.public_signup = *in.public_signup;
  if (in.public_closes_at) {
    if (!*in.public_closes_at || trim(**in.public_closes_at).empty()) e.public_closes_at.reset();
    else if (auto t = normalize_time(**in.public_closes_at)) e.public_closes_at = *t;
    else f.add("public_closes_at", "时间格式应为 RFC 3339 / must be an RFC 3339 time");
  }
  if (in.public_requires) {
    std::vector<std::string> out;
    for (auto const& name : *in.public_requires) {
      if (name != "id_number" && name != "organization") {
        f.add("public_requires", "只能是 id_number、organization / only id_number, organization");
        return;
      }
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    e.public_requires = std::move(out);
  }
}

// Applies the changes onto `e`, collecting every field error rather than stopping at one.
void apply(event& e, event_changes const& in, field_errors& f) {
  if (in.title) e.title = trim(*in.title);
  if (in.kind) e.kind = *in.kind;
  if (in.venue) e.venue = trim(*in.venue);
  if (in.description) e.description = *in.description;
  if (in.status) e.status = *in.status;
  if (in.capacity) e.capacity = *in.capacity;
  if (in.waitlist) e.waitlist = *in.waitlist;
  if (in.walk_ins) e.walk_ins = *in.walk_ins;
  if (in.lead_departments) {
    e.lead_departments.clear();
    for (auto const& d : *in.lead_departments) e.lead_departments.push_back(trim(d));
  }
  auto names = [&](char const* field, std::optional<std::vector<std::string>> const& given,
                   std::vector<std::string>& out) {
    if (!given) return;
    out.clear();
    for (auto const& n : *given) out.push_back(trim(n));
    if (out.size() > 20) f.add(field, "最多 20 个 / at most 20");
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!check_name(f, field, out[i], 30, "每项须为 1–30 字 / each name 1–30 characters")) break;
      if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(i), out[i]) !=
          out.begin() + static_cast<std::ptrdiff_t>(i)) {
        f.add(field, "名称重复：" + out[i] + " / listed twice");
        break;
      }
    }
  };
  names("services", in.services, e.services);
  names("sites", in.sites, e.sites);
  check_text(f, "title", e.title, 200, true);
  check_text(f, "venue", e.venue, 200, false);
  check_text(f, "description", e.description, 5000, false, true);
  if (!one_of(kinds, e.kind)) f.add("kind", "未知类型 / unknown kind");
  if (!one_of(statuses, e.status)) f.add("status", "未知状态 / unknown status");
  if (e.capacity && (*e.capacity < 0 || *e.capacity > 1000000))
    f.add("capacity", "须为 0–1000000 或留空 / must be 0–1000000 or null");
  if (e.lead_departments.size() > 20) f.add("lead_departments", "最多 20 个 / at most 20");
  for (auto const& d : e.lead_departments)
    if (!check_name(f, "lead_departments", d, 50, "科室名须为 1–50 字 / each name 1–50 characters")) break;
  auto check_time = [&](char const* field, std::optional<std::string> const& raw, std::string& out) {
    if (!raw) return;
    if (auto t = normalize_time(*raw)) out = *t;
    else f.add(field, "时间格式应为 RFC 3339 / must be an RFC 3339 time");
  };
  apply_public(e, in, f);
  check_time("starts_at", in.starts_at, e.starts_at);
  check_time("ends_at", in.ends_at, e.ends_at);
  if (e.starts_at.empty()) f.add("starts_at", "必填 / required");
  if (e.ends_at.empty()) f.add("ends_at", "必填 / required");
  if (!f.fields.contains("starts_at") && !f.fields.contains("ends_at") &&
      parse_time(e.ends_at) < parse_time(e.starts_at))
    f.add("ends_at", "结束时间早于开始时间 / ends before it starts");
}

}  // namespace

result<event> create_event(store& s, actor const& who, event_changes const& in) {
  event e;
  field_errors f;
  if (!in.title) f.add("title", "必填 / required");
  if (!in.kind) f.add("kind", "必填 / required");
  apply(e, in, f);
  if (!f.empty()) return f.to_error();
  std::string now = now_text();
  e.id = s.insert_event(e, now);
  s.audit(now, who.label(), "event.create", "event:" + std::to_string(e.id), e.title);
  return *s.find_event(e.id);
}

result<event> update_event(store& s, actor const& who, id_t id, event_changes const& in) {
  auto found = s.find_event(id);
  if (!found) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  event e = *found;
  field_errors f;
  apply(e, in, f);
  if (!f.empty()) return f.to_error();
  if (e.capacity && *e.capacity < e.counts.registered) {
    f.add("capacity", "不能小于已确认人数 " + std::to_string(e.counts.registered) +
                          " / cannot go below the confirmed count");
    return f.to_error();
  }
  std::string now = now_text();
  s.update_event(e, now);
  // When capacity grows, the waitlist moves up in order.
  if (e.waitlist || e.counts.waitlisted > 0)
    while (promote_next(s, who, id, now)) {
    }
  s.audit(now, who.label(), "event.update", "event:" + std::to_string(id), e.title);
  return *s.find_event(id);
}

}  // namespace qiandao::domain
