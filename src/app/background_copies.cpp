#include "app/background_copies.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <stdexcept>

namespace assetd::app {

void addCopyOptions(CLI::App& serve, CopyConfig& config) {
  serve.add_option("--copy-workers", config.workers, "uploadLocal copies running at once")
      ->envname("ASSETD_COPY_WORKERS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve
      .add_option("--copy-max-attempts", config.maxAttempts,
                  "Tries of a copy that keeps failing for a reason worth retrying")
      ->envname("ASSETD_COPY_MAX_ATTEMPTS")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  serve
      .add_option("--copy-max-bytes", config.maxBytes,
                  "Largest file an uploadLocal copy stores (larger ones fail as too large)")
      ->envname("ASSETD_COPY_MAX_BYTES")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 42))
      ->capture_default_str();
  serve
      .add_option("--copy-timeout", config.timeoutSeconds,
                  "Seconds one copy may take, redirects included (then it is retried)")
      ->envname("ASSETD_COPY_TIMEOUT")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  serve
      .add_option("--copy-lease-seconds", config.leaseSeconds,
                  "Seconds a node's claim on a copy lasts unless renewed (it renews every third "
                  "of it while copying): a dead node's copies are taken over after that")
      ->envname("ASSETD_COPY_LEASE_SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      .add_option("--copy-allow", config.allow,
                  "CIDR that copies may reach although it is loopback, private or link-local "
                  "(repeatable)")
      ->envname("ASSETD_COPY_ALLOW")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            try {
              jobs::Cidr::parse(value);
              return "";
            } catch (const std::invalid_argument& e) {
              return e.what();
            }
          },
          "CIDR"));
}

std::unique_ptr<jobs::Copier> startBackgroundCopies(const CopyConfig& config, store::Store& store,
                                                    blob::BlobStore& blobs) {
  jobs::CopierOptions options;
  options.workers = config.workers;
  options.maxAttempts = config.maxAttempts;
  options.fetch.maxBytes = config.maxBytes;
  options.fetch.timeout = std::chrono::seconds(config.timeoutSeconds);
  options.lease = std::chrono::seconds(config.leaseSeconds);
  std::vector<jobs::Cidr> allowed;
  for (const auto& cidr : config.allow) allowed.push_back(jobs::Cidr::parse(cidr));
  options.fetch.policy = jobs::AddressPolicy(std::move(allowed));
  auto copier = std::make_unique<jobs::Copier>(store, blobs, std::move(options));
  copier->start();
  spdlog::info(
      "background copies: {} workers, at most {} attempts, {} bytes, {} s each, {} s leases",
      config.workers, config.maxAttempts, config.maxBytes, config.timeoutSeconds,
      config.leaseSeconds);
  return copier;
}

}  // namespace assetd::app
