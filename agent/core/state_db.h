// StateDb: the agent's one SQLite database in state_dir (WAL mode, versioned schema migrations).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/result.h"

struct sqlite3;

namespace opsagent::core {

/// One persisted alert, as the rule engine exports it. Labels and annotations are stored as
/// JSON objects so the schema does not depend on the rule engine's types.
struct AlertStateRow {
  std::string rule_key;          ///< identifies the rule across restarts (file;group;rule;labels)
  std::string labels_json;       ///< the alert's full label set
  std::string annotations_json;  ///< expanded annotations
  int state = 0;                 ///< rules::AlertState as an integer
  double value = 0;
  std::int64_t active_at_ms = 0;
  std::int64_t fired_at_ms = 0;
  std::int64_t resolved_at_ms = 0;
  std::int64_t keep_firing_since_ms = 0;
  std::int64_t last_eval_ms = 0;
};

struct AlertStateSnapshot {
  std::int64_t saved_at_ms = 0;  ///< when the rows were written (0: never)
  std::vector<AlertStateRow> rows;
};

/// Owns the connection to `<state_dir>/opsagent.db`. Migrations run in Open, each in its own
/// transaction, recorded in `PRAGMA user_version`, so an older database is upgraded in place
/// and a newer one (from a later opsagent) is refused rather than misread.
/// Thread-safety: not thread-safe; the agent uses it from its io_context thread only.
class StateDb {
 public:
  /// Creates `state_dir` (mode 0700) when missing and opens or creates the database.
  static Result<std::unique_ptr<StateDb>> Open(const std::string& state_dir);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  /// The schema version this binary writes; the database is at this version after Open.
  static int LatestSchemaVersion();
  int SchemaVersion() const;
  const std::string& path() const { return path_; }

  /// Replaces the stored alert state with `rows` in one transaction.
  Status SaveAlertState(const std::vector<AlertStateRow>& rows, std::int64_t saved_at_ms);
  Result<AlertStateSnapshot> LoadAlertState() const;

 private:
  StateDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Migrate();
  Status Exec(const char* sql) const;

  sqlite3* db_;
  std::string path_;
};

}  // namespace opsagent::core
