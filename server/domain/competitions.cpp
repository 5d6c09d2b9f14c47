#include "domain/competitions.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "domain/checkins.hpp"
#include "domain/validate.hpp"

namespace qiandao::domain {

namespace {

error not_competition() {
  return make_error(error_kind::not_found, "not_competition", "该活动不是已设置的竞赛 / not a configured competition");
}

error no_item() { return make_error(error_kind::not_found, "not_found", "竞赛项目不存在 / no such item"); }

error published_error() {
  return make_error(error_kind::conflict, "published", "成绩已发布，请先撤回发布 / results are published: unpublish first");
}

std::string target(id_t event_id) { return "event:" + std::to_string(event_id); }

// A redraw, correction or unpublish reason: 1–200 characters on one line.
std::optional<error> bad_reason(std::string const& reason, char const* field, char const* why) {
  field_errors f;
  if (reason.empty() || !is_valid_utf8(reason) || utf8_length(reason) > 200) f.add(field, why);
  else if (has_control_chars(reason)) f.add(field, control_chars_message);
  else return std::nullopt;
  return f.to_error();
}

std::optional<competition_item> item_of(competition const& c, id_t item_id) {
  for (auto const& i : c.items)
    if (i.id == item_id) return i;
  return std::nullopt;
}

std::vector<unsigned char> seed_bytes(std::string const& hex) {
  std::vector<unsigned char> out(hex.size() / 2);
  std::size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0) return {};
  out.resize(len);
  return out;
}

void put_u32le(unsigned char* p, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) p[b] = static_cast<unsigned char>(v >> (8 * b));
}

// A uniform index in [0, bound) for place i, from the seed alone.
std::uint64_t uniform(std::vector<unsigned char> const& seed, std::uint32_t i, std::uint64_t bound) {
  std::uint64_t const limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;  // largest multiple − 1
  std::vector<unsigned char> msg(seed);
  msg.resize(seed.size() + 8);
  put_u32le(msg.data() + seed.size(), i);
  for (std::uint32_t k = 0;; ++k) {
    put_u32le(msg.data() + seed.size() + 4, k);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, msg.data(), msg.size(), nullptr, 0);
    std::uint64_t x = 0;
    for (int b = 7; b >= 0; --b) x = (x << 8) | h[b];
    if (x <= limit) return x % bound;
  }
}

void check_rules(competition& c, competition_changes const& in, field_errors& f) {
  if (in.scoring_rule) c.scoring_rule = *in.scoring_rule;
  if (in.unit_rule) c.unit_rule = *in.unit_rule;
  if (in.unit_best_n) c.unit_best_n = *in.unit_best_n;
  if (c.scoring_rule != "mean" && c.scoring_rule != "trimmed_mean")
    f.add("scoring_rule", "须为 mean 或 trimmed_mean / mean or trimmed_mean");
  if (c.unit_rule != "sum" && c.unit_rule != "best_n") f.add("unit_rule", "须为 sum 或 best_n / sum or best_n");
  if (c.unit_best_n < 1 || c.unit_best_n > 100) f.add("unit_best_n", "须为 1–100 / 1–100");
}

void check_items(std::vector<competition_item>& items, field_errors& f) {
  if (items.size() > 50) f.add("items", "最多 50 项 / at most 50");
  std::set<std::string> names;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& it = items[i];
    std::string at = "items[" + std::to_string(i) + "]";
    it.position = static_cast<std::int64_t>(i);
    it.name = trim(it.name);
    it.station = trim(it.station);
    if (it.name.empty() || !is_valid_utf8(it.name) || utf8_length(it.name) > 50)
      f.add(at + ".name", "须为 1–50 字 / 1–50 characters");
    else if (has_control_chars(it.name)) f.add(at + ".name", control_chars_message);
    else if (!names.insert(it.name).second)
      f.add(at + ".name", "项目名称重复 / listed twice");
    if (it.max_score <= 0 || it.max_score > 100000) f.add(at + ".max_score", "须为 0.01–1000 / 0.01–1000");
    if (it.time_limit_s && (*it.time_limit_s <= 0 || *it.time_limit_s > 86400))
      f.add(at + ".time_limit_s", "须为 1–86400 秒 / 1–86400 seconds");
    if (it.judges < 1 || it.judges > 20) f.add(at + ".judges", "须为 1–20 / 1–20");
    if (!is_valid_utf8(it.station) || utf8_length(it.station) > 50) f.add(at + ".station", "太长 / too long");
    else if (has_control_chars(it.station)) f.add(at + ".station", control_chars_message);
    if (it.roll_call_deadline) {
      if (auto t = normalize_time(*it.roll_call_deadline)) it.roll_call_deadline = *t;
      else f.add(at + ".roll_call_deadline", "时间格式应为 RFC 3339 / must be an RFC 3339 time");
    }
  }
}

}  // namespace

std::vector<id_t> draw_permutation(std::vector<id_t> ids, std::string const& seed_hex) {
  std::sort(ids.begin(), ids.end());
  auto seed = seed_bytes(seed_hex);
  for (std::size_t i = ids.size(); i-- > 1;) {
    auto j = uniform(seed, static_cast<std::uint32_t>(i), i + 1);
    std::swap(ids[i], ids[j]);
  }
  return ids;
}

std::optional<std::int64_t> hundredths(double points) {
  if (!std::isfinite(points) || points < -1e9 || points > 1e9) return std::nullopt;
  double h = points * 100.0;
  double r = std::round(h);
  if (std::fabs(h - r) > 1e-6) return std::nullopt;
  return static_cast<std::int64_t>(r);
}

result<competition> configure_competition(store& s, actor const& who, id_t event_id,
                                          competition_changes const& in) {
  auto ev = s.find_event(event_id);
  if (!ev) return make_error(error_kind::not_found, "not_found", "活动不存在 / no such event");
  if (ev->kind != "competition")
    return make_error(error_kind::conflict, "not_competition", "只有竞赛类活动可以设置 / only competition events");
  auto existing = s.find_competition(event_id);
  competition c = existing.value_or(competition{});
  c.event_id = event_id;
  if (c.published_at) return published_error();
  field_errors f;
  check_rules(c, in, f);
  std::vector<competition_item> items = in.items.value_or(c.items);
  check_items(items, f);
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].id != 0 && !item_of(c, items[i].id))
      f.add("items[" + std::to_string(i) + "].id", "不是本竞赛的项目 / not an item of this competition");
  if (!f.empty()) return f.to_error();

  std::string now = now_text();
  s.save_competition_rules(c, now);
  if (in.items) {
    for (auto const& old : c.items) {
      bool kept = std::any_of(items.begin(), items.end(), [&](auto const& i) { return i.id == old.id; });
      if (kept) continue;
      if (s.item_in_use(old.id)) {
        error e = make_error(error_kind::conflict, "item_in_use",
                             "项目“" + old.name + "”已抽签或已评分，不能删除 / drawn or scored: cannot be removed");
        e.ids["item_id"] = old.id;
        return e;
      }
      s.delete_item(old.id);
    }
    // Names are unique per competition: park the kept ones first so a swap of names works.
    for (auto const& i : items)
      if (i.id != 0) {
        auto parked = i;
        parked.name = "\x01" + std::to_string(i.id);
        s.update_item(parked);
      }
    for (auto const& i : items) {
      if (i.id != 0) s.update_item(i);
      else s.insert_item(event_id, i);
    }
  }
  s.audit(now, who.label(), "competition.configure", target(event_id),
          c.scoring_rule + " " + c.unit_rule + " " + std::to_string(items.size()) + " items");
  return *s.find_competition(event_id);
}

result<roll_call> take_roll_call(store& s, id_t event_id, id_t item_id) {
  auto comp = s.find_competition(event_id);
  if (!comp) return not_competition();
  auto item = item_of(*comp, item_id);
  if (!item) return no_item();
  roll_call rc;
  rc.item = *item;
  rc.past_deadline = item->roll_call_deadline && parse_time(*item->roll_call_deadline) < parse_time(now_text());
  for (auto const& c : s.competitors(event_id)) {
    std::string status = c.checked_in_at ? "present" : rc.past_deadline ? "no_show" : "missing";
    rc.entries.push_back({c, status});
  }
  return rc;
}

result<draw> run_draw(store& s, actor const& who, id_t event_id, id_t item_id,
                      std::optional<std::string> const& redraw_reason) {
  auto comp = s.find_competition(event_id);
  if (!comp) return not_competition();
  if (!item_of(*comp, item_id)) return no_item();
  if (comp->published_at) return published_error();
  std::string now = now_text();
  if (auto live = s.live_draw(item_id)) {
    if (!redraw_reason) {
      error e = make_error(error_kind::conflict, "already_drawn",
                           "该项目已抽签；重抽须由管理员说明理由 / already drawn: an admin may redraw with a reason");
      e.ids["draw_id"] = live->id;
      return e;
    }
    std::string reason = trim(*redraw_reason);
    if (!who.is_admin())
      return make_error(error_kind::forbidden, "forbidden", "只有管理员可以重新抽签 / only an admin may redraw");
    if (auto bad = bad_reason(reason, "redraw_reason", "请说明重抽理由（1–200 字）/ give a reason (1–200 characters)"))
      return *bad;
    s.void_draw(live->id, now, who.label(), reason);
    s.audit(now, who.label(), "competition.redraw", target(event_id),
            "item:" + std::to_string(item_id) + " voided draw:" + std::to_string(live->id) + " " + reason);
  }
  draw d;
  d.item_id = item_id;
  d.algorithm = draw_algorithm;
  d.drawn_at = now;
  d.drawn_by = who.label();
  std::vector<id_t> present;
  for (auto const& c : s.competitors(event_id)) (c.checked_in_at ? present : d.no_shows).push_back(c.registration_id);
  if (present.empty())
    return make_error(error_kind::conflict, "nobody_present", "还没有选手检录 / no competitor has checked in");
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  d.seed = hex;
  d.order = draw_permutation(present, d.seed);
  d.id = s.insert_draw(d);
  s.audit(now, who.label(), "competition.draw", target(event_id),
          "item:" + std::to_string(item_id) + " draw:" + std::to_string(d.id) + " seed:" + d.seed + " " +
              std::to_string(d.order.size()) + " drawn, " + std::to_string(d.no_shows.size()) + " absent");
  return d;
}

result<score_answer> enter_score(store& s, actor const& who, id_t event_id, score_request const& req) {
  if (!valid_nonce(req.nonce)) {
    field_errors f;
    f.add("nonce", "须为 8–128 个可见 ASCII 字符 / 8–128 printable ASCII characters");
    return f.to_error();
  }
  if (auto seen = s.find_score_by_nonce(req.nonce)) {
    if (seen->item_id != req.item_id || seen->registration_id != req.registration_id || seen->points != req.points ||
        seen->judge != who.label())
      return make_error(error_kind::invalid, "nonce_reused", "该请求编号已用于另一次评分 / this nonce was used for another score");
    return score_answer{*seen, false};
  }
  auto comp = s.find_competition(event_id);
  if (!comp) return not_competition();
  auto item = item_of(*comp, req.item_id);
  if (!item) return no_item();
  if (comp->published_at) return published_error();
  if (req.points < 0 || req.points > item->max_score) {
    field_errors f;
    f.add("score", "须在 0 与满分 " + std::to_string(item->max_score / 100) + " 之间 / must be 0 to the item's maximum");
    return f.to_error();
  }
  auto d = s.live_draw(req.item_id);
  if (!d) return make_error(error_kind::conflict, "not_drawn", "该项目尚未抽签 / the item has not been drawn");
  if (std::find(d->order.begin(), d->order.end(), req.registration_id) == d->order.end())
    return make_error(error_kind::conflict, "not_in_draw", "该选手不在本项目的出场顺序中 / not in this item's order");

  std::string now = now_text();
  score sc{0, req.item_id, req.registration_id, who.label(), req.points, req.nonce, now, std::nullopt, std::nullopt};
  auto earlier = s.find_live_score(req.item_id, req.registration_id, who.label());
  if (earlier) {
    std::string reason = req.reason ? trim(*req.reason) : "";
    if (!req.reason) {
      error e = make_error(error_kind::conflict, "already_scored",
                           "您已为该选手评分；更正须说明理由 / already scored: give a reason to correct it");
      e.ids["score_id"] = earlier->id;
      return e;
    }
    if (auto bad = bad_reason(reason, "reason", "请说明更正理由（1–200 字）/ give a reason (1–200 characters)"))
      return *bad;
    sc.reason = reason;
    sc.replaces = earlier->id;
  }
  auto id = s.insert_score(sc, now);
  if (!id) {
    // Another writer stored this nonce first (several instances): answer what it stored.
    if (auto seen = s.find_score_by_nonce(req.nonce)) return enter_score(s, who, event_id, req);
    return make_error(error_kind::unavailable, "unavailable", "请重试 / retry");
  }
  sc.id = *id;
  auto points = [](std::int64_t h) {
    return std::to_string(h / 100) + "." + (h % 100 < 10 ? "0" : "") + std::to_string(h % 100);
  };
  s.audit(now, who.label(), earlier ? "competition.score_correct" : "competition.score", target(event_id),
          "item:" + std::to_string(req.item_id) + " registration:" + std::to_string(req.registration_id) + " " +
              points(req.points) + (earlier ? " was " + points(earlier->points) + " because " + *sc.reason : ""));
  return score_answer{sc, true};
}

result<competition> publish_results(store& s, actor const& who, id_t event_id, bool publish,
                                    std::string const& raw_reason) {
  auto comp = s.find_competition(event_id);
  if (!comp) return not_competition();
  std::string now = now_text();
  if (publish) {
    if (comp->published_at) return *comp;  // publishing twice is harmless
    s.set_published(event_id, now, who.label());
    s.audit(now, who.label(), "competition.publish", target(event_id), "results final");
  } else {
    std::string reason = trim(raw_reason);
    if (auto bad = bad_reason(reason, "reason", "请说明撤回理由（1–200 字）/ give a reason (1–200 characters)"))
      return *bad;
    if (!comp->published_at) return *comp;
    s.set_published(event_id, std::nullopt, std::nullopt);
    s.audit(now, who.label(), "competition.unpublish", target(event_id), reason);
  }
  return *s.find_competition(event_id);
}

leaderboard load_leaderboard(store& s, competition const& comp) {
  return compute_leaderboard(comp, s.competitors(comp.event_id), s.live_scores(comp.event_id),
                             s.live_draws(comp.event_id));
}

}  // namespace qiandao::domain
