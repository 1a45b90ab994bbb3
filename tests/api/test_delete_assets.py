"""DELETE /project/{id}/assets: soft delete and the deleted/failed counts."""

import pytest

from apilib import fail, missing_id, ok, seed_assets, validate_operation


def delete(api, pid, body):
    return api.delete(f"/v2/project/{pid}/assets", json=body)


def test_delete_counts_and_vanishing(api, project):
    assets = seed_assets(api, project, 6)
    ids = [a["_id"] for a in assets]
    tasks = [a["labelTasks"][0] for a in assets]
    resp = delete(api, project, {"assets": ids[:2]})
    validate_operation("bulkDeleteAssets", resp)
    assert ok(resp) == {"deleted": 2, "failed": 0}
    assert api.ids(project) == set(ids[2:])
    assert {t["_id"] for t in api.list_tasks(project, limit=100)["tasks"]} == set(tasks[2:])
    assert api.list_tasks(project)["total"] == 4
    assert api.get_project(project)["assetCount"] == 4


def test_failed_counts_unknown_foreign_deleted_and_malformed(api, project, other_org):
    assets = seed_assets(api, project, 4)
    ids = [a["_id"] for a in assets]
    ok(delete(api, project, {"assets": [ids[0]]}))
    sibling = api.create_project()["_id"]
    sibling_asset = seed_assets(api, sibling, 1)[0]["_id"]
    _, theirs = other_org
    their_project = theirs.create_project()["_id"]
    their_asset = seed_assets(theirs, their_project, 1)[0]["_id"]

    body = {"assets": [ids[1], ids[2], ids[0], missing_id(), sibling_asset, their_asset, "nope", "", "A" * 24]}
    assert ok(delete(api, project, body)) == {"deleted": 2, "failed": 7}
    assert api.ids(project) == {ids[3]}
    # nothing outside the project was touched
    assert api.ids(sibling) == {sibling_asset}
    assert theirs.ids(their_project) == {their_asset}


def test_non_string_entries_count_as_failed(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    assert ok(delete(api, project, {"assets": [ids[0], 5, None, {"id": ids[1]}, [ids[1]]]})) == {
        "deleted": 1,
        "failed": 4,
    }
    assert api.ids(project) == {ids[1]}


def test_repeat_delete_counts_as_failed(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 3)]
    assert ok(delete(api, project, {"assets": ids})) == {"deleted": 3, "failed": 0}
    assert ok(delete(api, project, {"assets": ids})) == {"deleted": 0, "failed": 3}
    assert api.list_assets(project)["total"] == 0


def test_the_sdk_body_with_project(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    body = '{"project": "%s", "assets": ["%s"]}' % (project, ids[0])
    resp = api.raw("DELETE", f"/v2/project/{project}/assets", body, {"Content-Type": "application/json"})
    assert ok(resp) == {"deleted": 1, "failed": 0}


def test_empty_list_deletes_nothing(api, project):
    seed_assets(api, project, 1)
    assert ok(delete(api, project, {"assets": []})) == {"deleted": 0, "failed": 0}
    assert api.list_assets(project)["total"] == 1


@pytest.mark.parametrize("body", [{}, {"assets": "x"}, {"assets": None}, {"assets": {"0": "x"}}, {"project": "p"}])
def test_malformed_body_is_400(api, project, body):
    seed_assets(api, project, 1)
    fail(delete(api, project, body), 400, "assets")
    assert api.list_assets(project)["total"] == 1


def test_missing_body_is_400(api, project):
    fail(api.delete(f"/v2/project/{project}/assets"), 400)


def test_unknown_project_is_404(api):
    fail(delete(api, missing_id(), {"assets": [missing_id()]}), 404)


def test_deleted_asset_cannot_be_updated_or_assigned(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    ok(delete(api, project, {"assets": [ids[0]]}))
    fail(api.post(f"/v2/assets/{ids[0]}", json={"externalId": "back"}), 404)
    fail(api.post("/v2/assignBatches", json={"assetIds": [ids[0]], "batches": ["b"]}), 400)
    assert api.get_project(project)["batches"] == []


def test_deleted_asset_tasks_vanish_from_task_filters(api, project):
    assets = seed_assets(api, project, 3, batches=["tb"])
    ok(delete(api, project, {"assets": [assets[0]["_id"]]}))
    bid = api.get_project(project)["batches"][0]["_id"]
    data = api.list_tasks(project, filter={"batches": {"$in": [bid]}})
    assert data["total"] == 2 and assets[0]["labelTasks"][0] not in {t["_id"] for t in data["tasks"]}
    assert api.list_tasks(project, filter={"externalId": {"$eq": assets[0]["externalId"]}})["total"] == 0
