// importAssets: the hot write path. One transaction for the whole request: the project row is
// locked while its seqs are reserved (so imports from many nodes take turns and seqs stay
// dense), then every table gets its rows in one multi-row INSERT ... SELECT FROM unnest(...).
// Imports into one project are therefore serialized by that lock, so the time it is held is
// what bounds their rate: a request without batches or uploadLocal copies sends the
// reservation and both inserts as one statement, built before the lock is taken.
#include <algorithm>

#include "core/ids.hpp"
#include "store/postgres/label_answer.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/records.hpp"
#include "store/postgres/text_codec.hpp"
#include "store/sql/batch_refs.hpp"

// The store's methods are specializations of sql::SqlStore, written with the engine's names.
namespace assetd::store::sql {
using namespace postgres;
namespace {

constexpr const char* kDefaultAnswer = R"({"tools":[],"classifications":[],"relations":[]})";

// $1 project, $2 number of assets, $3 the time of the import. Returns the first reserved seq
// and the creation time: never earlier than the project's newest asset, so that times follow
// seqs whichever node's clock is ahead.
constexpr const char* kReserve =
    "UPDATE projects SET next_seq = next_seq + $3, asset_count = asset_count + $3,"
    " last_asset_at = GREATEST(last_asset_at, $4)"
    " WHERE id = $1 AND organization_id = $2 AND NOT deleted"
    " RETURNING next_seq - $3, last_asset_at";

// $1 project, $2 first seq, $3 createdBy, $4 createdAt, then one array per column. A metadata
// document only differs from the metadata text when jsonbSafe changed it.
constexpr const char* kInsertAssets =
    "INSERT INTO assets (id, project_id, seq, external_id, data, dataset, overlay, metadata,"
    " metadata_doc, context_data, pre_label, editor_type, storage_id, upload_local, priority,"
    " is_pre_labeled, label_task_id, created_by, created_at, updated_at)"
    " SELECT u.id, $1, $2 + u.n - 1, u.external_id, u.data, u.dataset, u.overlay, u.metadata,"
    " COALESCE(u.doc, u.metadata)::jsonb, u.context_data, u.pre_label, u.editor_type,"
    " u.storage_id, u.upload_local, u.priority, u.is_pre_labeled, u.task_id, $3, $4, $4"
    " FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],"
    " $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::boolean[],"
    " $17::float8[], $18::boolean[], $19::text[]) WITH ORDINALITY AS u(id, external_id, data,"
    " dataset, overlay, metadata, doc, context_data, pre_label, editor_type, storage_id,"
    " upload_local, priority, is_pre_labeled, task_id, n)";

// $1 project, $2 first seq, $3 createdBy, $4 createdAt, $5 the default answer, then arrays:
// task ids, asset ids, priorities, answers (NULL: the default).
constexpr const char* kInsertTasks =
    "INSERT INTO tasks (id, project_id, asset_id, seq, stage, status, priority, answer,"
    " created_by, created_at, updated_at)"
    " SELECT u.id, $1, u.asset_id, $2 + u.n - 1, 'Label', 'TODO', u.priority,"
    " COALESCE(u.answer, $5), $3, $4, $4"
    " FROM unnest($6::text[], $7::text[], $8::float8[], $9::text[])"
    " WITH ORDINALITY AS u(id, asset_id, priority, answer, n)";

// The plain import in one statement: kReserve, kInsertAssets and kInsertTasks as data-modifying
// CTEs sharing the reserved seqs. The foreign keys of tasks on assets are checked at the end of
// the statement, when the sibling INSERT's rows exist. $1 project, $2 organization, $3 number of
// assets, $4 the time of the import, $5 createdBy, $6 the default answer, then one array per
// column as in kInsertAssets ($7..$21, $21 the task ids) and the answers ($22). Returns no row
// when the project does not exist.
constexpr const char* kImportPlain =
    "WITH reserved AS (UPDATE projects SET next_seq = next_seq + $3,"
    " asset_count = asset_count + $3, last_asset_at = GREATEST(last_asset_at, $4)"
    " WHERE id = $1 AND organization_id = $2 AND NOT deleted"
    " RETURNING next_seq - $3 AS first_seq, last_asset_at AS now),"
    " new_assets AS (INSERT INTO assets (id, project_id, seq, external_id, data, dataset, overlay,"
    " metadata, metadata_doc, context_data, pre_label, editor_type, storage_id, upload_local,"
    " priority, is_pre_labeled, label_task_id, created_by, created_at, updated_at)"
    " SELECT u.id, $1, r.first_seq + u.n - 1, u.external_id, u.data, u.dataset, u.overlay,"
    " u.metadata, COALESCE(u.doc, u.metadata)::jsonb, u.context_data, u.pre_label, u.editor_type,"
    " u.storage_id, u.upload_local, u.priority, u.is_pre_labeled, u.task_id, $5, r.now, r.now"
    " FROM reserved r, unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
    " $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],"
    " $18::boolean[], $19::float8[], $20::boolean[], $21::text[]) WITH ORDINALITY AS u(id,"
    " external_id, data, dataset, overlay, metadata, doc, context_data, pre_label, editor_type,"
    " storage_id, upload_local, priority, is_pre_labeled, task_id, n)),"
    " new_tasks AS (INSERT INTO tasks (id, project_id, asset_id, seq, stage, status, priority,"
    " answer, created_by, created_at, updated_at)"
    " SELECT u.id, $1, u.asset_id, r.first_seq + u.n - 1, 'Label', 'TODO', u.priority,"
    " COALESCE(u.answer, $6), $5, r.now, r.now"
    " FROM reserved r, unnest($21::text[], $7::text[], $19::float8[], $22::text[])"
    " WITH ORDINALITY AS u(id, asset_id, priority, answer, n))"
    " SELECT first_seq FROM reserved";

constexpr const char* kInsertLinks =
    "INSERT INTO asset_batches (asset_id, batch_id)"
    " SELECT * FROM unnest($1::text[], $2::text[])";

// $1 organization, $2 project, $3 createdAt (also the first attempt's time), then arrays:
// asset ids, source URLs, statuses.
constexpr const char* kInsertCopyJobs =
    "INSERT INTO copy_jobs (asset_id, organization_id, project_id, source_url, status,"
    " next_attempt_at, created_at, updated_at)"
    " SELECT u.asset_id, $1, $2, u.source_url, u.status, $3, $3, $3"
    " FROM unnest($4::text[], $5::text[], $6::text[]) AS u(asset_id, source_url, status)";

// What each asset needs that the transaction does not decide, computed once (not per retry).
struct Prepared {
  std::vector<std::string> metadataDocs;  // jsonbSafe(metadata), empty when unchanged
  std::vector<std::string> answers;       // empty: the default answer
};

Prepared prepare(const core::ImportRequest& request) {
  Prepared p;
  p.metadataDocs.reserve(request.assets.size());
  p.answers.reserve(request.assets.size());
  for (const auto& a : request.assets) {
    std::string doc = jsonbSafe(a.metadataJson);
    p.metadataDocs.push_back(doc == a.metadataJson ? std::string() : std::move(doc));
    p.answers.push_back(a.preLabelJson.empty() ? std::string() : initialAnswer(a.preLabelJson));
  }
  return p;
}

// The assets' and their tasks' columns as array parameters, one element per asset.
struct AssetColumns {
  ArrayParam ids, externalIds, data, datasets, overlays, metadata, docs, contexts, preLabels,
      editors, storages, uploadLocal, priorities, preLabeled, taskIds, answers;

  void add(const core::NewAsset& a, const std::string& assetId, const std::string& doc,
           const std::string& answer) {
    ids.text(assetId);
    externalIds.text(a.externalId);
    data.text(a.data);
    datasets.textOrNull(a.datasetJson);
    overlays.textOrNull(a.overlayJson);
    metadata.text(a.metadataJson.empty() ? std::string_view("{}") : a.metadataJson);
    docs.textOrNull(doc);
    contexts.textOrNull(a.contextDataJson);
    preLabels.textOrNull(a.preLabelJson);
    editors.text(a.editorType);
    storages.textOrNull(a.storageId);
    uploadLocal.boolean(a.uploadLocal);
    priorities.real(a.priority);
    preLabeled.boolean(a.isPreLabeled);
    taskIds.text(core::newObjectId());
    answers.textOrNull(answer);
  }

  // The asset columns in kInsertAssets' (and kImportPlain's) order.
  Params& addAssetArrays(Params& params) const {
    return params.array(ids)
        .array(externalIds)
        .array(data)
        .array(datasets)
        .array(overlays)
        .array(metadata)
        .array(docs)
        .array(contexts)
        .array(preLabels)
        .array(editors)
        .array(storages)
        .array(uploadLocal)
        .array(priorities)
        .array(preLabeled)
        .array(taskIds);
  }
};

// Neither batches to resolve nor copy jobs to write: kImportPlain can do the whole request.
bool isPlain(const core::ImportRequest& request) {
  if (!request.commonBatchRefs.empty()) return false;
  return std::none_of(request.assets.begin(), request.assets.end(), [](const core::NewAsset& a) {
    return !a.batchRefs.empty() || a.uploadLocal;
  });
}

}  // namespace

template <>
core::ImportResult PostgresStore::importAssets(const std::string& org, const std::string& projectId,
                                               const core::ImportRequest& request) {
  const auto count = static_cast<std::int64_t>(request.assets.size());
  const Prepared prepared = prepare(request);
  const std::int64_t clock = engine_.writeClock();

  if (isPlain(request)) {
    // Everything is built before the statement, so the project row is locked only while the
    // statement runs and commits. Ids are therefore made before the lock: two requests of one
    // node may take their seqs in the other order than their ids (lists order by seq).
    core::ImportResult result;
    result.assetIds.reserve(request.assets.size());
    AssetColumns columns;
    for (std::size_t i = 0; i < request.assets.size(); ++i) {
      const core::NewAsset& a = request.assets[i];
      const std::string& assetId =
          result.assetIds.emplace_back(a.id.empty() ? core::newObjectId() : a.id);
      columns.add(a, assetId, prepared.metadataDocs[i], prepared.answers[i]);
    }
    Params params;
    params.text(projectId)
        .text(org)
        .integer(count)
        .integer(clock)
        .text(request.createdBy)
        .text(kDefaultAnswer);
    columns.addAssetArrays(params).array(columns.answers);
    const bool found = engine_.run(Mode::Write, [&](Connection& conn) {
      return conn.execPrepared(kImportPlain, params).rows() > 0;
    });
    if (!found) throw core::ApiError::notFound("project " + projectId);
    result.assetsCreated = result.tasksCreated = count;
    return result;
  }

  return engine_.run(Mode::Write, [&](Connection& conn) {
    auto reserved = conn.execPrepared(
        kReserve, Params().text(projectId).text(org).integer(count).integer(clock));
    if (reserved.rows() == 0) throw core::ApiError::notFound("project " + projectId);
    const std::int64_t firstSeq = reserved.integer(0, 0);
    const std::int64_t now = reserved.integer(0, 1);

    sql::ImportBatches batches(request, [&](const std::string& ref, const std::string& path) {
      return findOrCreateBatch(conn, projectId, ref, now, path);
    });

    core::ImportResult result;
    result.assetIds.reserve(request.assets.size());
    AssetColumns columns;
    ArrayParam linkAssets, linkBatches, jobAssets, jobSources, jobStatuses;
    for (std::size_t i = 0; i < request.assets.size(); ++i) {
      const core::NewAsset& a = request.assets[i];
      const auto& batchIds = batches.of(i);
      // Made while the project is locked, so that this node's ids rise with the seqs.
      const std::string& assetId =
          result.assetIds.emplace_back(a.id.empty() ? core::newObjectId() : a.id);
      columns.add(a, assetId, prepared.metadataDocs[i], prepared.answers[i]);
      for (const std::string* batchId : batchIds) {
        linkAssets.text(assetId);
        linkBatches.text(*batchId);
      }
      // uploadLocal: the copy job, in this transaction so that no asset is left without one.
      // Nothing to copy (no data, or data already in the server's store) is done at once.
      if (a.uploadLocal) {
        jobAssets.text(assetId);
        jobSources.text(a.data);
        jobStatuses.text(a.data.empty() || a.dataInServerStore ? "done" : "pending");
      }
    }

    if (count > 0) {
      Params assets;
      assets.text(projectId).integer(firstSeq).text(request.createdBy).integer(now);
      conn.exec(kInsertAssets, columns.addAssetArrays(assets));
      conn.exec(kInsertTasks, Params()
                                  .text(projectId)
                                  .integer(firstSeq)
                                  .text(request.createdBy)
                                  .integer(now)
                                  .text(kDefaultAnswer)
                                  .array(columns.taskIds)
                                  .array(columns.ids)
                                  .array(columns.priorities)
                                  .array(columns.answers));
    }
    if (linkAssets.size() > 0)
      conn.exec(kInsertLinks, Params().array(linkAssets).array(linkBatches));
    if (jobAssets.size() > 0)
      conn.exec(kInsertCopyJobs, Params()
                                     .text(org)
                                     .text(projectId)
                                     .integer(now)
                                     .array(jobAssets)
                                     .array(jobSources)
                                     .array(jobStatuses));
    result.assetsCreated = result.tasksCreated = count;
    return result;
  });
}

}  // namespace assetd::store::sql
