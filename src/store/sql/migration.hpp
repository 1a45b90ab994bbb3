#pragma once
#include <vector>

namespace assetd::store::sql {

// One versioned schema step, compiled into the binary from src/store/<engine>/migrations/.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

}  // namespace assetd::store::sql
