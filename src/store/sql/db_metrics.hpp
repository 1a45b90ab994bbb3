#pragma once
// The database's metrics: waits for a pooled connection and failed statements, per engine.
#include "metrics/registry.hpp"

namespace assetd::store::sql {

// `engine` is "sqlite" or "postgresql".
inline metrics::Counter& statementErrors(const char* engine) {
  return metrics::global().counter("assetd_db_statement_errors_total",
                                   "Database statements that failed, by engine",
                                   {{"engine", engine}});
}

inline metrics::Histogram& poolWaitSeconds() {
  static metrics::Histogram& waits = metrics::global().histogram(
      "assetd_db_pool_wait_seconds",
      "Seconds a caller waited for a pooled database connection (only those that had to wait)");
  return waits;
}

}  // namespace assetd::store::sql
