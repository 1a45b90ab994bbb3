"""GET /project/{id}/assets: totals, order, paging, and the query parameters beside `filters`."""

import json

import pytest

from apilib import check_asset, fail, missing_id, ok, validate_operation


@pytest.fixture(scope="module")
def listed(api):
    """A project of 57 assets imported in 5 requests (so createdAt differs between some)."""
    pid = api.create_project()["_id"]
    n = 0
    for chunk, size in enumerate([20, 1, 15, 11, 10]):
        assets = [{"data": f"https://e.com/{n + i}.jpg", "externalId": f"x{n + i:03d}"} for i in range(size)]
        api.import_assets(pid, assets, batches=[f"chunk{chunk}"])
        n += size
    return pid


def key(a):
    return (a["createdAt"], a["_id"])


def test_response_shape_and_default_limit(api, listed):
    resp = api.get(f"/v2/project/{listed}/assets")
    validate_operation("getProjectAssets", resp)
    data = ok(resp)
    assert set(data) >= {"assets", "total"}
    assert data["total"] == 57 and len(data["assets"]) == 10
    for a in data["assets"]:
        check_asset(a)


def test_default_order_is_newest_first(api, listed):
    newest = api.all_assets(listed)
    oldest = api.all_assets(listed, sort="createdAt")
    assert oldest == sorted(oldest, key=key)
    assert newest == list(reversed(oldest))
    assert api.all_assets(listed, sort="-createdAt") == newest
    assert [a["externalId"] for a in oldest] == [f"x{i:03d}" for i in range(57)]


@pytest.mark.parametrize("sort", ["name", "createdAt,", "+createdAt ", "updatedAt", "-"])
def test_unknown_sort_is_400(api, listed, sort):
    fail(api.get(f"/v2/project/{listed}/assets", params={"sort": sort}), 400, "sort")


@pytest.mark.parametrize("limit,sort", [(1, "createdAt"), (7, "-createdAt"), (10, "createdAt"), (100, "-createdAt")])
def test_pages_never_repeat_or_skip(api, listed, limit, sort):
    expected = [a["_id"] for a in api.all_assets(listed, sort=sort)]
    seen, page = [], 1
    while True:
        data = api.list_assets(listed, page=page, limit=limit, sort=sort)
        assert data["total"] == 57
        if not data["assets"]:
            break
        assert len(data["assets"]) == min(limit, 57 - len(seen))
        seen += [a["_id"] for a in data["assets"]]
        page += 1
    assert seen == expected and len(set(seen)) == 57


def test_page_past_the_end_is_empty(api, listed):
    data = api.list_assets(listed, page=7, limit=10)
    assert data["assets"] == [] and data["total"] == 57
    data = api.list_assets(listed, page=1000, limit=100)
    assert data["assets"] == [] and data["total"] == 57


@pytest.mark.parametrize(
    "query,field",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("limit=1e2", "limit"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=one", "page"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_paging_out_of_range_is_400(api, listed, query, field):
    fail(api.raw("GET", f"/v2/project/{listed}/assets?{query}"), 400, field)


def test_paging_after_deletes(api):
    pid = api.create_project()["_id"]
    api.import_assets(pid, [{"data": f"https://e.com/{i}.jpg", "externalId": f"d{i:02d}"} for i in range(40)])
    all_ids = [a["_id"] for a in api.all_assets(pid, sort="createdAt")]
    gone = all_ids[::3]
    assert ok(api.delete(f"/v2/project/{pid}/assets", json={"assets": gone})) == {"deleted": len(gone), "failed": 0}
    left = [i for i in all_ids if i not in gone]
    for sort in ("createdAt", "-createdAt"):
        seen, page = [], 1
        while True:
            data = api.list_assets(pid, page=page, limit=6, sort=sort)
            assert data["total"] == len(left)
            if not data["assets"]:
                break
            seen += [a["_id"] for a in data["assets"]]
            page += 1
        assert seen == (left if sort == "createdAt" else list(reversed(left)))


def test_external_id_query_parameter(api, listed):
    data = api.list_assets(listed, externalId="x005")
    assert data["total"] == 1 and data["assets"][0]["externalId"] == "x005"
    assert api.list_assets(listed, externalId="nobody")["total"] == 0


def test_batches_query_parameter_by_id_and_by_name(api, listed):
    batches = {b["name"]: b["_id"] for b in api.get_project(listed)["batches"]}
    by_id = api.list_assets(listed, batches=json.dumps([batches["chunk2"]]), limit=100)
    by_name = api.list_assets(listed, batches=json.dumps(["chunk2"]), limit=100)
    assert by_id["total"] == by_name["total"] == 15
    assert {a["externalId"] for a in by_id["assets"]} == {f"x{i:03d}" for i in range(21, 36)}
    assert by_name == by_id
    assert api.list_assets(listed, batches=json.dumps(["no-such-batch"]))["total"] == 0
    assert [b["name"] for b in api.get_project(listed)["batches"]] == [f"chunk{i}" for i in range(5)]


def test_query_parameters_are_anded_with_filters(api, listed):
    assert (
        api.list_assets(listed, externalId="x030", filters={"batches": {"$in": [_bid(api, listed, "chunk2")]}})["total"]
        == 1
    )
    assert api.list_assets(listed, externalId="x030", filters={"externalId": "x031"})["total"] == 0
    assert (
        api.list_assets(listed, batches=json.dumps(["chunk2"]), filters={"externalId": {"$prefix": "x02"}})["total"]
        == 9
    )
    assert api.list_assets(listed, batches=json.dumps(["chunk0"]), externalId="x030")["total"] == 0
    assert (
        api.list_assets(
            listed, batches=json.dumps(["chunk2"]), externalId="x030", filters={"externalId": {"$in": ["x030", "x001"]}}
        )["total"]
        == 1
    )


def _bid(api, pid, name):
    return next(b["_id"] for b in api.get_project(pid)["batches"] if b["name"] == name)


@pytest.mark.parametrize("value", ["[1]", "[[]]", "[null]", '["ok", 2]'])
def test_bad_batches_query_parameter_is_400(api, listed, value):
    fail(api.get(f"/v2/project/{listed}/assets", params={"batches": value}), 400, "batches")


def test_deleted_assets_never_appear(api):
    pid = api.create_project()["_id"]
    api.import_assets(pid, [{"data": f"https://e.com/{i}.jpg", "externalId": f"g{i}"} for i in range(3)])
    victim = api.asset_by_external_id(pid, "g1")
    ok(api.delete(f"/v2/project/{pid}/assets", json={"assets": [victim["_id"]]}))
    assert {a["externalId"] for a in api.all_assets(pid)} == {"g0", "g2"}
    assert api.list_assets(pid, externalId="g1")["total"] == 0
    assert api.list_assets(pid, filters={"_id": victim["_id"]})["total"] == 0


def test_unknown_project_is_404(api):
    fail(api.get(f"/v2/project/{missing_id()}/assets"), 404)


def test_empty_project_lists_nothing(api, project):
    data = api.list_assets(project)
    assert data["assets"] == [] and data["total"] == 0
