#pragma once
// The statements that write imported rows, shared by the store and the raw-insert benchmark
// so that the benchmark measures exactly the rows the server writes.
namespace assetd::store::sqlite::import_sql {

// ?1 id, ?2 project, ?3 seq, ?4 externalId, ?5 data, ?6 dataset, ?7 overlay, ?8 metadata,
// ?9 contextData, ?10 preLabel, ?11 editorType, ?12 storageId, ?13 uploadLocal, ?14 priority,
// ?15 isPreLabeled, ?16 label task id, ?17 createdBy, ?18 createdAt (also updatedAt).
inline constexpr const char* kInsertAsset =
    "INSERT INTO assets (id, project_id, seq, external_id, data, dataset, overlay, metadata,"
    " context_data, pre_label, editor_type, storage_id, upload_local, priority, is_pre_labeled,"
    " label_task_id, created_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?18)";

// ?1 id, ?2 project, ?3 asset, ?4 seq, ?5 priority, ?6 the asset's preLabel (NULL when
// absent), ?7 createdBy, ?8 createdAt (also updatedAt). The answer starts as the preLabel's
// tools, classifications and relations (arrays; anything else becomes []).
inline constexpr const char* kInsertTask =
    "INSERT INTO tasks (id, project_id, asset_id, seq, stage, status, priority, answer,"
    " created_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, 'Label', 'TODO', ?5,"
    " CASE WHEN ?6 IS NULL THEN '{\"tools\":[],\"classifications\":[],\"relations\":[]}'"
    " ELSE json_object("
    "'tools', json(CASE json_type(?6, '$.tools') WHEN 'array'"
    " THEN json_extract(?6, '$.tools') ELSE '[]' END),"
    " 'classifications', json(CASE json_type(?6, '$.classifications') WHEN 'array'"
    " THEN json_extract(?6, '$.classifications') ELSE '[]' END),"
    " 'relations', json(CASE json_type(?6, '$.relations') WHEN 'array'"
    " THEN json_extract(?6, '$.relations') ELSE '[]' END)) END,"
    " ?7, ?8, ?8)";

// ?1 asset, ?2 batch.
inline constexpr const char* kInsertAssetBatch =
    "INSERT OR IGNORE INTO asset_batches (asset_id, batch_id) VALUES (?1, ?2)";

// ?1 project, ?2 number of assets added (their seqs were next_seq .. next_seq + ?2 - 1).
inline constexpr const char* kAddAssetsToProject =
    "UPDATE projects SET asset_count = asset_count + ?2, next_seq = next_seq + ?2 WHERE id = ?1";

// ?1 asset, ?2 organization, ?3 project, ?4 source URL, ?5 status, ?6 createdAt (also
// updatedAt and the first attempt's time).
inline constexpr const char* kInsertCopyJob =
    "INSERT INTO copy_jobs (asset_id, organization_id, project_id, source_url, status,"
    " next_attempt_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)";

}  // namespace assetd::store::sqlite::import_sql
