#pragma once
// Free-clinic service tallies: one tap at a desk is one anonymous service (服务人次).
// Durable like check-ins: idempotent by the desk's nonce, so an offline desk can replay.
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/store.hpp"

namespace qiandao::domain {

struct tally_request {
  std::string nonce;
  std::string service;
  std::string site;
};

struct tally_answer {
  tally t;
  bool first = false;  // false: this nonce was seen before (or the undo was already done)
  tally_counts counts;
};

result<tally_answer> record_tally(store& s, actor const& who, id_t event_id,
                                  tally_request const& req);

// Takes back the tap made with `nonce`; doing it again answers the same.
result<tally_answer> undo_tally(store& s, actor const& who, id_t event_id,
                                std::string const& nonce);

}  // namespace qiandao::domain
