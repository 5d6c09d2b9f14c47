#include "domain/registrations.hpp"

#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

std::string target(id_t id) { return "registration:" + std::to_string(id); }

error duplicate_of(registration const& existing) {
  error e = make_error(error_kind::conflict, "duplicate",
                       "该手机号已报名此活动 / this phone number is already registered for the event");
  e.ids["registration_id"] = existing.id;
  return e;
}

}  // namespace

result<registration_input> validate_input(registration_input in) {
  field_errors f;
  in.name = trim(in.name);
  in.organization = trim(in.organization);
  in.category = trim(in.category);
  if (!is_valid_utf8(in.name) || in.name.empty()) f.add("name", "请填写姓名 / name is required");
  else if (utf8_length(in.name) > 50) f.add("name", "姓名太长 / name is too long");
  else if (has_control_chars(in.name)) f.add("name", control_chars_message);
  if (auto p = normalize_phone(in.phone)) in.phone = *p;
  else f.add("phone", "请填写 11 位手机号 / enter an 11-digit mainland mobile number");
  if (!is_valid_utf8(in.organization) || utf8_length(in.organization) > 100)
    f.add("organization", "工作单位太长 / organization is too long");
  else if (has_control_chars(in.organization)) f.add("organization", control_chars_message);
  if (in.category.empty()) in.category = "public";
  if (!is_valid_utf8(in.category) || utf8_length(in.category) > 30)
    f.add("category", "类别太长 / category is too long");
  else if (has_control_chars(in.category)) f.add("category", control_chars_message);
  if (in.id_number && !trim(*in.id_number).empty()) {
    if (auto id = normalize_id_number(*in.id_number)) in.id_number = *id;
    else f.add("id_number", "身份证号无效 / not a valid resident ID number");
  } else {
    in.id_number.reset();
  }
  if (!f.empty()) return f.to_error();
  return in;
}

result<registration> register_participant(store& s, actor const& who, id_t event_id,
                                          registration_input const& raw, std::string const& source,
                                          place_ledger* ledger) {
  auto valid = validate_input(raw);
  if (!valid) return valid.err();
  auto const& in = valid.value();
  std::optional<event> read;
  if (!ledger) read = s.find_event(event_id);
  event const* ev = ledger ? &ledger->ev : read ? &*read : nullptr;
  if (!ev) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  if (ev->status != "open")
    return make_error(error_kind::conflict, "event_closed", "活动已停止报名 / the event is not open");
  if (auto existing = s.find_live_by_phone(event_id, in.phone)) return duplicate_of(*existing);

  // A unit picked from the list names the organization; free text spelled exactly as a
  // unit's name is linked to it; anything else (the public) stays free text.
  std::optional<id_t> unit_id;
  std::string organization = in.organization;
  if (in.unit_id) {
    auto u = s.find_unit(*in.unit_id);
    if (!u) {
      field_errors f;
      f.add("unit_id", "单位不存在 / no such unit");
      return f.to_error();
    }
    unit_id = u->id;
    if (organization.empty()) organization = u->name;
  } else if (!organization.empty()) {
    if (auto u = s.find_unit_by_name(organization)) unit_id = u->id;
  }

  registration r;
  r.event_id = event_id;
  r.code = new_ticket_code();
  r.name = in.name;
  r.phone = in.phone;
  r.organization = organization;
  r.unit_id = unit_id;
  r.category = in.category;
  r.id_number = in.id_number;
  r.source = source;
  r.created_at = now_text();
  if (raw.consent) r.consent_at = r.created_at;
  if (ledger ? ledger->take_seat() : s.take_seat(event_id)) {
    r.status = "confirmed";
  } else if (ev->waitlist && source != "walk_in") {
    r.status = "waitlisted";
    if (ledger)
      ++ledger->waitlisted;
    else
      s.adjust_counts(event_id, 0, 1, 0);
  } else {
    return make_error(error_kind::conflict, "event_full", "名额已满 / the event is full");
  }
  auto id = s.insert_registration(r);
  if (!id) {
    // Another writer registered this phone meanwhile: the unique index is the final word.
    // Give back the place taken above, so that a refused registration leaves nothing written
    // and an import needs no savepoint per row.
    bool confirmed = r.status == "confirmed";
    if (ledger)
      --(confirmed ? ledger->confirmed : ledger->waitlisted);
    else
      s.adjust_counts(event_id, confirmed ? -1 : 0, confirmed ? 0 : -1, 0);
    if (auto existing = s.find_live_by_phone(event_id, in.phone)) return duplicate_of(*existing);
    return make_error(error_kind::conflict, "duplicate", "该手机号已报名此活动 / already registered");
  }
  s.audit(r.created_at, who.label(), "registration.create", target(*id),
          "event:" + std::to_string(event_id) + " " + r.status + " " + mask_name(r.name) + " " +
              mask_phone(r.phone));
  return *s.find_registration(*id);
}

bool promote_next(store& s, actor const& who, id_t event_id, std::string const& now) {
  while (auto next = s.oldest_waitlisted(event_id)) {
    if (!s.take_seat(event_id)) return false;
    if (s.change_registration_status(next->id, "waitlisted", "confirmed")) {
      s.adjust_counts(event_id, 0, -1, 0);
      s.audit(now, who.label(), "registration.promote", target(next->id), "from waitlist");
      return true;
    }
    s.adjust_counts(event_id, -1, 0, 0);  // it left the waitlist meanwhile: give the seat back
  }
  return false;
}

result<registration> cancel_registration(store& s, actor const& who, id_t id) {
  // The status change is guarded by the status just read. When another instance changed it
  // in between (cancelled it, or promoted it from the waitlist), read it again and decide anew.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto r = s.find_registration(id);
    if (!r) return make_error(error_kind::not_found, "not_found", "报名不存在 / no such registration");
    if (r->status == "cancelled")
      return make_error(error_kind::conflict, "already_cancelled", "报名已取消 / already cancelled");
    if (r->checkin_id)
      return make_error(error_kind::conflict, "checked_in",
                        "已签到，请先撤销签到 / checked in: undo the check-in first");
    if (!s.change_registration_status(id, r->status, "cancelled")) continue;
    std::string now = now_text();
    if (r->status == "confirmed") {
      s.adjust_counts(r->event_id, -1, 0, 0);
      promote_next(s, who, r->event_id, now);
    } else {
      s.adjust_counts(r->event_id, 0, -1, 0);
    }
    s.audit(now, who.label(), "registration.cancel", target(id), "was " + r->status);
    return *s.find_registration(id);
  }
  return make_error(error_kind::unavailable, "unavailable", "请重试 / retry");
}

}  // namespace qiandao::domain
