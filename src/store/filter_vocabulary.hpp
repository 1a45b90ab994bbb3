#pragma once
// The parts of a filter's SQL that every dialect writes alike: which column a filter field
// names and which operator a comparison is. How values are bound stays with each dialect.
#include "core/filter.hpp"

namespace assetd::store {

// " > ", " >= ", " < ", " <= " (spaces included).
const char* comparisonOperator(core::CompareOp op);
const char* numberOperator(core::NumberOp op);

// The column of a string filter field; assets are aliased `a`, tasks `t` (with their asset `a`).
const char* assetStringColumn(core::AssetStringField field);
const char* taskStringColumn(core::TaskStringField field);

}  // namespace assetd::store
