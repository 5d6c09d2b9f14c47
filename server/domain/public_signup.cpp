#include "domain/public_signup.hpp"

#include <algorithm>

#include "domain/registrations.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

bool requires_field(event const& e, char const* field) {
  return std::find(e.public_requires.begin(), e.public_requires.end(), field) != e.public_requires.end();
}

actor citizen(std::string const& phone) { return actor{role_kind::citizen, 0, mask_phone(phone), std::nullopt}; }

error unknown_ticket() { return make_error(error_kind::not_found, "not_found", "票码无效 / unknown ticket"); }

public_ticket ticket_of(store& s, registration r) {
  public_ticket t;
  t.ev = *s.find_event(r.event_id);
  if (r.status == "waitlisted") t.waitlist_position = s.waitlist_position(r.event_id, r.id);
  else if (r.status == "confirmed") t.promoted = s.was_promoted(r.id);
  t.reg = std::move(r);
  return t;
}

}  // namespace

std::string public_closes(event const& e) {
  if (e.public_closes_at && *e.public_closes_at < e.ends_at) return *e.public_closes_at;
  return e.ends_at;
}

bool open_to_public(event const& e, std::string const& now) {
  // Stored times are all "+08:00", so text order is time order.
  return e.public_signup && e.status == "open" && now < public_closes(e);
}

std::vector<event> public_events(store& s, std::string const& now) {
  auto all = s.list_events();
  std::erase_if(all, [&](event const& e) { return !open_to_public(e, now); });
  return all;
}

result<registration_input> check_public_signup(event const* e, registration_input in, std::string const& now) {
  if (!e || !e->public_signup) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  if (!open_to_public(*e, now))
    return make_error(error_kind::conflict, "signup_closed", "报名已截止 / sign-up for this event has closed");
  in.category = "public";
  in.unit_id.reset();  // the public types its unit or community; staff link it later
  auto valid = validate_input(in);
  field_errors f;
  if (!valid) f.fields = valid.err().fields;
  else in = valid.value();
  if (!in.consent) f.add("consent", "请阅读并同意个人信息告知 / please accept the personal-information notice");
  if (requires_field(*e, "id_number") && !f.fields.contains("id_number") && !in.id_number)
    f.add("id_number", "此活动须填写身份证号 / this event requires a resident ID number");
  if (requires_field(*e, "organization") && trim(in.organization).empty())
    f.add("organization", "此活动须填写单位或社区 / this event requires your unit or community");
  if (!f.empty()) return f.to_error();
  return in;
}

error proof_replayed() {
  return make_error(error_kind::forbidden, "pow_replayed", "验证已使用过，请重新验证 / verification already used, verify again");
}

result<public_ticket> public_sign_up(store& s, id_t event_id, registration_input const& raw, spent_proof const& proof) {
  auto ev = s.find_event(event_id);
  auto in = check_public_signup(ev ? &*ev : nullptr, raw, now_text());
  if (!in) return in.err();
  if (!s.spend_proof(proof.nonce, proof.expires_at, now_seconds())) return proof_replayed();
  auto r = register_participant(s, citizen(in->phone), event_id, in.value(), "public");
  if (!r) return r.err();
  return ticket_of(s, std::move(r.value()));
}

result<public_ticket> public_ticket_by_code(store& s, std::string const& code) {
  auto r = s.find_registration_by_code(normalize_code(code));
  if (!r || r->source != "public") return unknown_ticket();
  return ticket_of(s, std::move(*r));
}

std::vector<public_ticket> find_public_tickets(store& s, std::string const& phone, std::string const& name) {
  std::vector<public_ticket> out;
  auto p = normalize_phone(phone);
  std::string const full = trim(name);
  if (!p || full.empty()) return out;
  for (auto const& e : s.list_events()) {
    if (!e.public_signup) continue;
    auto r = s.find_live_by_phone(e.id, *p);
    if (r && r->source == "public" && r->name == full) out.push_back(ticket_of(s, std::move(*r)));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

result<public_ticket> cancel_public_ticket(store& s, std::string const& code) {
  auto r = s.find_registration_by_code(normalize_code(code));
  if (!r || r->source != "public") return unknown_ticket();
  auto done = cancel_registration(s, citizen(r->phone), r->id);
  if (!done) return done.err();
  return ticket_of(s, std::move(done.value()));
}

}  // namespace qiandao::domain
