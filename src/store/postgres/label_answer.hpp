#pragma once
// The answer a new label task starts with, from its asset's preLabel: the preLabel's top-level
// `tools`, `classifications` and `relations` when each is an array (minified), else [].
// Computed here rather than by PostgreSQL's JSON functions, which refuse \u0000 in strings and
// would reformat the client's JSON.
#include <string>
#include <string_view>

namespace assetd::store::postgres {

// `preLabelJson` is valid JSON text or empty (no preLabel).
std::string initialAnswer(std::string_view preLabelJson);

}  // namespace assetd::store::postgres
