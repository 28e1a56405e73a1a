// StateDb implementation on the SQLite C API.
#include "agent/core/state_db.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

namespace opsagent::core {
namespace {

// Each entry upgrades the schema from version i to i + 1. Never edit a shipped migration: add a
// new one, so every database in the field reaches the same schema by the same steps.
constexpr const char* kMigrations[] = {
    // 1: alert state of the rule engine (issue: rule engine), restored after a restart.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE alert_state (
  rule_key             TEXT NOT NULL,
  labels_json          TEXT NOT NULL,
  annotations_json     TEXT NOT NULL,
  state                INTEGER NOT NULL,
  value                REAL,
  active_at_ms         INTEGER NOT NULL,
  fired_at_ms          INTEGER NOT NULL,
  resolved_at_ms       INTEGER NOT NULL,
  keep_firing_since_ms INTEGER NOT NULL,
  last_eval_ms         INTEGER NOT NULL,
  PRIMARY KEY (rule_key, labels_json)
) STRICT;
)sql",
};
constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

// The table is rewritten every evaluation; a bound keeps a runaway rule from growing it without
// limit (the rule engine's own `limit` usually applies first).
constexpr std::size_t kMaxAlertRows = 100000;

// Finalizes a statement on every path.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

std::string ColumnText(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

Error DbError(sqlite3* db, const std::string& what) {
  return Error{what + ": " + sqlite3_errmsg(db)};
}

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::Open(const std::string& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return Error{"state_dir " + state_dir + ": cannot create: " + ec.message()};
  ::chmod(state_dir.c_str(), 0700);  // alert labels may carry hostnames and paths
  std::string path = (std::filesystem::path(state_dir) / "opsagent.db").string();
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<StateDb> db(new StateDb(raw, path));
  if (rc != SQLITE_OK) return DbError(raw, "state database " + path);
  // Another process holding a write lock (a second agent) makes us wait this long, not forever.
  sqlite3_busy_timeout(raw, 2000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    if (Status s = db->Exec(pragma); !s.ok()) return Error{path + ": " + s.message()};
  }
  if (Status s = db->Migrate(); !s.ok()) return Error{path + ": " + s.message()};
  return db;
}

StateDb::~StateDb() { sqlite3_close(db_); }

int StateDb::LatestSchemaVersion() { return kLatestVersion; }

int StateDb::SchemaVersion() const {
  Statement stmt(db_, "PRAGMA user_version");
  if (!stmt.ok() || sqlite3_step(stmt.get()) != SQLITE_ROW) return -1;
  return sqlite3_column_int(stmt.get(), 0);
}

Status StateDb::Exec(const char* sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return Error{text};
  }
  return Status::Ok();
}

Status StateDb::Migrate() {
  int version = SchemaVersion();
  if (version < 0) return DbError(db_, "reading schema version");
  if (version > kLatestVersion) {
    return Error{"schema version " + std::to_string(version) + " is newer than this opsagent (" +
                 std::to_string(kLatestVersion) + "); refusing to use it"};
  }
  for (int v = version; v < kLatestVersion; ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[v] +
                      "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (Status s = Exec(sql.c_str()); !s.ok()) {
      (void)Exec("ROLLBACK");
      return Error{"migration to schema version " + std::to_string(v + 1) + ": " + s.message()};
    }
  }
  return Status::Ok();
}

Status StateDb::SaveAlertState(const std::vector<AlertStateRow>& rows, std::int64_t saved_at_ms) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](const std::string& what) {
    Error error = DbError(db_, what);
    (void)Exec("ROLLBACK");
    return error;
  };
  if (!Exec("DELETE FROM alert_state").ok()) return fail("clearing alert_state");
  Statement insert(db_,
                   "INSERT OR REPLACE INTO alert_state VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                   "?9, ?10)");
  if (!insert.ok()) return fail("preparing alert_state insert");
  std::size_t count = std::min(rows.size(), kMaxAlertRows);
  for (std::size_t i = 0; i < count; ++i) {
    const AlertStateRow& row = rows[i];
    sqlite3_stmt* st = insert.get();
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, row.rule_key.data(), static_cast<int>(row.rule_key.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 2, row.labels_json.data(), static_cast<int>(row.labels_json.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row.annotations_json.data(),
                      static_cast<int>(row.annotations_json.size()), SQLITE_STATIC);
    sqlite3_bind_int(st, 4, row.state);
    sqlite3_bind_double(st, 5, row.value);  // SQLite stores NaN as NULL; read back as NaN
    sqlite3_bind_int64(st, 6, row.active_at_ms);
    sqlite3_bind_int64(st, 7, row.fired_at_ms);
    sqlite3_bind_int64(st, 8, row.resolved_at_ms);
    sqlite3_bind_int64(st, 9, row.keep_firing_since_ms);
    sqlite3_bind_int64(st, 10, row.last_eval_ms);
    if (sqlite3_step(st) != SQLITE_DONE) return fail("writing alert_state");
  }
  Statement meta(db_, "INSERT OR REPLACE INTO meta VALUES ('alert_state_saved_at_ms', ?1)");
  std::string saved = std::to_string(saved_at_ms);
  sqlite3_bind_text(meta.get(), 1, saved.c_str(), -1, SQLITE_TRANSIENT);
  if (!meta.ok() || sqlite3_step(meta.get()) != SQLITE_DONE) return fail("writing meta");
  if (Status s = Exec("COMMIT"); !s.ok()) return fail("committing alert_state");
  return Status::Ok();
}

Result<AlertStateSnapshot> StateDb::LoadAlertState() const {
  AlertStateSnapshot snapshot;
  {
    Statement meta(db_, "SELECT value FROM meta WHERE key = 'alert_state_saved_at_ms'");
    if (!meta.ok()) return DbError(db_, "reading meta");
    if (sqlite3_step(meta.get()) == SQLITE_ROW) {
      snapshot.saved_at_ms = std::stoll(ColumnText(meta.get(), 0));
    }
  }
  Statement select(db_, "SELECT * FROM alert_state ORDER BY rule_key, labels_json");
  if (!select.ok()) return DbError(db_, "reading alert_state");
  sqlite3_stmt* st = select.get();
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    AlertStateRow row;
    row.rule_key = ColumnText(st, 0);
    row.labels_json = ColumnText(st, 1);
    row.annotations_json = ColumnText(st, 2);
    row.state = sqlite3_column_int(st, 3);
    row.value = sqlite3_column_type(st, 4) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                          : sqlite3_column_double(st, 4);
    row.active_at_ms = sqlite3_column_int64(st, 5);
    row.fired_at_ms = sqlite3_column_int64(st, 6);
    row.resolved_at_ms = sqlite3_column_int64(st, 7);
    row.keep_firing_since_ms = sqlite3_column_int64(st, 8);
    row.last_eval_ms = sqlite3_column_int64(st, 9);
    snapshot.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return DbError(db_, "reading alert_state");
  return snapshot;
}

}  // namespace opsagent::core
