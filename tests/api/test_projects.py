"""Projects: create, get, update, delete, list; and the batch list of a project."""

import pytest

from apilib import check_project, fail, missing_id, ok, seed_assets

SCHEMA = {
    "tools": [{"tool": "bounding-box", "title": "car", "schemaId": "s1", "color": "#fff"}],
    "classifications": [{"tool": "radio", "title": "weather", "schemaId": "c1", "options": []}],
    "relations": [],
}


def test_create_returns_the_project(api):
    resp = api.post("/v2/project", json={"name": "first", "description": "d"})
    project = ok(resp)["project"]
    check_project(project)
    assert project["name"] == "first" and project["description"] == "d"
    assert project["type"] == "ango"
    assert project["batches"] == [] and project["assetCount"] == 0
    assert project["categorySchema"] == {} or project["categorySchema"] == {
        "tools": [],
        "classifications": [],
        "relations": [],
    }
    assert api.get_project(project["_id"]) == project


def test_create_with_type_schema_and_pct_config(api):
    body = {
        "name": "pct one",
        "description": "",
        "type": "pct",
        "pctConfig": {"allowOverlapping": True, "trackingMultipleSensors": False, "segmentationMode": False},
        "categorySchema": SCHEMA,
    }
    project = ok(api.post("/v2/project", json=body))["project"]
    assert project["type"] == "pct"
    assert project["categorySchema"] == SCHEMA
    assert api.get_project(project["_id"])["categorySchema"] == SCHEMA


@pytest.mark.parametrize(
    "body,field",
    [
        ({"description": "no name"}, "name"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
        ({"name": "n", "description": 7}, "description"),
        ({"name": "n", "categorySchema": []}, "categorySchema"),
        ({"name": "n", "categorySchema": "x"}, "categorySchema"),
        ({"name": "n", "type": 3}, "type"),
    ],
)
def test_create_rejects_bad_fields(api, body, field):
    fail(api.post("/v2/project", json=body), 400, field)


def test_get_unknown_project_is_404(api):
    fail(api.get(f"/v2/project/{missing_id()}"), 404)


@pytest.mark.parametrize("bad", ["x", "123", "ZZZZZZZZZZZZZZZZZZZZZZZZ", "0" * 25, "%00", "..%2F..%2F"])
def test_malformed_project_id_is_not_found(api, bad):
    resp = api.get(f"/v2/project/{bad}")
    assert resp.status_code in (400, 404), resp.text
    fail(resp, resp.status_code)


def test_update_each_field(api, project):
    before = api.get_project(project)
    updated = ok(api.post(f"/v2/project/{project}", json={"name": "renamed"}))["project"]
    assert updated["name"] == "renamed" and updated["description"] == before["description"]
    updated = ok(api.post(f"/v2/project/{project}", json={"description": "new text"}))["project"]
    assert updated["name"] == "renamed" and updated["description"] == "new text"
    updated = ok(api.post(f"/v2/project/{project}", json={"categorySchema": SCHEMA}))["project"]
    assert updated["categorySchema"] == SCHEMA and updated["name"] == "renamed"
    check_project(updated)
    assert updated["createdAt"] == before["createdAt"]
    assert updated["updatedAt"] >= before["updatedAt"]
    assert api.get_project(project) == updated


def test_update_replaces_category_schema_whole(api, project):
    api.post(f"/v2/project/{project}", json={"categorySchema": SCHEMA})
    small = {"tools": [], "classifications": [], "relations": []}
    assert ok(api.post(f"/v2/project/{project}", json={"categorySchema": small}))["project"]["categorySchema"] == small


def test_update_as_the_sdk_create_label_set_sends_it(api, project):
    tool = {
        "tool": "bounding-box",
        "title": "car",
        "required": False,
        "columnField": False,
        "color": "#fff",
        "shortcutKey": "",
        "classifications": [],
        "options": [],
        "schemaId": "s1",
    }
    body = '{"categorySchema": {"tools": [%s], "classifications": [], "relations": []}}' % (
        __import__("json").dumps(tool)
    )
    resp = api.raw("POST", f"/v2/project/{project}", body, {"Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert api.get_project(project)["categorySchema"]["tools"] == [tool]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": ""}, "name"),
        ({"name": 1}, "name"),
        ({"description": []}, "description"),
        ({"categorySchema": 5}, "categorySchema"),
    ],
)
def test_update_rejects_bad_fields(api, project, body, field):
    before = api.get_project(project)
    fail(api.post(f"/v2/project/{project}", json=body), 400, field)
    assert api.get_project(project) == before


def test_update_unknown_project_is_404(api):
    fail(api.post(f"/v2/project/{missing_id()}", json={"name": "x"}), 404)


def test_delete_project_then_404_everywhere(api):
    pid = api.create_project()["_id"]
    assets = seed_assets(api, pid, 3, batches=["b1"])
    task = assets[0]["labelTasks"][0]
    assert ok(api.delete(f"/v2/project/{pid}")) == {"deleted": True}
    body = {"assets": [{"data": "https://e.com/x.jpg"}]}
    for resp in [
        api.get(f"/v2/project/{pid}"),
        api.post(f"/v2/project/{pid}", json={"name": "zombie"}),
        api.delete(f"/v2/project/{pid}"),
        api.get(f"/v2/project/{pid}/assets"),
        api.delete(f"/v2/project/{pid}/assets", json={"assets": [assets[1]["_id"]]}),
        api.post(f"/v2/project/{pid}/cloud", json=body),
        api.post(f"/v2/project/{pid}/chat", data={"numberOfConversations": "1"}),
        api.get(f"/v2/project/{pid}/tasks"),
        api.get(f"/v2/task/{task}"),
        api.post(f"/v2/batches/{pid}", json={"batches": []}),
        api.post(f"/v2/assets/{assets[0]['_id']}", json={"externalId": "x"}),
    ]:
        fail(resp, 404)
    resp = api.post("/v2/assignBatches", json={"assetIds": [assets[0]["_id"]], "batches": ["b2"]})
    assert resp.status_code in (400, 404), resp.text
    fail(resp, resp.status_code)
    listed = ok(api.get("/v2/listProjects", params={"limit": 100}))
    assert pid not in {p["_id"] for p in listed["projects"]}


# --- listing ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lonely_org(server):
    """An organization of its own, so that counts are exact."""
    return server.new_org("listing org")[1]


def test_list_projects_counts_pages_and_orders_newest_first(lonely_org):
    api = lonely_org
    empty = ok(api.get("/v2/listProjects"))
    assert empty == {"projects": [], "total": 0}
    made = [api.create_project(f"p{i}")["_id"] for i in range(13)]
    first = ok(api.get("/v2/listProjects"))
    assert first["total"] == 13 and len(first["projects"]) == 10  # default limit 10
    for p in first["projects"]:
        check_project(p)
    seen = []
    for page in (1, 2, 3):
        data = ok(api.raw("GET", f"/v2/listProjects?page={page}&limit=5"))
        assert data["total"] == 13
        seen += [p["_id"] for p in data["projects"]]
    assert seen == list(reversed(made))
    beyond = ok(api.get("/v2/listProjects", params={"page": 4, "limit": 5}))
    assert beyond == {"projects": [], "total": 13}
    ok(api.delete(f"/v2/project/{made[5]}"))
    after = ok(api.get("/v2/listProjects", params={"limit": 100}))
    assert after["total"] == 12 and made[5] not in [p["_id"] for p in after["projects"]]


@pytest.mark.parametrize(
    "query,field",
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("page=1.5", "page"),
        ("limit=99999999999999999999999", "limit"),
    ],
)
def test_list_projects_rejects_bad_paging(api, query, field):
    fail(api.raw("GET", f"/v2/listProjects?{query}"), 400, field)


def test_list_projects_limit_bounds_accepted(api):
    assert len(ok(api.get("/v2/listProjects", params={"limit": 1}))["projects"]) == 1
    ok(api.get("/v2/listProjects", params={"limit": 100}))


def test_asset_count_follows_imports_and_deletes(api, project):
    assets = seed_assets(api, project, 5)
    assert api.get_project(project)["assetCount"] == 5
    ok(api.delete(f"/v2/project/{project}/assets", json={"assets": [assets[0]["_id"], assets[1]["_id"]]}))
    assert api.get_project(project)["assetCount"] == 3


# --- the batch list (POST /batches/{projectId}) ---------------------------------------------------


def post_batches(api, pid, batches, status=200):
    return api.post(f"/v2/batches/{pid}", json={"batches": batches})


def test_batches_create_rename_and_remove(api, project):
    p = ok(post_batches(api, project, [{"name": "one"}, {"name": "two"}, {"name": "three"}]))["project"]
    check_project(p)
    assert [b["name"] for b in p["batches"]] == ["one", "two", "three"]
    one, two, three = p["batches"]
    assets = seed_assets(api, project, 2, batches=[two["_id"], three["_id"]])
    assert all(set(a["batches"]) == {two["_id"], three["_id"]} for a in assets)

    # rename one, keep three, drop two, add four
    p = ok(post_batches(api, project, [{"_id": one["_id"], "name": "uno"}, three, {"name": "four"}]))["project"]
    assert [(b["_id"], b["name"]) for b in p["batches"][:2]] == [(one["_id"], "uno"), (three["_id"], "three")]
    assert p["batches"][2]["name"] == "four" and p["batches"][2]["_id"] not in {one["_id"], two["_id"], three["_id"]}
    assert api.get_project(project)["batches"] == p["batches"]

    # the dropped batch is unassigned from assets and tasks
    for a in api.all_assets(project):
        assert a["batches"] == [three["_id"]]
    for t in api.list_tasks(project, limit=100)["tasks"]:
        assert t["batches"] == [three["_id"]]
    assert api.list_assets(project, filters={"batches": [two["_id"]]})["total"] == 0


def test_batches_empty_list_removes_all(api, project):
    ok(post_batches(api, project, [{"name": "x"}]))
    assert ok(post_batches(api, project, []))["project"]["batches"] == []


@pytest.mark.parametrize(
    "batches,field",
    [
        ([{"_id": "0" * 24, "name": "ghost"}], "batches[0]._id"),
        ([{"name": "ok"}, {"_id": "zz", "name": "bad"}], "batches[1]._id"),
        ([{"name": ""}], "batches[0].name"),
        ([{"name": 5}], "batches[0].name"),
        ([{}], "batches[0].name"),
        (["plain"], "batches[0]"),
        ("nope", "batches"),
        (None, "batches"),
    ],
)
def test_batches_rejects_bad_specs(api, project, batches, field):
    ok(post_batches(api, project, [{"name": "keep"}]))
    before = api.get_project(project)
    fail(post_batches(api, project, batches), 400, field)
    assert api.get_project(project) == before


def test_batches_id_of_another_project_is_refused(api, project):
    other = api.create_project()["_id"]
    foreign = ok(post_batches(api, other, [{"name": "theirs"}]))["project"]["batches"][0]
    fail(post_batches(api, project, [foreign]), 400, "batches[0]._id")


def test_batches_missing_field_is_400(api, project):
    fail(api.post(f"/v2/batches/{project}", json={}), 400, "batches")


def test_batches_unknown_project_is_404(api):
    fail(post_batches(api, missing_id(), [{"name": "x"}]), 404)
