#include "store/sql/batch_refs.hpp"

#include <algorithm>

namespace assetd::store::sql {
namespace {

void addUnique(std::vector<const std::string*>& ids, const std::string& id) {
  if (std::none_of(ids.begin(), ids.end(), [&](const std::string* x) { return *x == id; }))
    ids.push_back(&id);
}

}  // namespace

template <class Path>
const std::string& ImportBatches::resolve(const std::string& ref, const Path& path) {
  if (auto it = idOfRef_.find(ref); it != idOfRef_.end()) return it->second;
  return idOfRef_.emplace(ref, findOrCreate_(ref, path())).first->second;
}

ImportBatches::ImportBatches(const core::ImportRequest& request, FindOrCreate findOrCreate)
    : request_(request), findOrCreate_(std::move(findOrCreate)) {
  for (std::size_t j = 0; j < request.commonBatchRefs.size(); ++j)
    addUnique(common_, resolve(request.commonBatchRefs[j],
                               [j] { return "batches[" + std::to_string(j) + "]"; }));
}

const std::vector<const std::string*>& ImportBatches::of(std::size_t i) {
  current_ = common_;
  const auto& refs = request_.assets[i].batchRefs;
  for (std::size_t j = 0; j < refs.size(); ++j)
    addUnique(current_, resolve(refs[j], [i, j] {
                return "assets[" + std::to_string(i) + "].batches[" + std::to_string(j) + "]";
              }));
  return current_;
}

}  // namespace assetd::store::sql
