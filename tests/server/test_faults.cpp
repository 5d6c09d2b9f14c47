// A full disk: the database lives on a small tmpfs that is filled to the brim while kiosks
// and staff keep writing. Every answer is a real 2xx or a 503 that saved nothing; once space
// is back the server recovers by itself, and a restart finds exactly what was acknowledged.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "storage/sql.hpp"
#include "support/test_db.hpp"
#include "support/child_server.hpp"
#include "support/expect.hpp"
#include "support/hostile.hpp"
#include "support/test_server.hpp"

using namespace qiandao::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A tmpfs of `size` (e.g. "3m") at a fresh directory, unmounted when the object goes.
class tmpfs_mount {
 public:
  explicit tmpfs_mount(std::string const& size) : dir_(parent_.path() / "disk") {
    std::filesystem::create_directory(dir_);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, ("size=" + size).c_str()) == 0)
      mounted_ = true;
    else
      error_ = "mount -t tmpfs -o size=" + size + " tmpfs " + dir_.string() + " failed: " + std::strerror(errno) +
               " (this test needs root, or CAP_SYS_ADMIN in its container)";
  }
  ~tmpfs_mount() {
    if (mounted_ && ::umount2(dir_.c_str(), 0) != 0) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  tmpfs_mount(tmpfs_mount const&) = delete;
  tmpfs_mount& operator=(tmpfs_mount const&) = delete;

  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] std::string const& error() const { return error_; }
  [[nodiscard]] std::string path() const { return dir_.string(); }
  [[nodiscard]] std::uint64_t free_bytes() const {
    struct statvfs st {};
    return statvfs(dir_.c_str(), &st) == 0 ? std::uint64_t{st.f_bavail} * st.f_frsize : 0;
  }

 private:
  temp_dir parent_;  // removed after the unmount
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes `path` until the file system is full, then gives `leave` bytes back.
void fill_disk(std::string const& path, off_t leave) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create the filler file");
  std::string chunk(64 * 1024, 'f');
  off_t size = 0;
  for (std::size_t step : {chunk.size(), std::size_t{4096}, std::size_t{1}}) {
    for (;;) {
      auto n = ::write(fd, chunk.data(), step);
      if (n <= 0) break;
      size += n;
    }
  }
  if (::ftruncate(fd, size > leave ? size - leave : 0) != 0) throw std::runtime_error("ftruncate failed");
  ::close(fd);
}

struct answer {
  enum kind { checkin, registration } what;
  std::size_t index = 0;  // ticket index, or person number for a registration
  std::string nonce;
  http_response res;
};

}  // namespace

TEST_CASE("disk full: every answer is a durable 2xx or a 503, and the server recovers by itself", "[faults][sqlite]") {
  tmpfs_mount disk("3m");
  if (!disk.mounted()) FAIL(disk.error());
  std::vector<seeded_ticket> tickets;
  qiandao::domain::id_t event_id = 0;
  server_options o;
  o.db_dir = disk.path();
  o.seed = [&](qiandao::storage::sql_store& s) {
    event_id = seed_event(s, "名医面对面义诊");
    tickets = seed_tickets(s, {event_id}, 200);
  };
  auto srv = std::make_unique<test_server>(o);
  auto staff = srv->as("staff");  // its session is written while there is room
  auto kiosk = srv->as_kiosk();
  REQUIRE(kiosk.post("/api/v1/checkins", {{"code", tickets[0].code}, {"nonce", new_nonce()}}).status == 201);

  auto filler = disk.path() + "/filler";
  fill_disk(filler, 160 * 1024);  // room for a few commits, then none
  INFO("free after filling: " << disk.free_bytes() << " bytes");
  REQUIRE(disk.free_bytes() < 256 * 1024);

  // Three kiosks and a staff member keep writing on the full disk.
  std::mutex m;
  std::vector<answer> answers;
  std::vector<std::string> transport_errors;
  auto record = [&](answer a) {
    std::lock_guard lock(m);
    answers.push_back(std::move(a));
  };
  std::vector<std::thread> writers;
  for (std::size_t k = 0; k < 3; ++k) {
    writers.emplace_back([&, k] {
      auto c = srv->as_kiosk();
      for (std::size_t i = 1 + k; i < 100; i += 3) {
        auto nonce = new_nonce();
        try {
          record({answer::checkin, i, nonce, c.post("/api/v1/checkins", {{"code", tickets[i].code}, {"nonce", nonce}})});
        } catch (std::exception const& e) {
          std::lock_guard lock(m);
          transport_errors.push_back(e.what());
        }
      }
    });
  }
  writers.emplace_back([&] {
    auto c = srv->as("staff");
    for (std::size_t p = 0; p < 25; ++p) {
      json body = {{"name", chinese_name(600 + static_cast<int>(p))}, {"phone", test_phone(600 + static_cast<int>(p))}};
      try {
        record({answer::registration, p, "", c.post("/api/v1/events/" + std::to_string(event_id) + "/registrations", body)});
      } catch (std::exception const& e) {
        std::lock_guard lock(m);
        transport_errors.push_back(e.what());
      }
    }
  });
  for (auto& t : writers) t.join();

  CHECK(transport_errors.empty());
  std::size_t ok = 0, unavailable = 0;
  for (auto const& a : answers) {
    INFO((a.what == answer::checkin ? "check-in " : "registration ") << a.index);
    if (a.res.status / 100 == 2) {
      ++ok;
    } else {
      require_error(a.res, 503, "unavailable");
      ++unavailable;
    }
  }
  INFO(ok << " answered 2xx, " << unavailable << " answered 503");
  REQUIRE(unavailable > 0);  // the disk really was full…
  CHECK(ok > 0);             // …after a few commits had fitted

  // Space comes back: the server recovers without a restart.
  std::filesystem::remove(filler);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  int status = 0;
  std::size_t next = 100;
  auto nonce = new_nonce();
  while (status != 201 && std::chrono::steady_clock::now() < deadline) {
    status = kiosk.post("/api/v1/checkins", {{"code", tickets[next].code}, {"nonce", nonce}}).status;
    if (status != 201) std::this_thread::sleep_for(100ms);  // retried with the same nonce
  }
  REQUIRE(status == 201);
  for (std::size_t i = 101; i < 111; ++i)
    CHECK(kiosk.post("/api/v1/checkins", {{"code", tickets[i].code}, {"nonce", new_nonce()}}).status == 201);
  CHECK(staff.post("/api/v1/events/" + std::to_string(event_id) + "/registrations",
                   {{"name", "钱晓明"}, {"phone", test_phone(699)}}).status == 201);

  // A restart of the real binary on the file finds exactly what was acknowledged.
  auto token = srv->kiosk_token();
  auto db_path = srv->db_path();
  srv->stop();
  temp_dir logs;
  child_server restarted(db_path, logs.file("server.log"));
  {
    auto db_owner = open_db(db_path);
    auto& db = *db_owner;
    CHECK(integrity_ok(db));
    CHECK(query_int(db, "SELECT count(*) FROM events e WHERE e.checked_in_count <> "
                        "(SELECT count(*) FROM checkins c WHERE c.event_id = e.id AND c.undone_at IS NULL)") == 0);
    int false_ok = 0, lost = 0;
    for (auto const& a : answers) {
      bool acked = a.res.status / 100 == 2;
      std::int64_t stored = 0;
      if (a.what == answer::checkin) {
        auto id = std::to_string(tickets[a.index].registration_id);
        stored = query_int(db, "SELECT count(*) FROM checkins WHERE undone_at IS NULL AND registration_id = " + id) +
                 query_int(db, "SELECT count(*) FROM nonces WHERE nonce = '" + a.nonce + "'");
        if (acked && stored == 2)
          CHECK(query_text(db, "SELECT checked_in_at FROM registrations WHERE id = " + id) ==
                a.res.json()["checked_in_at"]);
        if (acked && stored != 2) ++lost;
      } else {
        stored = query_int(db, "SELECT count(*) FROM registrations WHERE phone = '" +
                                   test_phone(600 + static_cast<int>(a.index)) + "'");
        if (acked && stored != 1) ++lost;
      }
      if (!acked && stored != 0) ++false_ok;
    }
    CHECK(lost == 0);      // no false 2xx
    CHECK(false_ok == 0);  // a 503 saved nothing
  }
  // A refused check-in may be retried with its nonce, and now succeeds.
  auto kiosk2 = http_client(restarted.port());
  kiosk2.set_header("Authorization", "Bearer " + token);
  for (auto const& a : answers) {
    if (a.what != answer::checkin || a.res.status != 503) continue;
    auto r = kiosk2.post("/api/v1/checkins", {{"code", tickets[a.index].code}, {"nonce", a.nonce}});
    INFO("retry of " << a.nonce << ": HTTP " << r.status << " " << r.body);
    CHECK(r.status == 201);
    break;
  }
  CHECK(restarted.terminate(10s).value_or(-1) == 0);
}
