"""POST /assets/{assetId}: each field replaces the stored one; anything else is refused."""

import pytest

from apilib import check_asset, fail, missing_id, ok, seed_assets, validate_operation


@pytest.fixture
def asset(api, project):
    api.import_assets(
        project,
        [
            {
                "data": "https://e.com/orig.jpg",
                "externalId": "orig",
                "metadata": {"a": 1, "keep": "no"},
                "contextData": {"c": 1},
                "overlay": ["https://e.com/o1.png"],
                "batches": ["b"],
            }
        ],
    )
    return api.asset_by_external_id(project, "orig")


UPDATES = [
    {"metadata": {"b": 2}},
    {"metadata": {}},
    {"contextData": {"fresh": [1, 2, {"x": None}]}},
    {"data": "https://e.com/moved.jpg"},
    {"overlay": ["https://e.com/o2.png", "https://e.com/o3.png"]},
    {"overlay": []},
    {"externalId": "renamed"},
    {"metadata": {"m": True}, "contextData": {}, "data": "https://e.com/all.jpg", "overlay": [], "externalId": "all"},
]


@pytest.mark.parametrize("patch", UPDATES, ids=lambda p: ",".join(p))
def test_update_replaces_given_fields_only(api, project, asset, patch):
    resp = api.post(f"/v2/assets/{asset['_id']}", json=patch)
    validate_operation("updateAsset", resp)
    updated = ok(resp)["asset"]
    check_asset(updated)
    expected = {**asset, **patch}
    for k in set(expected) - {"updatedAt"}:
        assert updated[k] == expected[k], k
    listed = api.list_assets(project, filters={"_id": asset["_id"]})["assets"][0]
    assert {k: v for k, v in listed.items() if k != "updatedAt"} == {
        k: v for k, v in updated.items() if k != "updatedAt"
    }


def test_external_id_change_is_searchable(api, project, asset):
    ok(api.post(f"/v2/assets/{asset['_id']}", json={"externalId": "new-name"}))
    assert api.list_assets(project, externalId="new-name")["total"] == 1
    assert api.list_assets(project, externalId="orig")["total"] == 0


def test_metadata_change_is_filterable(api, project, asset):
    ok(api.post(f"/v2/assets/{asset['_id']}", json={"metadata": {"score": 42}}))
    assert api.list_assets(project, filters={"metadata.score": {"$gte": 40}})["total"] == 1
    assert api.list_assets(project, filters={"metadata.a": {"$exists": True}})["total"] == 0


@pytest.mark.parametrize(
    "patch,field",
    [
        ({"foo": 1}, "foo"),
        ({"batches": []}, "batches"),
        ({"priority": 3}, "priority"),
        ({"_id": "x"}, "_id"),
        ({"project": "x"}, "project"),
        ({"deleted": True}, "deleted"),
        ({"metadata": {"ok": 1}, "editorType": "llm"}, "editorType"),
        ({"metadata": []}, "metadata"),
        ({"metadata": "x"}, "metadata"),
        ({"contextData": 5}, "contextData"),
        ({"data": 5}, "data"),
        ({"data": ""}, "data"),
        ({"overlay": "x"}, "overlay"),
        ({"overlay": [1]}, "overlay[0]"),
        ({"externalId": 7}, "externalId"),
        ({"externalId": None}, "externalId"),
    ],
)
def test_invalid_update_is_400_and_changes_nothing(api, project, asset, patch, field):
    fail(api.post(f"/v2/assets/{asset['_id']}", json=patch), 400, field)
    after = api.list_assets(project, filters={"_id": asset["_id"]})["assets"][0]
    assert after == asset


def test_unknown_asset_is_404(api):
    fail(api.post(f"/v2/assets/{missing_id()}", json={"externalId": "x"}), 404)


@pytest.mark.parametrize("bad", ["x", "0" * 23, "g" * 24, "%00"])
def test_malformed_asset_id_is_not_found(api, bad):
    resp = api.post(f"/v2/assets/{bad}", json={"externalId": "x"})
    assert resp.status_code in (400, 404), resp.text
    fail(resp, resp.status_code)


def test_foreign_asset_is_404_and_untouched(api, project, other_org):
    _, theirs = other_org
    their_project = theirs.create_project()["_id"]
    their_asset = seed_assets(theirs, their_project, 1)[0]
    fail(api.post(f"/v2/assets/{their_asset['_id']}", json={"externalId": "stolen"}), 404)
    assert theirs.list_assets(their_project)["assets"][0]["externalId"] == their_asset["externalId"]
