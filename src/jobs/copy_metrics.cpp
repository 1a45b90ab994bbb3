#include "jobs/copy_metrics.hpp"

namespace assetd::jobs {

metrics::Counter& copyJobsEnded(const char* state) {
  return metrics::global().counter(
      "assetd_copy_jobs_total", "uploadLocal copy attempts, by how they ended", {{"state", state}});
}

metrics::Gauge& copiesRunning() {
  static metrics::Gauge& running =
      metrics::global().gauge("assetd_copy_jobs_running", "uploadLocal copies running now");
  return running;
}

const char* copyFailureClass(std::string_view reason) {
  auto has = [reason](std::string_view word) {
    return reason.find(word) != std::string_view::npos;
  };
  if (has("timed out")) return "timeout";
  if (has("too large")) return "too_large";
  if (has("refused to connect")) return "address_refused";
  if (has("the source answered HTTP")) return "source_status";
  if (has("storing the copy failed")) return "store";
  if (has("URL") || has("only http")) return "bad_url";
  return "transfer";
}

void countCopyFailure(std::string_view reason) {
  metrics::global()
      .counter("assetd_copy_failures_total", "Failed uploadLocal copy attempts, by reason class",
               {{"reason", copyFailureClass(reason)}})
      .inc();
}

}  // namespace assetd::jobs
