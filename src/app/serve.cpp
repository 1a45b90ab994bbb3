// `assetd serve`: the composition root. Opens the store and the object area of the data
// directory, wires the routes and runs the HTTP server until a signal stops it.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "api/routes.hpp"
#include "app/background_copies.hpp"
#include "app/builtin_objects.hpp"
#include "app/commands.hpp"
#include "app/credentials.hpp"
#include "app/external_objects.hpp"
#include "app/store_config.hpp"
#include "blob/blob_store.hpp"
#include "core/json_text.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"
#include "ops/rate_limits.hpp"
#include "ops/request_log.hpp"
#include "sign/secrets.hpp"
#include "store/store.hpp"

namespace assetd::app {
namespace {

constexpr const char* kBucket = "assetd";

struct FirstStart {
  std::string organizationId;
  std::string projectId;
  std::string apiKey;
};

// A new database (no organization yet) gets an organization, a key and a demo project, so that
// a new user can make a first request straight away.
FirstStart bootstrap(store::Store& store) {
  FirstStart out;
  out.organizationId = store.createOrganization("default").id;
  out.apiKey = issueApiKey(store, out.organizationId, "admin").secret;
  core::NewProject demo;
  demo.name = "Demo project";
  demo.description = "Created on first start";
  demo.categorySchemaJson = R"({"tools":[],"classifications":[],"relations":[]})";
  out.projectId = store.createProject(out.organizationId, demo).id;
  return out;
}

void printReady(const std::string& url, const std::optional<FirstStart>& first) {
  std::string line = "assetd ready {\"url\":";
  core::appendJsonString(line, url);
  if (first) {
    std::printf(
        "assetd: first start: created an organization, an API key and a demo project.\n"
        "  API key (shown once): %s\n"
        "  Project id:           %s\n"
        "  Try: curl -H 'apikey: %s' %s/v2/project/%s\n",
        first->apiKey.c_str(), first->projectId.c_str(), first->apiKey.c_str(), url.c_str(),
        first->projectId.c_str());
    line += ",\"organizationId\":\"" + first->organizationId + "\",\"projectId\":\"" +
            first->projectId + "\",\"apiKey\":\"" + first->apiKey + "\"";
  }
  line += "}";
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void countBuildInfo() {
  metrics::global()
      .gauge("assetd_build_info", "The running build: version, commit and compiler (always 1)",
             {{"version", ASSETD_VERSION}, {"commit", ASSETD_COMMIT}, {"compiler", __VERSION__}})
      .set(1);
}

}  // namespace

int serve(const ServeConfig& config) {
  ops::configureLogging(config.ops.logFormat == "json" ? ops::LogFormat::json
                                                       : ops::LogFormat::text);
  countBuildInfo();
  auto listen = parseListen(config.listen);
  std::filesystem::create_directories(config.dataDir);
  auto store = openConfiguredStore(config.database, config.dataDir);
  // Before anything listens: a malformed ASSETD_MASTER_KEY or an unsafe key file stops the start.
  auto masterKey =
      sign::secrets::MasterKey::load(config.dataDir, std::getenv(sign::secrets::kMasterKeyEnv));
  std::optional<FirstStart> first;
  initializeIfEmpty(config.database, config.dataDir, [&] { first = bootstrap(*store); });

  http::ServerOptions options;
  options.host = listen.host;
  options.port = listen.port;
  options.maxBodyBytes = config.maxBodyBytes;
  options.ioThreads = config.ioThreads;
  options.workerThreads = config.workerThreads;
  options.maxConnections = config.ops.maxConnections;
  options.headerTimeoutSeconds = config.ops.headerTimeoutSeconds;
  options.idleTimeoutSeconds = config.ops.idleTimeoutSeconds;
  options.bodyTimeoutSeconds = config.ops.bodyTimeoutSeconds;
  options.drainSeconds = config.ops.drainSeconds;
  options.requestIds = config.ops.requestIds;
  options.metrics = config.ops.metrics;

  http::Router router;
  // The server is built before the blob store because signed URLs must name the bound port.
  http::Server server(options, router);
  std::uint16_t port = server.listen();
  std::string hostForUrl =
      listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
  if (hostForUrl == "0.0.0.0") hostForUrl = "127.0.0.1";
  std::string url = "http://" + hostForUrl + ":" + std::to_string(port);
  std::string publicUrl = config.publicUrl.empty() ? url : config.publicUrl;

  // An external S3 service (--blob s3://…) when one is configured; otherwise the embedded store,
  // served S3-style on every path outside /v2.
  auto external = openExternalObjectStore(config.blob, config.dataDir);
  BuiltinObjectStore builtin;
  ops::RateLimits limits(config.ops.rate);
  if (!external) builtin = startBuiltinObjectStore(config, kBucket, publicUrl, server, &limits);
  blob::BlobStore* blobs = external ? external->store.get() : builtin.store.get();
  api::ObjectStoreAccess objects = external ? external->access : builtin.access;
  if (external) spdlog::info("objects in bucket {} at {}", objects.bucket, objects.publicUrl);
  api::ApiContext context{*store, *blobs, objects, masterKey, {}, &limits};
  // uploadLocal copies run beside the server; stopping gives unfinished ones back for next start.
  auto copier = startBackgroundCopies(config.copy, *store, *blobs);
  context.copiesQueued = [&copier] { copier->wake(); };
  api::registerRoutes(router, context);
  api::registerOpsRoutes(
      router, context,
      {[&server] { return server.draining(); }, config.ops.metrics, config.ops.metricsToken});

  printReady(url, first);
  spdlog::info("assetd serving {} (data in {})", url, config.dataDir);
  server.run();
  copier->stop();
  spdlog::info("assetd stopped");
  return 0;
}

}  // namespace assetd::app
