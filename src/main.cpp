// assetd: a self-hosted server for the Ango Hub API v2 assets routes.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>

#include "app/background_copies.hpp"
#include "app/commands.hpp"
#include "app/external_objects.hpp"
#include "app/store_config.hpp"
#include "core/error.hpp"

namespace {

std::string envOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace assetd::app;
  // A peer that goes away mid-response must cost only its own connection: writes to its socket
  // then fail with EPIPE instead of raising SIGPIPE (sendfile() cannot ask for MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
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
  serveCmd
      ->add_option("--listen", serveConfig.listen,
                   "Address to listen on, HOST:PORT (port 0 picks one)")
      ->envname("ASSETD_LISTEN")
      ->capture_default_str();
  serveCmd
      ->add_option(
          "--public-url", serveConfig.publicUrl,
          "Scheme, host and port that URLs handed to clients name (default: the listen address)")
      ->envname("ASSETD_PUBLIC_URL");
  serveCmd
      ->add_option("--max-body-bytes", serveConfig.maxBodyBytes,
                   "Largest request body accepted (413 beyond)")
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

  serveCmd
      ->add_option("--s3-access-key", serveConfig.s3AccessKey,
                   "Access key id of the built-in S3 endpoint (default: the data directory's own)")
      ->envname("ASSETD_S3_ACCESS_KEY");
  serveCmd
      ->add_option("--s3-secret-key", serveConfig.s3SecretKey,
                   "Secret key of the built-in S3 endpoint (give it with --s3-access-key)")
      ->envname("ASSETD_S3_SECRET_KEY");
  serveCmd
      ->add_option("--s3-region", serveConfig.s3Region,
                   "Region of the built-in S3 endpoint (default: us-east-1)")
      ->envname("ASSETD_S3_REGION");
  serveCmd
      ->add_option("--multipart-expiry-hours", serveConfig.multipartExpiryHours,
                   "Remove multipart uploads of the built-in S3 endpoint idle this many hours "
                   "(default: 168)")
      ->envname("ASSETD_MULTIPART_EXPIRY_HOURS")
      ->check(CLI::PositiveNumber);

  addCopyOptions(*serveCmd, serveConfig.copy);
  addOpsOptions(*serveCmd, serveConfig.ops);
  addBlobOptions(*serveCmd, serveConfig.blob);
  addDatabaseOptions(*serveCmd, serveConfig.database, true);

  std::string migrateDir = dataDirDefault;
  auto* migrateCmd = cli.add_subcommand("migrate", "Create or upgrade the database and exit");
  migrateCmd->add_option("--data-dir", migrateDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  DatabaseConfig migrateDb, adminDb;
  addDatabaseOptions(*migrateCmd, migrateDb, false);

  auto* admin = cli.add_subcommand("admin", "Organizations and API keys");
  admin->require_subcommand(1);
  std::string adminDir = dataDirDefault, orgName, orgId, keyName, keyId;
  auto* createOrg = admin->add_subcommand("create-org", "Create an organization; prints its id");
  createOrg->add_option("--data-dir", adminDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  addDatabaseOptions(*createOrg, adminDb, false);
  createOrg->add_option("--name", orgName, "Organization name")->required();
  auto* createKey = admin->add_subcommand("create-key", "Create an API key; prints it once");
  createKey->add_option("--data-dir", adminDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  addDatabaseOptions(*createKey, adminDb, false);
  createKey->add_option("--org", orgId, "Organization id")->required();
  createKey->add_option("--name", keyName, "Label for the key (recorded as createdBy)");
  auto* revokeKey = admin->add_subcommand("revoke-key", "Revoke an API key");
  revokeKey->add_option("--data-dir", adminDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  addDatabaseOptions(*revokeKey, adminDb, false);
  revokeKey->add_option("--key-id", keyId, "Key id (from create-key)")->required();

  auto* s3Credentials = admin->add_subcommand(
      "s3-credentials",
      "Print the built-in S3 endpoint's credentials, region, endpoint and bucket");
  s3Credentials->add_option("--data-dir", adminDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  addDatabaseOptions(*s3Credentials, adminDb,
                     false);  // accepted like every admin command's; unused

  std::string backupDest, restoreFrom;
  bool objectsOnly = false;
  auto* backupCmd = admin->add_subcommand(
      "backup", "Copy the data directory (records, keys, objects) while the server runs");
  backupCmd->add_option("--data-dir", adminDir, "Data directory")
      ->envname("ASSETD_DATA_DIR")
      ->capture_default_str();
  backupCmd->add_option("--to", backupDest, "New directory to write the backup into")->required();
  backupCmd->add_flag("--objects-only", objectsOnly,
                      "Keys and objects only (records in PostgreSQL: back them up with pg_dump)");
  auto* restoreCmd =
      admin->add_subcommand("restore", "Rebuild a data directory from a backup, checking it");
  restoreCmd->add_option("--from", restoreFrom, "The backup directory")->required();
  restoreCmd->add_option("--data-dir", adminDir, "New (or empty) data directory")->required();

  CLI11_PARSE(cli, argc, argv);
  try {
    if (*serveCmd) return serve(serveConfig);
    if (*migrateCmd) return migrate(migrateDb, migrateDir);
    if (*createOrg) return createOrganization(adminDb, adminDir, orgName);
    if (*createKey) return createApiKey(adminDb, adminDir, orgId, keyName);
    if (*revokeKey) return revokeApiKey(adminDb, adminDir, keyId);
    if (*s3Credentials) return printObjectCredentials(adminDir);
    if (*backupCmd) return backupDataDir(adminDir, backupDest, objectsOnly);
    if (*restoreCmd) return restoreDataDir(restoreFrom, adminDir);
  } catch (const assetd::core::ApiError& e) {
    spdlog::error("{}", e.logText());  // the cause (path, errno), not only the public message
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
