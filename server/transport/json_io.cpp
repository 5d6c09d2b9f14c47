#include "transport/json_io.hpp"

#include <limits>

#include "domain/validate.hpp"

namespace qiandao::transport {

using domain::field_errors;

bool nesting_within(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') --depth;
  }
  return true;
}

domain::result<json> parse_object(std::string const& body) {
  using domain::error_kind;
  // JSON text never holds a raw NUL, and nlohmann/json would stop reading at one, taking
  // "{...}\0garbage" for a whole object.
  if (body.find('\0') != std::string::npos)
    return domain::make_error(error_kind::malformed, "malformed", "请求体不是有效的 JSON / body is not valid JSON");
  if (!nesting_within(body, 32))
    return domain::make_error(error_kind::malformed, "malformed", "JSON 嵌套过深 / JSON nested too deeply");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return domain::make_error(error_kind::malformed, "malformed", "请求体不是有效的 JSON / body is not valid JSON");
  if (!j.is_object())
    return domain::make_error(error_kind::malformed, "malformed", "请求体须为 JSON 对象 / body must be a JSON object");
  return j;
}

json to_json(domain::event const& e) {
  return {{"id", e.id},
          {"title", e.title},
          {"kind", e.kind},
          {"venue", e.venue},
          {"starts_at", e.starts_at},
          {"ends_at", e.ends_at},
          {"capacity", e.capacity ? json(*e.capacity) : json(nullptr)},
          {"waitlist", e.waitlist},
          {"walk_ins", e.walk_ins},
          {"lead_departments", e.lead_departments},
          {"services", e.services},
          {"sites", e.sites},
          {"description", e.description},
          {"status", e.status},
          {"counts",
           {{"registered", e.counts.registered},
            {"waitlisted", e.counts.waitlisted},
            {"checked_in", e.counts.checked_in}}},
          {"public_signup", e.public_signup},
          {"public_closes_at", e.public_closes_at ? json(*e.public_closes_at) : json(nullptr)},
          {"public_requires", e.public_requires}};
}

json to_json(domain::registration const& r, bool masked) {
  json j = {{"id", r.id},
            {"event_id", r.event_id},
            {"name", masked ? domain::mask_name(r.name) : r.name},
            {"phone", masked ? domain::mask_phone(r.phone) : r.phone},
            {"organization", r.organization},
            {"category", r.category},
            {"status", r.status},
            {"source", r.source},
            {"created_at", r.created_at},
            {"checked_in_at", r.checked_in_at ? json(*r.checked_in_at) : json(nullptr)},
            {"checkin_id", r.checkin_id ? json(*r.checkin_id) : json(nullptr)}};
  j["unit_id"] = r.unit_id ? json(*r.unit_id) : json(nullptr);
  j["unit"] = r.unit ? json(*r.unit) : json(nullptr);
  if (!masked) {
    // 个人信息告知: when the person accepted the notice (walk-ins and public sign-ups).
    j["consent_at"] = r.consent_at ? json(*r.consent_at) : json(nullptr);
    j["code"] = r.code;  // the ticket code is a credential: staff only
    // The reason may be personal (illness): staff only, like the name.
    j["leave"] = r.leave ? json{{"reason", r.leave->reason}, {"at", r.leave->at}, {"by", r.leave->by}}
                         : json(nullptr);
  }
  if (r.id_number) j["id_number"] = masked ? domain::mask_id_number(*r.id_number) : *r.id_number;
  else j["id_number"] = nullptr;
  return j;
}

json to_json(domain::device const& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"event_id", d.event_id ? json(*d.event_id) : json(nullptr)},
          {"created_at", d.created_at},
          {"revoked_at", d.revoked_at ? json(*d.revoked_at) : json(nullptr)}};
}

json to_json(domain::checkin_answer const& a, bool masked) {
  json j = {{"outcome", domain::outcome_name(a.result)},
            {"first", a.first},
            {"checked_in_at", a.at ? json(*a.at) : json(nullptr)}};
  if (a.reg) {
    j["registration"] = to_json(*a.reg, masked);
    j["event"] = {{"id", a.reg->event_id}, {"title", a.event_title}};
  }
  // The live check-in, which staff undo by its id; a replay shows the registration as it is now.
  using outcome = domain::checkin_answer::outcome;
  bool admitted = a.result == outcome::checked_in || a.result == outcome::already;
  j["checkin"] = admitted && a.reg && a.reg->checkin_id && a.reg->checked_in_at
                     ? json{{"id", *a.reg->checkin_id}, {"at", *a.reg->checked_in_at}}
                     : json(nullptr);
  return j;
}

namespace {

// A JSON string as json::dump writes it (no ASCII escaping; invalid UTF-8 replaced by U+FFFD).
void put_string(std::string& out, std::string_view s) {
  if (!domain::is_valid_utf8(s)) {
    out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Writes an object's members in the order given; json::dump orders them by key, so callers
// list them sorted.
struct object_text {
  std::string& out;
  bool first = true;
  explicit object_text(std::string& o) : out(o) { out += '{'; }
  ~object_text() { out += '}'; }
  object_text(object_text const&) = delete;
  object_text& operator=(object_text const&) = delete;
  std::string& key(std::string_view k) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += k;  // keys are fixed ASCII names
    out += "\":";
    return out;
  }
  void text(std::string_view k, std::string_view v) { put_string(key(k), v); }
  void optional_text(std::string_view k, std::optional<std::string> const& v) {
    if (v) text(k, *v);
    else key(k) += "null";
  }
  void number(std::string_view k, std::int64_t v) { key(k) += std::to_string(v); }
  void optional_number(std::string_view k, std::optional<std::int64_t> const& v) {
    if (v) number(k, *v);
    else key(k) += "null";
  }
  void boolean(std::string_view k, bool v) { key(k) += v ? "true" : "false"; }
};

void registration_text(std::string& out, domain::registration const& r, bool masked) {
  object_text o(out);  // members sorted by key, as in to_json(registration)
  o.text("category", r.category);
  o.optional_text("checked_in_at", r.checked_in_at);
  o.optional_number("checkin_id", r.checkin_id);
  if (!masked) o.text("code", r.code);
  if (!masked) o.optional_text("consent_at", r.consent_at);
  o.text("created_at", r.created_at);
  o.number("event_id", r.event_id);
  o.number("id", r.id);
  if (r.id_number) o.text("id_number", masked ? domain::mask_id_number(*r.id_number) : *r.id_number);
  else o.key("id_number") += "null";
  if (!masked) {
    if (r.leave) {
      object_text l(o.key("leave"));
      l.text("at", r.leave->at);
      l.text("by", r.leave->by);
      l.text("reason", r.leave->reason);
    } else {
      o.key("leave") += "null";
    }
  }
  o.text("name", masked ? domain::mask_name(r.name) : r.name);
  o.text("organization", r.organization);
  o.text("phone", masked ? domain::mask_phone(r.phone) : r.phone);
  o.text("source", r.source);
  o.text("status", r.status);
  o.optional_text("unit", r.unit);
  o.optional_number("unit_id", r.unit_id);
}

}  // namespace

std::string checkin_answer_text(domain::checkin_answer const& a, bool masked) {
  std::string out;
  out.reserve(640);
  {
    object_text o(out);  // members sorted by key, as in to_json(checkin_answer)
    o.optional_text("checked_in_at", a.at);
    using outcome = domain::checkin_answer::outcome;
    bool admitted = a.result == outcome::checked_in || a.result == outcome::already;
    if (admitted && a.reg && a.reg->checkin_id && a.reg->checked_in_at) {
      object_text c(o.key("checkin"));
      c.text("at", *a.reg->checked_in_at);
      c.number("id", *a.reg->checkin_id);
    } else {
      o.key("checkin") += "null";
    }
    if (a.reg) {
      object_text e(o.key("event"));
      e.number("id", a.reg->event_id);
      e.text("title", a.event_title);
    }
    o.boolean("first", a.first);
    o.text("outcome", domain::outcome_name(a.result));
    if (a.reg) registration_text(o.key("registration"), *a.reg, masked);
  }
  return out;
}

json to_json(domain::audit_row const& a) {
  return {{"id", a.id},         {"at", a.at},         {"actor", a.actor},
          {"action", a.action}, {"target", a.target}, {"detail", a.detail}};
}

json error_body(domain::error const& e) {
  json err = {{"code", e.code}, {"message", e.message}, {"fields", json::object()}};
  for (auto const& [k, v] : e.fields) err["fields"][k] = v;
  for (auto const& [k, v] : e.ids) err[k] = v;
  return {{"error", err}};
}

std::optional<std::string> get_string(json const& j, char const* key, field_errors& f,
                                      bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) f.add(key, "必填 / required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    f.add(key, "须为字符串 / must be a string");
    return std::nullopt;
  }
  auto s = it->get<std::string>();
  if (!domain::is_valid_utf8(s)) {
    f.add(key, "不是有效的文字 / not valid UTF-8 text");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> get_int(json const& j, char const* key, field_errors& f,
                                    bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) f.add(key, "必填 / required");
    return std::nullopt;
  }
  // nlohmann reads 2^63 and above as unsigned; they would wrap to negative ids.
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
    f.add(key, "须为整数 / must be an integer");
    return std::nullopt;
  }
  return it->get<std::int64_t>();
}

std::optional<bool> get_bool(json const& j, char const* key, field_errors& f) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (!it->is_boolean()) {
    f.add(key, "须为 true 或 false / must be true or false");
    return std::nullopt;
  }
  return it->get<bool>();
}

domain::event_changes read_event_changes(json const& j, field_errors& f) {
  domain::event_changes c;
  c.title = get_string(j, "title", f, false);
  c.kind = get_string(j, "kind", f, false);
  c.venue = get_string(j, "venue", f, false);
  c.starts_at = get_string(j, "starts_at", f, false);
  c.ends_at = get_string(j, "ends_at", f, false);
  c.description = get_string(j, "description", f, false);
  c.status = get_string(j, "status", f, false);
  c.waitlist = get_bool(j, "waitlist", f);
  c.walk_ins = get_bool(j, "walk_ins", f);
  if (auto it = j.find("capacity"); it != j.end()) {
    if (it->is_null()) c.capacity = std::optional<std::int64_t>{};
    else if (it->is_number_integer() && !it->is_number_unsigned()) c.capacity = it->get<std::int64_t>();
    else if (it->is_number_unsigned() && it->get<std::uint64_t>() <= 1000000) c.capacity = static_cast<std::int64_t>(it->get<std::uint64_t>());
    else f.add("capacity", "须为整数或 null / must be an integer or null");
  }
  auto names = [&](char const* key, std::optional<std::vector<std::string>>& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    std::vector<std::string> v;
    bool ok = it->is_array();
    if (ok)
      for (auto const& d : *it) {
        if (!d.is_string()) {
          ok = false;
          break;
        }
        v.push_back(d.get<std::string>());
      }
    if (ok) out = std::move(v);
    else f.add(key, "须为字符串数组 / must be a list of strings");
  };
  names("lead_departments", c.lead_departments);
  names("services", c.services);
  names("sites", c.sites);
  names("public_requires", c.public_requires);
  c.public_signup = get_bool(j, "public_signup", f);
  if (j.contains("public_closes_at")) c.public_closes_at.emplace(get_string(j, "public_closes_at", f, false));
  return c;
}

domain::registration_input read_registration_input(json const& j, field_errors& f) {
  domain::registration_input in;
  in.name = get_string(j, "name", f, false).value_or("");
  in.phone = get_string(j, "phone", f, false).value_or("");
  in.organization = get_string(j, "organization", f, false).value_or("");
  in.category = get_string(j, "category", f, false).value_or("");
  in.id_number = get_string(j, "id_number", f, false);
  in.unit_id = get_int(j, "unit_id", f, false);
  in.consent = get_bool(j, "consent", f).value_or(false);
  return in;
}

json to_json(domain::unit const& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"kind", u.kind},
          {"parent_id", u.parent_id ? json(*u.parent_id) : json(nullptr)},
          {"parent", u.parent_id ? json(u.parent) : json(nullptr)}};
}

json to_json(domain::tally const& t) {
  return {{"id", t.id},
          {"event_id", t.event_id},
          {"service", t.service},
          {"site", t.site},
          {"at", t.at},
          {"undone_at", t.undone_at ? json(*t.undone_at) : json(nullptr)}};
}

namespace {
json named_counts(std::vector<domain::named_count> const& v) {
  json a = json::array();
  for (auto const& n : v) a.push_back({{"name", n.name}, {"served", n.served}});
  return a;
}

}  // namespace

json to_json(domain::tally_counts const& c) {
  json by_site = json::array();
  for (auto const& s : c.by_site) by_site.push_back({{"site", s.site}, {"services", named_counts(s.services)}});
  return {{"served", c.served}, {"services", named_counts(c.services)}, {"sites", named_counts(c.sites)},
          {"by_site", by_site}};
}


json to_json(domain::board_totals const& t) {
  return {{"registered", t.registered}, {"waitlisted", t.waitlisted}, {"checked_in", t.checked_in},
          {"served", t.served}};
}

json to_json(domain::board_event const& e) {
  json j = {{"id", e.id},
          {"title", e.title},
          {"kind", e.kind},
          {"venue", e.venue},
          {"starts_at", e.starts_at},
          {"ends_at", e.ends_at},
          {"status", e.status},
          {"capacity", e.capacity ? json(*e.capacity) : json(nullptr)},
          {"registered", e.counts.registered},
          {"waitlisted", e.counts.waitlisted},
          {"checked_in", e.counts.checked_in}};
  if (e.clinic) {
    j["served"] = e.clinic->served;
    j["services"] = named_counts(e.clinic->services);
    j["sites"] = named_counts(e.clinic->sites);
  }
  if (!e.units.empty()) {
    json units = json::array();
    for (auto const& u : e.units)
      units.push_back({{"unit_id", u.unit_id},
                       {"unit", u.unit},
                       {"expected", u.expected},
                       {"checked_in", u.checked_in},
                       {"rate", static_cast<double>(u.checked_in) / static_cast<double>(u.expected)}});
    j["units"] = std::move(units);
  }
  if (e.competition) {
    auto const& c = *e.competition;
    auto slot = [](std::optional<domain::board_slot> const& s) -> json {
      if (!s) return nullptr;
      return {{"item", s->item}, {"name", s->name}, {"unit", s->unit}, {"position", s->position}};
    };
    json ranking = json::array(), units = json::array();
    for (auto const& r : c.ranking)
      ranking.push_back({{"rank", r.rank}, {"name", r.name}, {"unit", r.unit}, {"total", r.total},
                         {"complete", r.complete}});
    for (auto const& u : c.units) units.push_back({{"rank", u.rank}, {"unit", u.unit}, {"total", u.total}});
    json draws = json::array();
    for (auto const& d : c.draws) {
      json order = json::array();
      for (std::size_t i = 0; i < d.order.size(); ++i)
        order.push_back({{"position", d.order[i].position}, {"name", d.order[i].name},
                         {"unit", d.order[i].unit}, {"done", static_cast<bool>(d.done[i])}});
      draws.push_back({{"item", d.item}, {"seed", d.seed}, {"drawn_at", d.drawn_at}, {"order", order}});
    }
    j["competition"] = {{"published", c.published}, {"items", c.items}, {"draws", draws}, {"now", slot(c.now)},
                        {"next", slot(c.next)},      {"ranking", ranking}, {"units", units}};
  }
  return j;
}

json to_json(domain::board_checkin const& c) {
  return {{"event_id", c.event_id}, {"name", c.masked_name}, {"organization", c.organization},
          {"at", c.at}};
}

json to_json(domain::board_minute const& m) {
  return {{"event_id", m.event_id}, {"minute", m.minute}, {"count", m.count}};
}

json undone_json(domain::board_checkin const& c) { return {{"event_id", c.event_id}, {"at", c.at}}; }


json rate_json(std::int64_t num, std::int64_t den) {
  if (den <= 0) return nullptr;
  return static_cast<double>(num) / static_cast<double>(den);
}

json to_json(domain::actor const& who) {
  using role = domain::role_kind;
  char const* r = who.role == role::admin   ? "admin"
                  : who.role == role::staff ? "staff"
                  : who.role == role::judge ? "judge"
                                            : "kiosk";
  json j = {{"role", r}, {"name", who.name}, {"id", who.id}};
  if (who.role == role::kiosk)
    j["event_id"] = who.event_id ? json(*who.event_id) : json(nullptr);
  else
    j["username"] = who.name;
  return j;
}

json to_json(domain::user const& u) { return {{"id", u.id}, {"username", u.username}, {"role", u.role}}; }

json to_json(domain::programme const& p) { return {{"title", p.title}, {"theme", p.theme}}; }

}  // namespace qiandao::transport
