#pragma once
// Where a background copy is stored in the server's bucket:
// assets/<organization>/<project>/<assetId>/<file name of the source URL>. The asset id keeps
// copies of equally named files apart; the file name keeps the copy recognisable.
#include <string>
#include <string_view>

#include "core/copy_job.hpp"

namespace assetd::jobs {

// The last path segment of `url` (query and fragment ignored), percent-decoded, every byte
// but A-Z a-z 0-9 . _ - replaced by '_', a leading '.' too, at most 200 bytes; "file" when
// nothing is left.
std::string copyFileName(std::string_view url);

std::string copyObjectKey(const core::CopyJob& job);

}  // namespace assetd::jobs
