#include "storage/postgres/pg_db.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <map>
#include <vector>

namespace qiandao::storage::postgres {

namespace {

constexpr unsigned int int8_oid = 20;
constexpr unsigned int text_oid = 25;

db_error::kind kind_of(std::string_view state, pg_conn* conn) {
  if (PQstatus(conn) != CONNECTION_OK) return db_error::kind::connection;
  if (state.starts_with("23")) return db_error::kind::constraint;
  if (state == "40001" || state == "40P01") return db_error::kind::retry;
  if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03")
    return db_error::kind::connection;
  return db_error::kind::other;
}

[[noreturn]] void throw_result(pg_conn* conn, PGresult* res, std::string_view context) {
  char const* st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = st ? st : (PQstatus(conn) != CONNECTION_OK ? "08006" : "XX000");
  std::string msg(context);
  msg += ": ";
  // The primary message only: DETAIL lines quote the row's values (a phone number in a
  // unique key), which must never reach a log.
  char const* text = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  msg += (text && *text) ? text : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (res) PQclear(res);
  throw db_error(kind_of(state, conn), state, msg + " [" + state + "]");
}

struct result_ptr {
  PGresult* r = nullptr;
  ~result_ptr() { if (r) PQclear(r); }
};

class pg_statement final : public statement {
 public:
  pg_statement(pg_connection& c, std::string_view sql) : c_(c) { sql_ = to_dollar_params(sql, params_); }
  ~pg_statement() override { clear(); }

  bool step() override {
    if (!res_) execute();
    if (row_ + 1 < rows_) {
      ++row_;
      return true;
    }
    reset();
    return false;
  }

  void reset() override {
    clear();
    values_.clear();
    types_.clear();
  }

  std::int64_t get_int(int column) const override {
    char const* v = PQgetvalue(res_, row_, column);
    if (v[0] == 't' && v[1] == 0) return 1;  // a boolean
    if (v[0] == 'f' && v[1] == 0) return 0;
    std::int64_t out = 0;
    std::from_chars(v, v + std::char_traits<char>::length(v), out);
    return out;
  }

  std::string get_text(int column) const override {
    return std::string(PQgetvalue(res_, row_, column), static_cast<std::size_t>(PQgetlength(res_, row_, column)));
  }

  bool is_null(int column) const override { return PQgetisnull(res_, row_, column) != 0; }

  std::int64_t changed() const override { return changed_; }

 protected:
  void bind_int(int index, std::int64_t value) override { set(index, std::to_string(value), int8_oid); }
  void bind_text(int index, std::string_view value) override { set(index, std::string(value), text_oid); }
  void bind_null(int index) override { set(index, std::nullopt, 0); }

 private:
  void set(int index, std::optional<std::string> v, unsigned int type) {
    auto i = static_cast<std::size_t>(index - 1);
    if (values_.size() <= i) {
      values_.resize(i + 1);
      types_.resize(i + 1, text_oid);
    }
    values_[i] = std::move(v);
    types_[i] = type;
  }

  // Prepares once per set of parameter types: an unbound or NULL parameter leaves its type
  // to the server (text where it cannot tell).
  std::string const& prepared_name(std::vector<unsigned int> const& types) {
    std::string key(reinterpret_cast<char const*>(types.data()), types.size() * sizeof(unsigned int));
    auto it = names_.find(key);
    if (it != names_.end()) return it->second;
    std::string name = c_.next_name();
    result_ptr r{PQprepare(c_.raw(), name.c_str(), sql_.c_str(), static_cast<int>(types.size()),
                           types.data())};
    if (PQresultStatus(r.r) != PGRES_COMMAND_OK) {
      PGresult* keep = r.r;
      r.r = nullptr;
      throw_result(c_.raw(), keep, "prepare");
    }
    return names_.emplace(std::move(key), std::move(name)).first->second;
  }

  void execute() {
    auto n = static_cast<std::size_t>(params_);
    std::vector<unsigned int> types(n, text_oid);
    std::vector<char const*> values(n, nullptr);
    // A NULL leaves its type to the server; a number the SQL never uses stays text.
    for (std::size_t i = 0; i < n && i < values_.size(); ++i) {
      if (values_[i]) values[i] = values_[i]->c_str();
      types[i] = types_[i];
    }
    std::string const& name = prepared_name(types);
    PGresult* r = PQexecPrepared(c_.raw(), name.c_str(), params_, values.data(), nullptr, nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      values_.clear();
      types_.clear();
      throw_result(c_.raw(), r, "statement");
    }
    res_ = r;
    rows_ = PQntuples(r);
    row_ = -1;
    // "INSERT 0 1", "UPDATE 3": the rows the command changed; empty for a SELECT.
    changed_ = 0;
    char const* tuples = PQcmdTuples(r);
    std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed_);
  }

  void clear() {
    if (res_) PQclear(res_);
    res_ = nullptr;
    rows_ = 0;
    row_ = -1;
  }

  pg_connection& c_;
  std::string sql_;
  int params_ = 0;
  std::map<std::string, std::string> names_;
  std::vector<std::optional<std::string>> values_;
  std::vector<unsigned int> types_;
  PGresult* res_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
  std::int64_t changed_ = 0;
};

}  // namespace

std::string to_dollar_params(std::string_view sql, int& max_index) {
  std::string out;
  out.reserve(sql.size() + 8);
  max_index = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote) {
      if (ch == quote) quote = 0;
      out += ch;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      int n = 0;
      std::size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
      out += '$';
      out += std::to_string(n);
      if (n > max_index) max_index = n;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

pg_connection::pg_connection(std::string const& target, mode m) {
  // Defaults first: whatever the target names wins over them.
  char const* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  char const* values[] = {"5", "qiandao", target.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw db_error(db_error::kind::connection, "08001", "connect to PostgreSQL: " + msg);
  }
  // Durable: COMMIT returns only once the WAL is flushed. Times are text in +08:00, so the
  // session's time zone never enters a comparison.
  exec("SET synchronous_commit = on; SET client_min_messages = warning; SET statement_timeout = '30s'");
  if (m == mode::read_only) exec("SET default_transaction_read_only = on");
}

pg_connection::~pg_connection() {
  cache_.clear();
  PQfinish(conn_);
}

void pg_connection::exec(std::string_view sql) {
  std::string text(sql);
  PGresult* r = PQexec(conn_, text.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw_result(conn_, r, "exec");
  PQclear(r);
}

statement& pg_connection::prepare(std::string_view sql) {
  return cache_.get(sql, [&] { return std::make_unique<pg_statement>(*this, sql); });
}

bool pg_connection::in_transaction() const {
  auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

void pg_connection::reset_all() {
  cache_.reset_all();
}

void pg_connection::begin_write() { exec("BEGIN ISOLATION LEVEL READ COMMITTED"); }

void pg_connection::begin_snapshot() { exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

int pg_connection::schema_version() {
  auto& exists = prepare("SELECT to_regclass('qiandao_schema') IS NOT NULL");
  bool have = exists.step() && exists.get_int(0) != 0;
  exists.reset();
  if (!have) return 0;
  auto& s = prepare("SELECT version FROM qiandao_schema");
  int v = 0;
  if (s.step()) v = static_cast<int>(s.get_int(0));
  s.reset();
  return v;
}

void pg_connection::set_schema_version(int v) {
  exec("CREATE TABLE IF NOT EXISTS qiandao_schema (version integer NOT NULL); DELETE FROM qiandao_schema; "
       "INSERT INTO qiandao_schema (version) VALUES (" + std::to_string(v) + ")");
}

void pg_connection::lock_for_migration() { exec("SELECT pg_advisory_xact_lock(715127)"); }

bool pg_connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

}  // namespace qiandao::storage::postgres
