// The door's check-in answer is written straight into a string (checkin_answer_text) rather
// than through a json tree; it must be the very document to_json(answer).dump() gives.
#include <catch2/catch.hpp>

#include "transport/json_io.hpp"

namespace {

using qiandao::domain::checkin_answer;
using qiandao::domain::registration;
using qiandao::transport::checkin_answer_text;
using qiandao::transport::to_json;
using outcome = checkin_answer::outcome;

std::string tree_text(checkin_answer const& a, bool masked) {
  return to_json(a, masked).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

registration full_registration() {
  registration r;
  r.id = 42;
  r.event_id = 7;
  r.code = "QD-7-ABCDEFGH";
  r.name = "欧阳\"娜娜\"\\";
  r.phone = "13800138000";
  r.organization = "区人民医院\t急诊科\n二病区";
  r.category = "医师";
  r.id_number = "11010519491231002X";
  r.status = "confirmed";
  r.source = "import";
  r.created_at = "2026-08-19T08:00:00.000+08:00";
  r.checked_in_at = "2026-08-19T09:30:00.000+08:00";
  r.checkin_id = 9001;
  r.unit_id = 3;
  r.unit = "第一人民医院";
  r.leave = qiandao::domain::leave_record{"病假 \x01", "2026-08-18T10:00:00.000+08:00", "admin"};
  r.consent_at = "2026-08-01T10:00:00.000+08:00";
  return r;
}

}  // namespace

TEST_CASE("the written check-in answer is the json tree document byte for byte") {
  std::vector<checkin_answer> answers;
  {
    checkin_answer a;  // first admission, every field filled
    a.result = outcome::checked_in;
    a.first = true;
    a.at = "2026-08-19T09:30:00.000+08:00";
    a.reg = full_registration();
    a.event_title = "中国医师节 · 庆祝大会 \"主会场\"";
    answers.push_back(a);
  }
  {
    checkin_answer a;  // a repeat, with every optional empty
    a.result = outcome::already;
    a.at = "2026-08-19T09:30:00.000+08:00";
    registration r;
    r.id = 1;
    r.event_id = 2;
    r.name = "李四";
    r.phone = "13900139000";
    r.status = "confirmed";
    r.source = "staff";
    r.created_at = "2026-08-01";
    a.reg = r;
    answers.push_back(a);
  }
  {
    checkin_answer a;  // a replayed answer to a ticket that was not found: no registration
    a.result = outcome::not_found;
    a.replayed = true;
    answers.push_back(a);
  }
  {
    checkin_answer a;  // text that is not UTF-8 is replaced as json::dump replaces it
    a.result = outcome::checked_in;
    a.first = true;
    a.at = "2026-08-19T09:31:00.000+08:00";
    a.reg = full_registration();
    a.reg->name = std::string("王\xff\xfe五");
    a.reg->organization = std::string("\xe4\xb8", 2);  // cut inside a character
    a.reg->category = std::string("\xed\xa0\x80");       // a surrogate
    a.reg->checkin_id.reset();                           // admitted without the live row: checkin null
    a.event_title = std::string("\xc0\xaf");             // an overlong slash
    answers.push_back(a);
  }
  for (auto const& a : answers)
    for (bool masked : {true, false}) {
      INFO("outcome " << qiandao::domain::outcome_name(a.result) << (masked ? ", masked" : ", whole"));
      auto text = checkin_answer_text(a, masked);
      CHECK(text == tree_text(a, masked));
      CHECK(nlohmann::json::parse(text) == nlohmann::json::parse(tree_text(a, masked)));
    }
  // Masked, the answer carries no name, phone, ID number or ticket code in full.
  auto masked = checkin_answer_text(answers[0], true);
  CHECK(masked.find("13800138000") == std::string::npos);
  CHECK(masked.find("11010519491231002X") == std::string::npos);
  CHECK(masked.find("QD-7-ABCDEFGH") == std::string::npos);
  CHECK(masked.find("病假") == std::string::npos);
}
