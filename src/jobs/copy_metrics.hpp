#pragma once
// The copier's metrics: copy jobs by how their attempt ended, failures by a bounded reason
// class (the full reason goes to the asset's uploadError and the log), copies running now.
#include <string_view>

#include "metrics/registry.hpp"

namespace assetd::jobs {

// "done", "retried" (failed, tried again later), "failed" (for good), "released" (given back
// untried at shutdown).
metrics::Counter& copyJobsEnded(const char* state);
metrics::Gauge& copiesRunning();
// Counts a failure under its class: timeout, too_large, address_refused, bad_url,
// source_status, store, transfer.
void countCopyFailure(std::string_view reason);
// The class countCopyFailure counts `reason` under.
const char* copyFailureClass(std::string_view reason);

}  // namespace assetd::jobs
