#include "domain/door.hpp"

#include <sodium.h>

#include "domain/validate.hpp"

namespace qiandao::domain {

std::string code_digest(std::string const& code) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<unsigned char const*>(code.data()), code.size());
  std::string hex(crypto_hash_sha256_BYTES * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), d, sizeof d);
  hex.pop_back();
  return hex;
}

result<door_page> door_feed(store& s, actor const& who, id_t event_id, std::int64_t since, int limit) {
  if (who.event_id && *who.event_id != event_id)
    return make_error(error_kind::forbidden, "wrong_event", "此签到设备不属于该活动 / this kiosk is for another event");
  if (!s.find_event(event_id)) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  door_page page;
  page.cursor = since;
  // One more than asked says whether another page follows.
  auto rows = s.door_rows(event_id, since, limit + 1);
  page.more = static_cast<int>(rows.size()) > limit;
  if (page.more) rows.resize(static_cast<std::size_t>(limit));
  for (auto const& r : rows) {
    page.items.push_back({r.id, code_digest(r.code), r.status, mask_name(r.name), r.organization, r.unit,
                          r.checked_in_at});
    page.cursor = r.rev;
  }
  std::optional<std::string> device;
  if (who.role == role_kind::kiosk) device = who.label();
  page.conflicts_open = s.count_open_conflicts(event_id, device);
  return page;
}

namespace {

conflict_view view_of(store& s, door_conflict c) {
  conflict_view v{std::move(c), std::nullopt, ""};
  if (v.conflict.registration_id) v.reg = s.find_registration(*v.conflict.registration_id);
  if (auto ev = s.find_event(v.conflict.event_id)) v.event_title = ev->title;
  return v;
}

}  // namespace

result<std::vector<conflict_view>> list_conflicts(store& s, std::optional<id_t> event_id, std::string const& state) {
  if (state != "open" && state != "resolved" && state != "all") {
    field_errors f;
    f.add("state", "须为 open、resolved 或 all / open, resolved or all");
    return f.to_error();
  }
  std::vector<conflict_view> out;
  for (auto& c : s.list_conflicts(event_id, state, 500)) out.push_back(view_of(s, std::move(c)));
  return out;
}

result<conflict_view> resolve_conflict(store& s, actor const& who, id_t id, std::string const& resolution,
                                       std::string const& note) {
  field_errors f;
  if (resolution != "admit" && resolution != "refuse") f.add("resolution", "须为 admit 或 refuse / admit or refuse");
  if (note.size() > 500) f.add("note", "最多 500 字节 / at most 500 bytes");
  if (!f.empty()) return f.to_error();
  auto c = s.find_conflict(id);
  if (!c) return make_error(error_kind::not_found, "not_found", "待处理记录不存在 / no such conflict");
  if (c->resolved_at) return make_error(error_kind::conflict, "already_resolved", "已处理 / already resolved");
  std::string now = now_text();
  std::optional<registration> reg;
  if (c->registration_id) reg = s.find_registration(*c->registration_id);
  std::string detail = resolution;
  if (resolution == "admit") {
    if (!reg || reg->status != "confirmed")
      return make_error(error_kind::conflict, "cannot_admit",
                        "该报名无效，无法放行；如需入场请现场登记 / the registration is not live; register the person instead");
    if (!reg->checked_in_at) {
      if (auto checkin = s.insert_checkin(reg->id, reg->event_id, now, "lookup", who.label())) {
        s.note_checkin({reg->event_id, mask_name(reg->name), reg->organization, now});
        s.audit(now, who.label(), "checkin.create", "registration:" + std::to_string(reg->id),
                "conflict:" + std::to_string(id));
        detail += " checked_in";
      }
    }
  }
  if (reg) detail += " registration:" + std::to_string(reg->id) + " " + mask_name(reg->name);
  if (!s.resolve_conflict(id, resolution, note, who.label(), now))
    return make_error(error_kind::conflict, "already_resolved", "已处理 / already resolved");
  s.audit(now, who.label(), "conflict.resolve", "conflict:" + std::to_string(id), detail);
  return view_of(s, *s.find_conflict(id));
}

void check_device_pin(std::string const& pin, field_errors& f) {
  bool digits = !pin.empty();
  for (char ch : pin)
    if (ch < '0' || ch > '9') digits = false;
  if (!digits || pin.size() < 4 || pin.size() > 8) f.add("pin", "须为 4–8 位数字 / 4–8 digits");
}

result<device> set_device_pin(store& s, actor const& who, id_t device_id, std::string const& pin_hash) {
  auto d = s.find_device(device_id);
  if (!d) return make_error(error_kind::not_found, "not_found", "设备不存在 / no such device");
  s.set_device_pin(device_id, pin_hash);
  s.audit(now_text(), who.label(), "device.pin", "device:" + std::to_string(device_id), d->name);
  return *d;
}

}  // namespace qiandao::domain
