#include "demo.hpp"

#include <array>
#include <random>

#include "domain/auth.hpp"
#include "domain/checkins.hpp"
#include "domain/competitions.hpp"
#include "domain/events.hpp"
#include "domain/registrations.hpp"
#include "domain/tallies.hpp"
#include "domain/units.hpp"
#include "domain/validate.hpp"

namespace qiandao {

namespace {

struct demo_event {
  char const* title;
  char const* kind;
  char const* venue;
  char const* starts_at;
  char const* ends_at;
  std::optional<std::int64_t> capacity;
  bool waitlist, walk_ins;
  std::vector<std::string> departments;
  char const* description;
  int participants;  // made-up sign-ups
  int checked_in;    // of those, already through the door
};

// From 青卫健医政〔2024〕16号, 青浦区卫生健康系统庆祝2024年中国医师节系列活动方案.
std::vector<demo_event> const& programme_events() {
  static std::vector<demo_event> const events{
      {"2024年中国医师节庆祝大会暨紧密型城市医疗集团建设阶段性工作总结会", "conference",
       "区卫生健康委 大会议室", "2024-08-19T14:00:00+08:00", "2024-08-19T16:30:00+08:00", 260,
       false, false, {"办公室", "医政管理科"},
       "紧密型城市医疗集团建设阶段性成果汇报、名医工作室建设成效交流、成立青浦区皮肤病联盟、新技术新项目评选表彰。",
       180, 95},
      {"“名医面对面，医疗下沉惠万家”义诊·盈浦街道", "clinic", "盈浦街道社区卫生服务中心门前广场",
       "2024-08-17T08:30:00+08:00", "2024-08-17T11:30:00+08:00", std::nullopt, false, true,
       {"医政管理科", "信息管理科"}, "名医工作室专家团队线下义诊：健康咨询、疾病问诊、复诊配药。", 30, 12},
      {"“名医面对面，医疗下沉惠万家”义诊·朱家角镇", "clinic", "朱家角镇社区卫生服务中心",
       "2024-08-17T08:30:00+08:00", "2024-08-17T11:30:00+08:00", std::nullopt, false, true,
       {"医政管理科", "信息管理科"}, "名医工作室专家团队线下义诊：健康咨询、疾病问诊、复诊配药。", 25, 9},
      {"“名医面对面，医疗下沉惠万家”线上义诊", "clinic", "长三角（上海）智慧互联网医院平台",
       "2024-08-18T09:00:00+08:00", "2024-08-18T16:00:00+08:00", 200, true, false,
       {"医政管理科", "信息管理科"}, "依托互联网医院平台的线上义诊，预约后按时段接入。", 40, 0},
      {"“健康知识汇，科普智慧堂”健康科普大讲堂", "lecture", "青浦区图书馆 报告厅",
       "2024-08-16T14:00:00+08:00", "2024-08-16T16:00:00+08:00", 60, true, false, {"医政管理科"},
       "围绕“健康生活，科学防病”：常见慢性病防治、急救知识普及、心理健康维护。", 64, 20},
      {"青浦区预防接种技能竞赛", "competition", "区疾病预防控制中心 培训楼",
       "2024-08-15T08:30:00+08:00", "2024-08-15T17:00:00+08:00", 40, false, false, {"疾病预防科"},
       "预防接种岗位培训与技能竞赛：以赛促学习、以赛促技能、以赛促服务。", 32, 30},
      {"医务人员心理减压沙龙", "salon", "区卫生健康委 职工之家", "2024-08-20T15:00:00+08:00",
       "2024-08-20T17:00:00+08:00", 20, true, false, {"办公室"},
       "帮助医务人员识别和管理压力与情绪，学习自我调节和减压的方法。", 24, 0},
      {"节日集中走访慰问医师代表", "other", "各医疗卫生单位", "2024-08-19T09:00:00+08:00",
       "2024-08-19T11:30:00+08:00", std::nullopt, false, false, {"办公室", "医务工会"},
       "委党政领导带队走访慰问医师代表，致以节日问候。", 0, 0},
  };
  return events;
}

// Made-up units: plausible kinds of place, none a real institution's name.
constexpr std::array<char const*, 14> units{
    "青浦区示范第一医院",   "青浦区示范中医医院",   "青浦区示范妇幼保健院",
    "青浦区示范精神卫生中心", "青浦区示范疾病预防控制中心", "湖滨社区卫生服务中心",
    "莲湖社区卫生服务中心", "淀湖社区卫生服务中心", "曲水社区卫生服务中心",
    "双桥社区卫生服务中心", "泖河社区卫生服务中心", "西岑社区卫生服务中心",
    "青浦区示范康复医院",   "区卫生健康委机关"};

char const* kind_of(std::string_view unit) {
  if (unit.ends_with("社区卫生服务中心")) return "community";
  if (unit.ends_with("疾病预防控制中心")) return "cdc";
  if (unit.ends_with("机关")) return "office";
  return "hospital";
}

constexpr char const* demo_group = "青浦区示范医疗集团";

constexpr std::array<char const*, 30> surnames{
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "沈"};
constexpr std::array<char const*, 40> given{
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志强", "晓东", "丹",
    "海燕", "佳颖", "雅婷", "子涵", "思远", "嘉怡", "浩然", "欣怡", "宇轩", "晨"};

constexpr std::array<char const*, 5> staff_categories{"doctor", "doctor", "nurse", "guest", "doctor"};

}  // namespace

std::optional<demo_credentials> seed_demo(storage::sql_store& s) {
  if (!s.list_events().empty()) return std::nullopt;
  storage::transaction tx(s.db());
  domain::actor demo{domain::role_kind::admin, 0, "demo", std::nullopt};
  s.set_programme({"青浦区卫生健康系统庆祝2024年中国医师节系列活动", "崇尚人文精神，彰显医者仁心"});

  std::mt19937 rng(20240819);  // the same made-up people every time
  auto pick = [&](auto const& list) { return list[rng() % list.size()]; };
  int serial = 0;

  // The work units, the first two hospitals under a medical group (医联体).
  domain::unit_changes group;
  group.name = demo_group;
  group.kind = "group";
  auto g = domain::create_unit(s, demo, group);
  if (!g) throw std::runtime_error("demo unit refused: " + g.err().message);
  for (std::size_t i = 0; i < units.size(); ++i) {
    domain::unit_changes u;
    u.name = units[i];
    u.kind = kind_of(units[i]);
    if (i < 2) u.parent_id = std::optional<domain::id_t>(g->id);
    if (auto made = domain::create_unit(s, demo, u); !made)
      throw std::runtime_error("demo unit refused: " + made.err().message);
  }
  for (auto const& d : programme_events()) {
    domain::event_changes c;
    c.title = d.title;
    c.kind = d.kind;
    c.venue = d.venue;
    c.starts_at = d.starts_at;
    c.ends_at = d.ends_at;
    c.capacity = d.capacity;
    c.waitlist = d.waitlist;
    c.walk_ins = d.walk_ins;
    c.lead_departments = d.departments;
    c.description = d.description;
    bool is_clinic = std::string(d.kind) == "clinic";
    bool on_site = is_clinic && d.walk_ins;
    if (is_clinic)
      c.services = on_site ? std::vector<std::string>{"血压测量", "血糖检测", "健康咨询", "用药指导", "复诊配药"}
                           : std::vector<std::string>{"健康咨询", "疾病问诊", "复诊配药"};
    if (on_site && std::string_view(d.title).ends_with("盈浦街道")) c.sites = std::vector<std::string>{"广场东区", "广场西区"};
    auto e = domain::create_event(s, demo, c);
    if (!e) throw std::runtime_error("demo event refused: " + e.err().message);
    if (std::string(d.kind) == "conference") {
      // The commission expects 5 from each community health centre, more from hospitals.
      std::vector<domain::quota_item> q{{std::nullopt, "community", 5}, {std::nullopt, "hospital", 15},
                                        {std::nullopt, "cdc", 8}, {std::nullopt, "office", 6}};
      if (auto set = domain::set_quotas(s, demo, e->id, q); !set)
        throw std::runtime_error("demo quotas refused: " + set.err().message);
    }
    // Services already given at the on-site clinics: anonymous taps, as a desk makes them.
    for (int i = 0; on_site && i < 40 + static_cast<int>(rng() % 30); ++i) {
      domain::tally_request t{"demo-tally-" + std::to_string(e->id) + "-" + std::to_string(i),
                              e->services[rng() % e->services.size()],
                              e->sites.empty() ? "" : e->sites[rng() % e->sites.size()]};
      if (auto made = domain::record_tally(s, demo, e->id, t); !made)
        throw std::runtime_error("demo tally refused: " + made.err().message);
    }
    bool is_public = std::string(d.kind) == "clinic" || std::string(d.kind) == "lecture";
    int admitted = 0;
    for (int i = 0; i < d.participants; ++i) {
      domain::registration_input in;
      in.name = std::string(pick(surnames)) + pick(given);
      // 154 is a segment no mobile operator has been given: no real subscriber is called.
      char phone[16];
      std::snprintf(phone, sizeof phone, "154%08d", 10000000 + (++serial) * 7919 % 89999999);
      in.phone = phone;
      in.organization = is_public ? "" : pick(units);
      in.category = is_public ? "public" : std::string(d.kind) == "competition" ? "competitor" : pick(staff_categories);
      auto r = domain::register_participant(s, demo, e->id, in, i % 5 == 0 ? "import" : "staff");
      if (!r) continue;
      if (admitted < d.checked_in && r->status == "confirmed") {
        domain::checkin_request req{"demo-" + std::to_string(r->id) + "-seed", r->code, std::nullopt, std::nullopt, std::nullopt};
        if (domain::check_in(s, demo, req)) ++admitted;
      }
    }
  }

  // The vaccination skills contest under way: three items, the first drawn and half scored.
  for (auto const& e : s.list_events()) {
    if (e.kind != "competition") continue;
    domain::competition_changes cc;
    cc.scoring_rule = "trimmed_mean";
    cc.unit_rule = "best_n";
    cc.unit_best_n = 2;
    std::vector<domain::competition_item> items;
    for (auto const* name : {"接种前核对与告知", "疫苗接种操作", "疑似异常反应处置"}) {
      domain::competition_item item;
      item.name = name;
      item.max_score = 10000;
      item.judges = 3;
      item.station = std::string(name) == "疫苗接种操作" ? "操作考站 1" : "考站 " + std::to_string(items.size() + 1);
      items.push_back(item);
    }
    cc.items = items;
    auto comp = domain::configure_competition(s, demo, e.id, cc);
    if (!comp) throw std::runtime_error("demo competition refused: " + comp.err().message);
    auto d = domain::run_draw(s, demo, e.id, comp->items[0].id, std::nullopt);
    if (!d) throw std::runtime_error("demo draw refused: " + d.err().message);
    int nonce = 0;
    for (std::size_t i = 0; i < d->order.size() / 2; ++i)
      for (auto const* judge : {"评委甲", "评委乙", "评委丙"}) {
        domain::actor j{domain::role_kind::judge, 0, judge, std::nullopt};
        domain::score_request req{comp->items[0].id, d->order[i], 7000 + static_cast<std::int64_t>(rng() % 2900),
                                  "demo-score-" + std::to_string(++nonce), std::nullopt};
        if (auto sc = domain::enter_score(s, j, e.id, req); !sc)
          throw std::runtime_error("demo score refused: " + sc.err().message);
      }
  }

  demo_credentials creds{"admin", domain::new_secret_token().substr(0, 16), domain::new_secret_token()};
  std::string now = domain::now_text();
  if (!s.insert_user(creds.admin_username, domain::hash_password(creds.admin_password), "admin", now))
    throw std::runtime_error("an admin user already exists; demo needs an empty database");
  s.insert_device("演示签到机 / demo kiosk", domain::token_digest(creds.kiosk_token), std::nullopt, now);
  s.audit(now, "demo", "demo.load", "programme", "demo data loaded");
  tx.commit();
  s.take_changes();
  return creds;
}

}  // namespace qiandao
