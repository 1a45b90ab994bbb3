// The OpenAPI document compiled into the binary describes exactly the routes of the router: every
// route registerRoutes and registerOpsRoutes add is an operation of the document, and every
// operation is a route.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>
#include <string>

#include "api/reference.hpp"
#include "api/routes.hpp"
#include "blob/local_blob_store.hpp"
#include "store/store.hpp"

namespace assetd::api {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

const json::object& document() {
  static const json::value parsed = json::parse(reference::openApiDocument());
  return parsed.as_object();
}

// A path item whose `servers` is [{"url": "/"}] lies outside the document's server, /v2.
bool atRoot(const json::object& pathItem) {
  const json::value* servers = pathItem.if_contains("servers");
  if (!servers) return false;
  const json::array& list = servers->as_array();
  return list.size() == 1 && list[0].as_object().at("url") == "/";
}

// "/project/{projectId}/assets" → "/project/{}/assets", the router's spelling.
std::string routerPattern(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      out += "{}";
      i = path.find('}', i) + 1;
    } else {
      out += path[i++];
    }
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

// "GET /v2/project/{}" for every operation of the document.
std::set<std::string> documentedRoutes() {
  std::set<std::string> out;
  for (const auto& [path, item] : document().at("paths").as_object()) {
    const json::object& pathItem = item.as_object();
    std::string pattern = (atRoot(pathItem) ? "" : "/v2") + routerPattern(path);
    for (const char* method : kMethods)
      if (pathItem.contains(method)) out.insert(upper(method) + " " + pattern);
  }
  return out;
}

// A router with every route the server registers, over a throwaway store.
class RegisteredRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("assetd-openapi-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    store_ = store::openSqliteStore((dir_ / "assetd.db").string());
    blobs_ = std::make_unique<blob::LocalBlobStore>((dir_ / "objects").string(), "assetd",
                                                    "http://127.0.0.1");
    context_ = std::make_unique<ApiContext>(ApiContext{*store_, *blobs_, {}, {}, {}});
    registerRoutes(router_, *context_);
    registerOpsRoutes(router_, *context_, OpsRoutes{[] { return false; }, true, ""});
  }
  void TearDown() override {
    context_.reset();
    blobs_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::set<std::string> registered() const {
    std::set<std::string> out;
    for (std::size_t i = 0; i < router_.routeCount(); ++i)
      out.insert(router_.routeMethod(i) + " " + router_.routePattern(i));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<blob::BlobStore> blobs_;
  std::unique_ptr<ApiContext> context_;
  http::Router router_;
};

TEST_F(RegisteredRoutes, EveryRouteIsAnOperationOfTheDocument) {
  auto documented = documentedRoutes();
  for (const auto& route : registered())
    EXPECT_TRUE(documented.count(route))
        << route << " is a route but no operation of src/api/openapi.json: add its method under"
        << " \"paths\" (a path outside /v2 carries \"servers\": [{\"url\": \"/\"}])";
}

TEST_F(RegisteredRoutes, EveryOperationOfTheDocumentIsARoute) {
  auto routes = registered();
  for (const auto& operation : documentedRoutes())
    EXPECT_TRUE(routes.count(operation))
        << operation << " is an operation of src/api/openapi.json but no route of the router";
  EXPECT_EQ(routes.size(), router_.routeCount()) << "a route is registered twice";
}

TEST(OpenApiDocument, IsOpenApi3UnderV2WithUniqueOperationIds) {
  const json::object& doc = document();
  EXPECT_EQ(doc.at("openapi"), "3.0.3");
  EXPECT_EQ(doc.at("servers").as_array().at(0).as_object().at("url"), "/v2");
  std::set<std::string> ids;
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const char* method : kMethods)
      if (const json::value* operation = item.as_object().if_contains(method)) {
        const json::object& op = operation->as_object();
        ASSERT_TRUE(op.contains("operationId")) << method << " " << path;
        EXPECT_TRUE(ids.insert(std::string(op.at("operationId").as_string())).second)
            << "operationId used twice: " << op.at("operationId");
        EXPECT_FALSE(op.at("responses").as_object().empty()) << method << " " << path;
      }
}

}  // namespace
}  // namespace assetd::api
