// Every request-body decoder of src/api, chosen by the first byte: cloud imports (with the
// `batches` query and a project's categorySchema for the pre-label check), asset patches,
// deletes, assignBatches, projects and their patches, batch specs, chat imports (form fields
// and file) and the pre-label validator itself.
#include <optional>
#include <string>

#include <boost/json/parse.hpp>

#include "api/decode.hpp"
#include "api/prelabel.hpp"
#include "fuzz_input.hpp"
#include "http/query.hpp"

using namespace assetd;

namespace {

std::optional<std::string> optionalField(fuzz::Input& in) {
  if (in.byte() % 2 == 0) return std::nullopt;
  return std::string(in.field());
}

void cloudImport(fuzz::Input& in) {
  api::PreLabelValidator validator(in.field());
  auto batches = optionalField(in);
  std::string_view body = in.rest();
  auto decoded = api::decodeCloudImport(body, batches, validator,
                                        [](const std::string& id) { return id.size() % 2 == 0; });
  fuzz::require(decoded.validPreLabelsCount <= decoded.preLabelsCount);
}

void preLabel(fuzz::Input& in) {
  api::PreLabelValidator validator(in.field());
  boost::json::error_code ec;
  boost::json::value label = boost::json::parse(in.rest(), ec);
  if (!ec && label.is_object()) validator.isValid(label.get_object());
}

void chatImport(fuzz::Input& in) {
  auto fields = http::Params::parseForm(in.field());
  auto file = optionalField(in);
  api::decodeChatImport(fields, file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t which = in.byte();
  fuzz::rejecting([&] {
    switch (which % 10) {
      case 0:
        return cloudImport(in);
      case 1:
        return preLabel(in);
      case 2:
        return chatImport(in);
      case 3:
        api::decodeAssetPatch(in.rest());
        return;
      case 4:
        api::decodeDeleteAssets(in.rest());
        return;
      case 5:
        api::decodeAssignBatches(in.rest());
        return;
      case 6:
        api::decodeNewProject(in.rest());
        return;
      case 7:
        api::decodeProjectPatch(in.rest());
        return;
      case 8:
        api::decodeBatchSpecs(in.rest());
        return;
      default:
        api::parseBoolFlag(in.rest());
        return;
    }
  });
  return 0;
}
