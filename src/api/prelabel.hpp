#pragma once
// Pre-label checks against a project's categorySchema (CONTRACT.md: validPreLabelsCount).
#include <memory>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace assetd::api {

class PreLabelValidator {
 public:
  // `categorySchemaJson`: the project's categorySchema object ({"tools":[...],
  // "classifications":[...], "relations":[...]}); anything unusable is treated as empty.
  explicit PreLabelValidator(std::string_view categorySchemaJson);
  ~PreLabelValidator();
  PreLabelValidator(const PreLabelValidator&) = delete;
  PreLabelValidator& operator=(const PreLabelValidator&) = delete;

  // True when every tool, classification and relation of `preLabel` names a schemaId (or
  // title) of the schema's matching category and each tool carries that tool's geometry.
  bool isValid(const boost::json::object& preLabel) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace assetd::api
