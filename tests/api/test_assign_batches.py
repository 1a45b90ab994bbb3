"""POST /assignBatches: add or replace, by batch id or name, within one project."""

import pytest

from apilib import fail, missing_id, ok, seed_assets, validate_operation


def assign(api, body):
    return api.post("/v2/assignBatches", json=body)


def batch_ids(api, pid):
    return {b["name"]: b["_id"] for b in api.get_project(pid)["batches"]}


def batches_of(api, pid):
    return {a["externalId"]: sorted(a["batches"]) for a in api.all_assets(pid)}


def test_add_by_name_creates_the_batch(api, project):
    assets = seed_assets(api, project, 3)
    ids = [a["_id"] for a in assets[:2]]
    resp = assign(api, {"assetIds": ids, "batches": ["fresh"]})
    validate_operation("assignBatches", resp)
    data = ok(resp)["assets"]
    created = batch_ids(api, project)
    assert list(created) == ["fresh"]
    assert data == {"modifiedCount": 2, "batches": [created["fresh"]]}
    assert batches_of(api, project) == {"a-0000": [created["fresh"]], "a-0001": [created["fresh"]], "a-0002": []}


def test_add_is_idempotent_and_counts_only_changes(api, project):
    assets = seed_assets(api, project, 3, batches=["old"])
    ids = [a["_id"] for a in assets]
    assert ok(assign(api, {"assetIds": ids[:1], "batches": ["new"]}))["assets"]["modifiedCount"] == 1
    assert ok(assign(api, {"assetIds": ids, "batches": ["new"]}))["assets"]["modifiedCount"] == 2
    assert ok(assign(api, {"assetIds": ids, "batches": ["new", "old"]}))["assets"]["modifiedCount"] == 0
    b = batch_ids(api, project)
    assert all(v == sorted([b["old"], b["new"]]) for v in batches_of(api, project).values())


def test_add_by_id_and_mode_add_explicit(api, project):
    b = ok(api.post(f"/v2/batches/{project}", json={"batches": [{"name": "B1"}, {"name": "B2"}]}))["project"]["batches"]
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    data = ok(assign(api, {"assetIds": ids, "batches": [b[0]["_id"], "B2"], "mode": "add"}))["assets"]
    assert data == {"modifiedCount": 2, "batches": [b[0]["_id"], b[1]["_id"]]}
    assert len(api.get_project(project)["batches"]) == 2


def test_replace(api, project):
    assets = seed_assets(api, project, 3, batches=["x", "y"])
    ids = [a["_id"] for a in assets]
    data = ok(assign(api, {"assetIds": ids[:2], "batches": ["y"], "mode": "replace"}))["assets"]
    b = batch_ids(api, project)
    assert data == {"modifiedCount": 2, "batches": [b["y"]]}
    assert batches_of(api, project) == {"a-0000": [b["y"]], "a-0001": [b["y"]], "a-0002": sorted([b["x"], b["y"]])}
    assert ok(assign(api, {"assetIds": ids[:2], "batches": ["y"], "mode": "replace"}))["assets"]["modifiedCount"] == 0
    assert ok(assign(api, {"assetIds": ids, "batches": [], "mode": "replace"}))["assets"]["modifiedCount"] == 3
    assert all(v == [] for v in batches_of(api, project).values())


def test_tasks_follow_the_assignment(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    ok(assign(api, {"assetIds": ids[:1], "batches": ["tagged"]}))
    bid = batch_ids(api, project)["tagged"]
    tasks = api.list_tasks(project, filter={"batches": {"$in": [bid]}})
    assert tasks["total"] == 1 and tasks["tasks"][0]["asset"] == ids[0]
    assert tasks["tasks"][0]["batches"] == [bid]


def test_sdk_body_with_assets_and_project_id(api, project):
    ids = [a["_id"] for a in seed_assets(api, project, 2)]
    body = '{"assets": ["%s", "%s"], "batches": ["sdk"], "projectId": "%s"}' % (ids[0], ids[1], project)
    resp = api.raw("POST", "/v2/assignBatches", body, {"Content-Type": "application/json"})
    assert ok(resp)["assets"]["modifiedCount"] == 2


def test_assets_of_two_projects_are_400(api, project):
    mine = seed_assets(api, project, 1)[0]["_id"]
    other = api.create_project()["_id"]
    theirs = seed_assets(api, other, 1)[0]["_id"]
    fail(assign(api, {"assetIds": [mine, theirs], "batches": ["b"]}), 400)
    assert api.get_project(project)["batches"] == [] and api.get_project(other)["batches"] == []
    assert batches_of(api, project) == {"a-0000": []}


def test_project_id_must_match_the_assets(api, project):
    mine = seed_assets(api, project, 1)[0]["_id"]
    other = api.create_project()["_id"]
    fail(assign(api, {"assets": [mine], "batches": ["b"], "projectId": other}), 400)
    assert batches_of(api, project) == {"a-0000": []}


def test_unknown_or_foreign_asset_is_400_like_a_missing_one(api, project, other_org):
    mine = seed_assets(api, project, 1)[0]["_id"]
    _, them = other_org
    their_project = them.create_project()["_id"]
    theirs = seed_assets(them, their_project, 1)[0]["_id"]
    ghost = missing_id()
    m1 = fail(assign(api, {"assetIds": [mine, ghost], "batches": ["b"]}), 400)
    m2 = fail(assign(api, {"assetIds": [mine, theirs], "batches": ["b"]}), 400)
    assert m1.replace(ghost, "<id>") == m2.replace(theirs, "<id>")
    assert api.get_project(project)["batches"] == []


@pytest.mark.parametrize(
    "body,field",
    [
        ({"batches": ["b"]}, "assetIds"),
        ({"assetIds": "x", "batches": ["b"]}, "assetIds"),
        ({"assetIds": [5], "batches": ["b"]}, "assetIds[0]"),
        ({"assetIds": ["{a}"]}, "batches"),
        ({"assetIds": ["{a}"], "batches": "b"}, "batches"),
        ({"assetIds": ["{a}"], "batches": [3]}, "batches[0]"),
        ({"assetIds": ["{a}"], "batches": [""]}, "batches[0]"),
        ({"assetIds": ["{a}"], "batches": ["b"], "mode": "merge"}, "mode"),
        ({"assetIds": ["{a}"], "batches": ["b"], "mode": 1}, "mode"),
        ({"assetIds": ["{a}"], "batches": ["b"], "projectId": 5}, "projectId"),
    ],
)
def test_invalid_body_is_400(api, project, body, field):
    asset = seed_assets(api, project, 1)[0]["_id"]
    if "assetIds" in body and isinstance(body["assetIds"], list):
        body = {**body, "assetIds": [asset if x == "{a}" else x for x in body["assetIds"]]}
    fail(assign(api, body), 400, field)
    assert api.get_project(project)["batches"] == []


def test_empty_asset_list_is_400(api):
    fail(assign(api, {"assetIds": [], "batches": ["b"]}), 400, "assetIds")
