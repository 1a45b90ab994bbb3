#include "store/filter_vocabulary.hpp"

namespace assetd::store {

const char* comparisonOperator(core::CompareOp op) {
  using core::CompareOp;
  switch (op) {
    case CompareOp::Gt:
      return " > ";
    case CompareOp::Gte:
      return " >= ";
    case CompareOp::Lt:
      return " < ";
    case CompareOp::Lte:
      return " <= ";
  }
  return " = ";
}

const char* numberOperator(core::NumberOp op) {
  using core::NumberOp;
  return op == NumberOp::Eq    ? " = "
         : op == NumberOp::Ne  ? " <> "
         : op == NumberOp::Gt  ? " > "
         : op == NumberOp::Gte ? " >= "
         : op == NumberOp::Lt  ? " < "
                               : " <= ";
}

const char* assetStringColumn(core::AssetStringField field) {
  using core::AssetStringField;
  return field == AssetStringField::Id           ? "a.id"
         : field == AssetStringField::ExternalId ? "a.external_id"
         : field == AssetStringField::CreatedBy  ? "a.created_by"
                                                 : "a.editor_type";
}

const char* taskStringColumn(core::TaskStringField field) {
  using core::TaskStringField;
  return field == TaskStringField::Id           ? "t.id"
         : field == TaskStringField::Stage      ? "t.stage"
         : field == TaskStringField::Status     ? "t.status"
         : field == TaskStringField::ExternalId ? "a.external_id"
         : field == TaskStringField::Asset      ? "t.asset_id"
                                                : "t.created_by";
}

}  // namespace assetd::store
