// assetd: a self-hosted server for the Ango Hub API v2 assets routes.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "app/commands.hpp"
#include "core/error.hpp"

namespace {

std::string envOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace assetd::app;
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(spdlog::stderr_color_mt("assetd"));

  CLI::App cli{"assetd: a self-hosted server for the Ango Hub API v2 (assets)"};
  cli.require_subcommand(1);
  std::string dataDirDefault = envOr("ASSETD_DATA_DIR", "./data");

  ServeConfig serveConfig;
  serveConfig.dataDir = dataDirDefault;
  auto* serveCmd = cli.add_subcommand("serve", "Run the HTTP server");
  serveCmd->add_option("--data-dir", serveConfig.dataDir, "Data directory (records and objects)")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  serveCmd->add_option("--listen", serveConfig.listen, "Address to listen on, HOST:PORT (port 0 picks one)")
      ->envname("ASSETD_LISTEN")
      ->capture_default_str();
  serveCmd->add_option("--public-url", serveConfig.publicUrl,
                       "Scheme, host and port that URLs handed to clients name (default: the listen address)")
      ->envname("ASSETD_PUBLIC_URL");
  serveCmd->add_option("--max-body-bytes", serveConfig.maxBodyBytes, "Largest request body accepted (413 beyond)")
      ->envname("ASSETD_MAX_BODY_BYTES")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 34))
      ->capture_default_str();
  serveCmd->add_option("--io-threads", serveConfig.ioThreads, "Threads doing network I/O")
      ->envname("ASSETD_IO_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serveCmd->add_option("--workers", serveConfig.workerThreads, "Threads running request handlers")
      ->envname("ASSETD_WORKERS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  std::string migrateDir = dataDirDefault;
  auto* migrateCmd = cli.add_subcommand("migrate", "Create or upgrade the database and exit");
  migrateCmd->add_option("--data-dir", migrateDir, "Data directory")->envname("ASSETD_DATA_DIR")->capture_default_str();

  auto* admin = cli.add_subcommand("admin", "Organizations and API keys");
  admin->require_subcommand(1);
  std::string adminDir = dataDirDefault, orgName, orgId, keyName, keyId;
  auto* createOrg = admin->add_subcommand("create-org", "Create an organization; prints its id");
  createOrg->add_option("--data-dir", adminDir, "Data directory")->envname("ASSETD_DATA_DIR")->capture_default_str();
  createOrg->add_option("--name", orgName, "Organization name")->required();
  auto* createKey = admin->add_subcommand("create-key", "Create an API key; prints it once");
  createKey->add_option("--data-dir", adminDir, "Data directory")->envname("ASSETD_DATA_DIR")->capture_default_str();
  createKey->add_option("--org", orgId, "Organization id")->required();
  createKey->add_option("--name", keyName, "Label for the key (recorded as createdBy)");
  auto* revokeKey = admin->add_subcommand("revoke-key", "Revoke an API key");
  revokeKey->add_option("--data-dir", adminDir, "Data directory")->envname("ASSETD_DATA_DIR")->capture_default_str();
  revokeKey->add_option("--key-id", keyId, "Key id (from create-key)")->required();

  CLI11_PARSE(cli, argc, argv);
  try {
    if (*serveCmd) return serve(serveConfig);
    if (*migrateCmd) return migrate(migrateDir);
    if (*createOrg) return createOrganization(adminDir, orgName);
    if (*createKey) return createApiKey(adminDir, orgId, keyName);
    if (*revokeKey) return revokeApiKey(adminDir, keyId);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
