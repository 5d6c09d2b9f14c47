#include "domain/checkins.hpp"

#include "domain/registrations.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

using outcome = checkin_answer::outcome;

constexpr std::pair<outcome, char const*> outcome_names[] = {
    {outcome::checked_in, "checked_in"}, {outcome::already, "already"},
    {outcome::not_found, "not_found"},   {outcome::cancelled, "cancelled"},
    {outcome::waitlisted, "waitlisted"}, {outcome::wrong_event, "wrong_event"},
    {outcome::event_cancelled, "event_cancelled"}, {outcome::held, "held"}};

outcome outcome_from(std::string const& name) {
  for (auto const& [o, n] : outcome_names)
    if (name == n) return o;
  return outcome::not_found;
}

error nonce_reused() {
  error e = make_error(error_kind::invalid, "nonce_reused",
                       "该 nonce 已用于另一次请求 / this nonce was used for a different request");
  e.fields["nonce"] = "已用于另一次请求 / already used for a different request";
  return e;
}

// Rebuilds the first answer to a nonce from what was stored with it.
checkin_answer replay(store& s, nonce_record const& n) {
  checkin_answer a;
  a.result = outcome_from(n.outcome);
  a.replayed = true;
  a.first = n.first;
  a.at = n.at;
  if (n.registration_id) {
    a.reg = s.find_registration(*n.registration_id);
    if (a.reg)
      if (auto ev = s.find_event(a.reg->event_id)) a.event_title = ev->title;
  }
  return a;
}

result<checkin_answer> answer_seen(store& s, nonce_record const& seen, std::string const& fingerprint) {
  if (seen.fingerprint != fingerprint) return nonce_reused();
  return replay(s, seen);
}

// Claims the nonce for this request, or answers what its first request stored. Under
// several writers the claim is what serialises two requests with one nonce: the second
// waits for the first to commit, then replays its answer.
std::optional<result<checkin_answer>> claim(store& s, std::string const& nonce, std::string const& fingerprint,
                                            std::string const& now) {
  // Claim first: a new nonce (nearly every request) costs one statement, a replay two.
  if (s.claim_nonce({nonce, fingerprint, "pending", std::nullopt, false, std::nullopt}, now)) return std::nullopt;
  if (auto seen = s.find_nonce(nonce)) return answer_seen(s, *seen, fingerprint);
  return make_error(error_kind::unavailable, "unavailable", "请重试 / retry");
}

void remember(store& s, std::string const& nonce, std::string const& fingerprint, checkin_answer const& a) {
  s.settle_nonce({nonce, fingerprint, outcome_name(a.result),
                  a.reg ? std::optional<id_t>(a.reg->id) : std::nullopt, a.first, a.at});
}

// Why a ticket may not go in, if it may not.
std::optional<outcome> refused(registration const& reg, std::optional<event> const& ev,
                               std::optional<id_t> expected_event) {
  if (expected_event && *expected_event != reg.event_id) return outcome::wrong_event;
  if (ev && ev->status == "cancelled") return outcome::event_cancelled;
  if (reg.status == "cancelled") return outcome::cancelled;
  if (reg.status == "waitlisted") return outcome::waitlisted;
  return std::nullopt;
}

// A kiosk that turned a good ticket away offline: the person left, so the server does not
// check them in behind their back; staff decide from the conflict list.
std::optional<checkin_answer> hold_refused(store& s, std::optional<registration> const& reg,
                                           std::optional<id_t> expected_event) {
  if (!reg || reg->checked_in_at) return std::nullopt;
  auto ev = s.find_event(reg->event_id);
  if (refused(*reg, ev, expected_event)) return std::nullopt;
  checkin_answer a;
  a.result = outcome::held;
  a.reg = reg;
  a.event_title = ev ? ev->title : "";
  return a;
}

// 待处理: the kiosk let someone in offline whom the server did not check in for the first
// time, or turned away someone the server would have admitted.
void note_conflict(store& s, actor const& who, checkin_request const& req, std::string const& code,
                   checkin_answer const& a, std::optional<id_t> expected_event, std::string const& now) {
  auto const& off = *req.offline;
  bool conflict = (off.answer == "ok" && !a.first) || a.result == outcome::held;
  if (!conflict) return;
  auto event_id = expected_event ? expected_event : a.reg ? std::optional<id_t>(a.reg->event_id) : std::nullopt;
  if (!event_id || !s.find_event(*event_id)) return;
  door_conflict c;
  c.event_id = *event_id;
  if (a.reg) c.registration_id = a.reg->id;
  c.nonce = req.nonce;
  c.device = who.label();
  if (!code.empty()) c.code = code;
  c.kiosk_answer = off.answer;
  c.outcome = outcome_name(a.result);
  c.scanned_at = off.scanned_at;
  c.created_at = now;
  (void)s.insert_conflict(c);
}

// Admits one registration; every path leaves the database consistent, so the caller
// keeps what it wrote (the audit of a refusal, the nonce) whatever the outcome.
checkin_answer admit(store& s, actor const& who, std::optional<registration> reg,
                     std::optional<id_t> expected_event, std::string const& method,
                     std::string const& now) {
  checkin_answer a;
  if (!reg) {
    a.result = outcome::not_found;
    return a;
  }
  auto ev = s.find_event(reg->event_id);
  a.event_title = ev ? ev->title : "";
  a.reg = reg;
  if (auto no = refused(*reg, ev, expected_event)) a.result = *no;
  else if (auto id = s.insert_checkin(reg->id, reg->event_id, now, method, who.label())) {
    a.result = outcome::checked_in;
    a.first = true;
    a.at = now;
    s.note_checkin({reg->event_id, mask_name(reg->name), reg->organization, now});
    // What insert_checkin wrote, rather than reading the row again.
    a.reg->checked_in_at = now;
    a.reg->checkin_id = *id;
  } else {
    a.result = outcome::already;
    a.at = reg->checked_in_at;
  }
  return a;
}

void audit_answer(store& s, actor const& who, checkin_answer const& a,
                  std::string const& what, std::string const& now) {
  std::string target = a.reg ? "registration:" + std::to_string(a.reg->id) : "ticket:" + what;
  std::string action = a.result == outcome::checked_in ? "checkin.create"
                       : a.result == outcome::already  ? "checkin.repeat"
                                                       : "checkin.refused";
  s.audit(now, who.label(), action, target, outcome_name(a.result));
}

}  // namespace

std::string outcome_name(outcome o) {
  for (auto const& [v, n] : outcome_names)
    if (v == o) return n;
  return "not_found";
}

bool valid_nonce(std::string const& nonce) {
  if (nonce.size() < 8 || nonce.size() > 128) return false;
  for (char c : nonce)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

result<checkin_answer> check_in(store& s, actor const& who, checkin_request const& req) {
  field_errors f;
  if (!valid_nonce(req.nonce)) f.add("nonce", "须为 8–128 个可见 ASCII 字符 / 8–128 printable ASCII characters");
  std::string code = req.code ? normalize_code(*req.code) : "";
  if (req.code && (code.empty() || code.size() > 64)) f.add("code", "票码无效 / not a ticket code");
  if (!req.code && !req.registration_id) f.add("code", "必填 / required");
  if (req.offline) {
    auto const& off = *req.offline;
    if (off.answer != "ok" && off.answer != "already" && off.answer != "bad")
      f.add("offline.answer", "须为 ok、already 或 bad / ok, already or bad");
    if (off.scanned_at.empty() || off.scanned_at.size() > 40)
      f.add("offline.scanned_at", "须为时间 / a time");
  }
  if (!f.empty()) return f.to_error();

  std::string fingerprint = req.code ? "code:" + code : "id:" + std::to_string(*req.registration_id);
  std::string now = now_text();
  if (auto answered = claim(s, req.nonce, fingerprint, now)) return std::move(*answered);
  auto reg = req.code ? s.find_registration_by_code(code) : s.find_registration(*req.registration_id);
  // A kiosk paired to an event admits only that event, whatever the request names.
  auto expected = who.event_id ? who.event_id : req.event_id;
  std::optional<checkin_answer> held;
  if (req.offline && req.offline->answer == "bad") held = hold_refused(s, reg, expected);
  auto a = held ? *held : admit(s, who, reg, expected, req.code ? "code" : "lookup", now);
  remember(s, req.nonce, fingerprint, a);
  audit_answer(s, who, a, code.empty() ? fingerprint : code.substr(0, 4) + "…", now);
  if (req.offline) note_conflict(s, who, req, code, a, expected, now);
  return a;
}

result<checkin_answer> walk_in(store& s, actor const& who, id_t event_id,
                               registration_input const& raw, std::string const& nonce) {
  if (!valid_nonce(nonce)) {
    field_errors f;
    f.add("nonce", "须为 8–128 个可见 ASCII 字符 / 8–128 printable ASCII characters");
    return f.to_error();
  }
  auto valid = validate_input(raw);
  if (!valid) return valid.err();
  if (!raw.consent) {
    // A walk-in gives name and phone at the door: the notice must be accepted first.
    field_errors f;
    f.add("consent", "请先阅读并同意个人信息告知 / accept the personal-information notice first");
    return f.to_error();
  }
  std::string fingerprint = "walk_in:" + std::to_string(event_id) + ":" + valid->phone;
  if (auto answered = claim(s, nonce, fingerprint, now_text())) return std::move(*answered);
  auto ev = s.find_event(event_id);
  if (!ev) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  if (!ev->walk_ins)
    return make_error(error_kind::conflict, "walk_ins_closed", "该活动不接受现场登记 / no walk-ins for this event");
  if (who.event_id && *who.event_id != event_id)
    return make_error(error_kind::forbidden, "wrong_event", "此签到设备不属于该活动 / this kiosk is for another event");
  std::string now = now_text();
  // Someone already registered who walks up is simply admitted.
  auto reg = s.find_live_by_phone(event_id, valid->phone);
  if (!reg) {
    auto made = register_participant(s, who, event_id, *valid, "walk_in");
    if (!made) return made.err();
    reg = made.value();
  }
  auto a = admit(s, who, reg, event_id, "walk_in", now);
  remember(s, nonce, fingerprint, a);
  audit_answer(s, who, a, "walk_in", now);
  return a;
}

result<registration> undo_checkin(store& s, actor const& who, id_t checkin_id) {
  auto c = s.find_checkin(checkin_id);
  if (!c) return make_error(error_kind::not_found, "not_found", "签到记录不存在 / no such check-in");
  if (c->undone_at)
    return make_error(error_kind::conflict, "already_undone", "该签到已撤销 / already undone");
  std::string now = now_text();
  if (!s.undo_checkin(*c, now, who.label()))
    return make_error(error_kind::conflict, "already_undone", "该签到已撤销 / already undone");
  s.note_undo({c->event_id, {}, {}, c->at});  // the board's chart takes it off its minute
  s.audit(now, who.label(), "checkin.undo", "registration:" + std::to_string(c->registration_id),
          "checkin:" + std::to_string(checkin_id));
  return *s.find_registration(c->registration_id);
}

result<std::vector<registration>> lookup(store& s, id_t event_id, std::string const& phone) {
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  if (!s.find_event(event_id)) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  if (digits.size() == 4) return s.find_by_phone_suffix(event_id, digits, 10);
  auto full = normalize_phone(phone);
  if (!full) {
    field_errors f;
    f.add("phone", "请输入完整手机号或后四位 / enter the full number or its last four digits");
    return f.to_error();
  }
  std::vector<registration> out;
  if (auto r = s.find_live_by_phone(event_id, *full)) out.push_back(*r);
  return out;
}

}  // namespace qiandao::domain
