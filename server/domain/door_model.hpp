#pragma once
// The offline door's plain types: a row of a kiosk's ticket list and a door conflict
// (待处理), shared by the domain rules and the store that reads and writes them.
#include <cstdint>
#include <optional>
#include <string>

#include "domain/model.hpp"

namespace qiandao::domain {

// One registration as a kiosk's offline list keeps it (the name still whole: the feed
// masks it and digests the code before anything leaves the server).
struct door_row {
  id_t id = 0;
  std::string code;
  std::string status;
  std::string name;
  std::string organization;
  std::optional<std::string> unit;
  std::optional<std::string> checked_in_at;
  std::int64_t rev = 0;
};

// A scan a kiosk answered offline that the server, on replay, answered otherwise.
struct door_conflict {
  id_t id = 0;
  id_t event_id = 0;
  std::optional<id_t> registration_id;
  std::string nonce;
  std::string device;
  std::optional<std::string> code;
  std::string kiosk_answer;  // ok | already | bad
  std::string outcome;       // the server's answer on replay
  std::string scanned_at;
  std::string created_at;
  std::optional<std::string> resolved_at, resolved_by, resolution;
  std::string note;
};

}  // namespace qiandao::domain
