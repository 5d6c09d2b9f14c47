// JSON of the public sign-up (/s/): open events, tickets, ALTCHA challenges and payloads.
#include <sodium.h>

#include <algorithm>
#include <type_traits>

#include "domain/validate.hpp"
#include "transport/json_io.hpp"

namespace qiandao::transport {

json public_event_json(domain::event const& e) {
  json j = to_json(e);
  // What the public needs of the event: no staff settings, and seats rather than counts.
  for (char const* staff_only : {"counts", "walk_ins", "status", "public_signup", "public_closes_at", "public_requires"})
    j.erase(staff_only);
  json seats_left = nullptr;
  bool full = false;
  if (e.capacity) {
    seats_left = std::max<std::int64_t>(0, *e.capacity - e.counts.registered);
    full = seats_left.get<std::int64_t>() == 0;
  }
  j["seats_left"] = seats_left;
  j["full"] = full;
  j["waitlist_open"] = full && e.waitlist;
  j["waitlisted"] = e.counts.waitlisted;
  j["closes_at"] = domain::public_closes(e);
  j["requires"] = e.public_requires;
  return j;
}

json public_ticket_json(domain::public_ticket const& t) {
  auto const& r = t.reg;
  return {{"code", r.code},
          {"status", r.status},
          {"waitlist_position", t.waitlist_position > 0 ? json(t.waitlist_position) : json(nullptr)},
          {"promoted", t.promoted},
          {"name", domain::mask_name(r.name)},
          {"phone", domain::mask_phone(r.phone)},
          {"checked_in", r.checked_in_at.has_value()},
          {"created_at", r.created_at},
          {"ticket_url", "/t/" + r.code},
          {"event",
           {{"id", t.ev.id},
            {"title", t.ev.title},
            {"kind", t.ev.kind},
            {"venue", t.ev.venue},
            {"starts_at", t.ev.starts_at},
            {"ends_at", t.ev.ends_at},
            {"status", t.ev.status}}}};
}

json challenge_json(domain::pow_challenge const& c) {
  auto const& p = c.parameters;
  return {{"parameters",
           {{"algorithm", p.algorithm},
            {"cost", p.cost},
            {"expiresAt", p.expires_at},
            {"keyLength", p.key_length},
            {"keyPrefix", p.key_prefix},
            {"nonce", p.nonce},
            {"salt", p.salt}}},
          {"signature", c.signature}};
}

namespace {

template <class T>
bool take(json const& j, char const* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
  } else {
    if (!it->is_number_integer()) return false;
  }
  out = it->get<T>();
  return true;
}

}  // namespace

std::optional<domain::pow_solution> read_pow_payload(std::string const& base64) {
  if (base64.empty() || base64.size() > 4096) return std::nullopt;
  std::string raw(base64.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), base64.data(), base64.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  raw.resize(len);
  auto j = parse_object(raw);
  if (!j) return std::nullopt;
  auto const& doc = j.value();
  auto ch = doc.find("challenge"), so = doc.find("solution");
  if (ch == doc.end() || so == doc.end() || !ch->is_object() || !so->is_object()) return std::nullopt;
  auto pa = ch->find("parameters");
  if (pa == ch->end() || !pa->is_object()) return std::nullopt;
  domain::pow_solution s;
  auto& p = s.challenge.parameters;
  // Exactly the keys this server signs: anything else was not issued here.
  bool ok = pa->size() == 7 && take(*pa, "algorithm", p.algorithm) && take(*pa, "cost", p.cost) &&
            take(*pa, "expiresAt", p.expires_at) && take(*pa, "keyLength", p.key_length) &&
            take(*pa, "keyPrefix", p.key_prefix) && take(*pa, "nonce", p.nonce) && take(*pa, "salt", p.salt) &&
            take(*ch, "signature", s.challenge.signature) && take(*so, "counter", s.counter);
  if (!ok) return std::nullopt;
  take(*so, "derivedKey", s.derived_key);
  return s;
}

json public_board_json(domain::public_board const& b) {
  json events = json::array(), per_minute = json::array();
  for (auto const& e : b.events) {
    json row = to_json(e);  // a board row: counts, clinic tallies, units; never a competition here
    row["rate"] = rate_json(e.counts.checked_in, e.counts.registered);
    events.push_back(std::move(row));
  }
  for (auto const& m : b.per_minute) per_minute.push_back({{"minute", m.minute}, {"count", m.count}});
  json totals = to_json(b.totals);
  totals["rate"] = rate_json(b.totals.checked_in, b.totals.registered);
  return {{"programme", to_json(b.prog)},
          {"today", b.today},
          {"events", std::move(events)},
          {"totals", std::move(totals)},
          {"per_minute", std::move(per_minute)}};
}

}  // namespace qiandao::transport
