#pragma once
// Records rendered as the JSON the API returns. Free-form fields are stored as JSON text and
// spliced in as they are, so listing never re-parses them.
#include <string>

#include "core/types.hpp"

namespace assetd::api {

void renderAsset(std::string& out, const core::Asset& asset);
void renderProject(std::string& out, const core::Project& project);
void renderBatches(std::string& out, const std::vector<core::Batch>& batches);
// `fields`: render only these keys (plus _id, project, asset); empty means all.
void renderTask(std::string& out, const core::Task& task, bool includeAnswer,
                const std::vector<std::string>& fields = {});
void renderStringArray(std::string& out, const std::vector<std::string>& items);

}  // namespace assetd::api
