#include "agent/core/state_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <filesystem>

namespace opsagent::core {
namespace {

class StateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsagent-statedb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StateDbTest, CreatesDirectoryInWalModeAtLatestSchema) {
  auto db = StateDb::Open((dir_ / "nested").string());
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ((*db)->SchemaVersion(), StateDb::LatestSchemaVersion());
  EXPECT_TRUE(std::filesystem::exists(dir_ / "nested" / "opsagent.db"));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "nested" / "opsagent.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST_F(StateDbTest, AlertStateRoundTripsAcrossReopen) {
  {
    auto db = StateDb::Open(dir_.string());
    ASSERT_TRUE(db.ok());
    AlertStateRow a{
        "f;g;HighLoad;{}", R"({"alertname":"HighLoad"})", "{}", 2, 3.5, 1000, 2000, 0, 0, 3000};
    AlertStateRow b{"f;g;Other;{}",
                    R"({"alertname":"Other"})",
                    R"({"summary":"x"})",
                    1,
                    std::nan(""),
                    5,
                    0,
                    0,
                    0,
                    6};
    ASSERT_TRUE((*db)->SaveAlertState({a, b}, 4000).ok());
    ASSERT_TRUE((*db)->SaveAlertState({a}, 5000).ok());  // replaces, not appends
  }
  auto db = StateDb::Open(dir_.string());
  ASSERT_TRUE(db.ok());
  auto snapshot = (*db)->LoadAlertState();
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->saved_at_ms, 5000);
  ASSERT_EQ(snapshot->rows.size(), 1u);
  EXPECT_EQ(snapshot->rows[0].rule_key, "f;g;HighLoad;{}");
  EXPECT_EQ(snapshot->rows[0].state, 2);
  EXPECT_DOUBLE_EQ(snapshot->rows[0].value, 3.5);
  EXPECT_EQ(snapshot->rows[0].fired_at_ms, 2000);
}

TEST_F(StateDbTest, NaNValueSurvives) {
  auto db = StateDb::Open(dir_.string());
  ASSERT_TRUE(db.ok());
  AlertStateRow row{"k", "{}", "{}", 1, std::nan(""), 1, 0, 0, 0, 1};
  ASSERT_TRUE((*db)->SaveAlertState({row}, 1).ok());
  auto snapshot = (*db)->LoadAlertState();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_TRUE(std::isnan(snapshot->rows.at(0).value));
}

TEST_F(StateDbTest, RefusesDatabaseFromNewerVersion) {
  { ASSERT_TRUE(StateDb::Open(dir_.string()).ok()); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "opsagent.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version=999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto db = StateDb::Open(dir_.string());
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("newer than this opsagent"), std::string::npos);
}

TEST_F(StateDbTest, UnwritableDirectoryIsAClearError) {
  std::filesystem::create_directories(dir_);
  std::filesystem::path file = dir_ / "plainfile";
  {
    FILE* f = fopen(file.c_str(), "w");
    fclose(f);
  }
  auto db = StateDb::Open((file / "sub").string());
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("state_dir"), std::string::npos);
}

}  // namespace
}  // namespace opsagent::core
