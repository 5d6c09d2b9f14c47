#include "domain/registration_edit.hpp"

#include "domain/registrations.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

// The fields after the patch, as a sign-up would give them, for validate_input.
registration_input merged(registration const& r, registration_patch const& p) {
  registration_input in;
  in.name = p.name.value_or(r.name);
  in.phone = p.phone.value_or(r.phone);
  in.organization = p.organization.value_or(r.organization);
  in.category = p.category.value_or(r.category);
  in.id_number = p.id_number ? p.id_number : r.id_number;
  in.unit_id = p.unit_given ? p.unit_id : std::nullopt;
  return in;
}

// The unit as register_participant links it: a picked unit names the organization; a
// changed organization spelled as a unit's name is linked to it; otherwise unchanged.
result<std::optional<id_t>> unit_of(store& s, registration const& r, registration_patch const& p,
                                    std::string& organization) {
  if (p.unit_given && p.unit_id) {
    auto u = s.find_unit(*p.unit_id);
    if (!u) {
      field_errors f;
      f.add("unit_id", "单位不存在 / no such unit");
      return f.to_error();
    }
    if (organization.empty() || !p.organization) organization = u->name;
    return std::optional<id_t>{u->id};
  }
  if (p.unit_given || (p.organization && organization != r.organization)) {
    if (auto u = organization.empty() ? std::nullopt : s.find_unit_by_name(organization))
      return std::optional<id_t>{u->id};
    return std::optional<id_t>{};
  }
  return r.unit_id;
}

void note(std::string& out, char const* field, bool changed, std::string const& before, std::string const& after) {
  if (!changed) return;
  if (!out.empty()) out += "; ";
  out += std::string(field) + " " + (before.empty() ? "—" : before) + "→" + (after.empty() ? "—" : after);
}

std::string masked_id(std::optional<std::string> const& id) { return id ? mask_id_number(*id) : ""; }
std::string unit_text(std::optional<id_t> const& id) { return id ? std::to_string(*id) : ""; }

// What changed, masked the way logs show personal data: "phone 138****0000→139****1111"
// (a name whose mask stays the same still shows that it changed: "name 张*明→张*明").
std::string changes(registration const& a, registration const& b) {
  std::string out;
  note(out, "name", a.name != b.name, mask_name(a.name), mask_name(b.name));
  note(out, "phone", a.phone != b.phone, mask_phone(a.phone), mask_phone(b.phone));
  note(out, "id_number", a.id_number != b.id_number, masked_id(a.id_number), masked_id(b.id_number));
  note(out, "organization", a.organization != b.organization, a.organization, b.organization);
  note(out, "unit", a.unit_id != b.unit_id, unit_text(a.unit_id), unit_text(b.unit_id));
  note(out, "category", a.category != b.category, a.category, b.category);
  return out;
}

}  // namespace

result<registration> edit_registration(store& s, actor const& who, id_t id, registration_patch const& p) {
  auto r = s.find_registration(id);
  if (!r) return make_error(error_kind::not_found, "not_found", "报名不存在 / no such registration");
  auto valid = validate_input(merged(*r, p));
  if (!valid) return valid.err();
  if (r->status == "cancelled")
    return make_error(error_kind::conflict, "already_cancelled", "报名已取消，不能修改 / cancelled: cannot be edited");
  auto const& in = valid.value();
  registration next = *r;
  next.name = in.name;
  next.phone = in.phone;
  next.organization = in.organization;
  next.category = in.category;
  next.id_number = in.id_number;
  auto unit = unit_of(s, *r, p, next.organization);
  if (!unit) return unit.err();
  next.unit_id = unit.value();
  auto what = changes(*r, next);
  if (what.empty()) return *r;
  if (!s.update_registration_fields(next)) {
    error e = make_error(error_kind::conflict, "duplicate",
                         "该手机号已报名此活动 / this phone number is already registered for the event");
    if (auto other = s.find_live_by_phone(r->event_id, next.phone)) e.ids["registration_id"] = other->id;
    return e;
  }
  s.audit(now_text(), who.label(), "registration.edit", "registration:" + std::to_string(id), what);
  s.touch_event(r->event_id);
  return *s.find_registration(id);
}

}  // namespace qiandao::domain
