#include "domain/tallies.hpp"

#include <algorithm>

#include "domain/checkins.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

error no_event() { return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event"); }

error other_event() {
  return make_error(error_kind::forbidden, "wrong_event", "此设备不属于该活动 / this device is for another event");
}

bool listed(std::vector<std::string> const& names, std::string const& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

}  // namespace

result<tally_answer> record_tally(store& s, actor const& who, id_t event_id,
                                  tally_request const& raw) {
  field_errors f;
  if (!valid_nonce(raw.nonce)) f.add("nonce", "须为 8–128 个可见 ASCII 字符 / 8–128 printable ASCII characters");
  std::string service = trim(raw.service), site = trim(raw.site);
  if (service.empty()) f.add("service", "必填 / required");
  if (!f.empty()) return f.to_error();
  if (who.event_id && *who.event_id != event_id) return other_event();
  auto ev = s.find_event(event_id);
  if (!ev) return no_event();

  if (auto seen = s.find_tally_by_nonce(raw.nonce)) {
    if (seen->event_id != event_id || seen->service != service || seen->site != site)
      return make_error(error_kind::invalid, "nonce_reused",
                        "该请求编号已用于另一次记录 / this nonce was used for another tally");
    return tally_answer{*seen, false, s.count_tallies(*ev)};
  }
  if (ev->status == "cancelled")
    return make_error(error_kind::conflict, "event_cancelled", "活动已取消 / the event is cancelled");
  if (ev->status == "closed")
    return make_error(error_kind::conflict, "event_closed", "活动已结束 / the event is closed");
  if (!listed(ev->services, service)) f.add("service", "该活动没有此服务项目 / not a service of this event");
  if (ev->sites.empty() ? !site.empty() : !listed(ev->sites, site))
    f.add("site", ev->sites.empty() ? "该活动未设站点 / this event has no sites"
                                    : "请选择本活动的站点 / not a site of this event");
  if (!f.empty()) return f.to_error();

  tally t{0, event_id, service, site, raw.nonce, who.label(), now_text(), std::nullopt};
  auto id = s.insert_tally(t);
  if (!id) {
    // Another writer stored this nonce first (several instances): answer what it stored.
    if (s.find_tally_by_nonce(raw.nonce)) return record_tally(s, who, event_id, raw);
    return make_error(error_kind::unavailable, "unavailable", "请重试 / retry");
  }
  t.id = *id;
  s.audit(t.at, who.label(), "tally.create", "event:" + std::to_string(event_id),
          "tally:" + std::to_string(t.id) + " " + service + (site.empty() ? "" : " @" + site));
  return tally_answer{t, true, s.count_tallies(*ev)};
}

result<tally_answer> undo_tally(store& s, actor const& who, id_t event_id,
                                std::string const& nonce) {
  if (!valid_nonce(nonce)) {
    field_errors f;
    f.add("nonce", "须为 8–128 个可见 ASCII 字符 / 8–128 printable ASCII characters");
    return f.to_error();
  }
  if (who.event_id && *who.event_id != event_id) return other_event();
  auto ev = s.find_event(event_id);
  if (!ev) return no_event();
  auto t = s.find_tally_by_nonce(nonce);
  if (!t || t->event_id != event_id)
    return make_error(error_kind::not_found, "not_found", "找不到这次记录 / no tally with this nonce");
  // A desk takes back its own taps; staff may take back any.
  if (!who.is_staff() && t->actor != who.label())
    return make_error(error_kind::forbidden, "forbidden", "只能撤销本设备的记录 / a desk can only undo its own taps");
  if (t->undone_at) return tally_answer{*t, false, s.count_tallies(*ev)};
  std::string now = now_text();
  s.undo_tally(t->id, now, who.label());
  t->undone_at = now;
  s.audit(now, who.label(), "tally.undo", "event:" + std::to_string(event_id),
          "tally:" + std::to_string(t->id) + " " + t->service);
  return tally_answer{*t, true, s.count_tallies(*ev)};
}

}  // namespace qiandao::domain
