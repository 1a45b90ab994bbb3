#pragma once
// The batches an import names, resolved the same way by every engine: each distinct ref is
// looked up (or its batch created) once per request, and the error path of a ref is only
// spelled out when it is looked up.
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/types.hpp"

namespace assetd::store::sql {

class ImportBatches {
 public:
  // findOrCreate(ref, path) returns the id of the project's batch `ref`, creating it when the
  // engine's rules allow, and throws ApiError 400 naming `path` when they do not.
  using FindOrCreate = std::function<std::string(const std::string& ref, const std::string& path)>;

  // Resolves the request's common batches (request.commonBatchRefs) at once.
  ImportBatches(const core::ImportRequest& request, FindOrCreate findOrCreate);

  // The batch ids of request.assets[i]: the common ones, then its own, each once. Valid until
  // the next call.
  const std::vector<const std::string*>& of(std::size_t i);

 private:
  // `path()` spells the ref's error path; it is only called on a miss.
  template <class Path>
  const std::string& resolve(const std::string& ref, const Path& path);

  const core::ImportRequest& request_;
  FindOrCreate findOrCreate_;
  std::unordered_map<std::string, std::string> idOfRef_;
  std::vector<const std::string*> common_;
  std::vector<const std::string*> current_;
};

}  // namespace assetd::store::sql
