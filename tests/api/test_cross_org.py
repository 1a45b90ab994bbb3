"""A key sees only its own organization: every id of another one answers exactly like an id that
does not exist, so ids cannot be probed."""

import pytest

from apilib import fail, missing_id, ok


@pytest.fixture(scope="module")
def org_a(api):
    pid = api.create_project(categorySchema={"tools": [], "classifications": [], "relations": []})["_id"]
    api.import_assets(
        pid, [{"data": f"https://a.com/{i}.jpg", "externalId": f"a{i}"} for i in range(3)], batches=["secret"]
    )
    assets = api.all_assets(pid, sort="createdAt")
    return {
        "project": pid,
        "asset": assets[0]["_id"],
        "task": assets[0]["labelTasks"][0],
        "batch": api.get_project(pid)["batches"][0]["_id"],
        "snapshot": (api.get_project(pid), assets),
    }


def same_404(send, foreign_id, missing):
    """send(id) with a foreign id and with a missing one: identical 404 bodies, ids aside."""
    theirs, nobody = send(foreign_id), send(missing)
    fail(theirs, 404)
    fail(nobody, 404)
    assert theirs.json()["message"].replace(foreign_id, "<id>") == nobody.json()["message"].replace(missing, "<id>")
    assert theirs.json()["error"] == nobody.json()["error"]


def form(b, path, **fields):
    return b.post(path, data=fields)


REQUESTS = {
    "get project": ("project", lambda b, i: b.get(f"/v2/project/{i}")),
    "update project": ("project", lambda b, i: b.post(f"/v2/project/{i}", json={"name": "mine now"})),
    "delete project": ("project", lambda b, i: b.delete(f"/v2/project/{i}")),
    "batches": ("project", lambda b, i: b.post(f"/v2/batches/{i}", json={"batches": []})),
    "cloud import": (
        "project",
        lambda b, i: b.post(f"/v2/project/{i}/cloud", json={"assets": [{"data": "https://b/x.jpg"}]}),
    ),
    "chat": ("project", lambda b, i: form(b, f"/v2/project/{i}/chat", numberOfConversations="1")),
    "list assets": ("project", lambda b, i: b.get(f"/v2/project/{i}/assets")),
    "delete assets": ("project", lambda b, i: b.delete(f"/v2/project/{i}/assets", json={"assets": []})),
    "list tasks": ("project", lambda b, i: b.get(f"/v2/project/{i}/tasks")),
    "update asset": ("asset", lambda b, i: b.post(f"/v2/assets/{i}", json={"externalId": "mine now"})),
    "get task": ("task", lambda b, i: b.get(f"/v2/task/{i}", params={"includeAnswer": "True"})),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_foreign_id_answers_like_a_missing_one(api, org_a, other_org, name):
    kind, send = REQUESTS[name]
    _, b = other_org
    same_404(lambda i: send(b, i), org_a[kind], missing_id())


def test_foreign_assets_in_assign_batches_answer_like_missing_ones(org_a, other_org):
    _, b = other_org
    mine = b.create_project()["_id"]
    b.import_assets(mine, [{"data": "https://b/1.jpg"}])
    own = b.all_assets(mine)[0]["_id"]
    ghost = missing_id()
    m1 = fail(b.post("/v2/assignBatches", json={"assetIds": [own, org_a["asset"]], "batches": ["x"]}), 400)
    m2 = fail(b.post("/v2/assignBatches", json={"assetIds": [own, ghost], "batches": ["x"]}), 400)
    assert m1.replace(org_a["asset"], "<id>") == m2.replace(ghost, "<id>")
    ghost_project = missing_id()
    r1 = b.post("/v2/assignBatches", json={"assets": [org_a["asset"]], "batches": ["x"], "projectId": org_a["project"]})
    r2 = b.post("/v2/assignBatches", json={"assets": [ghost], "batches": ["x"], "projectId": ghost_project})
    assert r1.status_code == r2.status_code and r1.status_code in (400, 404), r1.text
    m1, m2 = fail(r1, r1.status_code), fail(r2, r2.status_code)
    assert m1.replace(org_a["asset"], "<id>").replace(org_a["project"], "<p>") == m2.replace(ghost, "<id>").replace(
        ghost_project, "<p>"
    )


def test_foreign_batch_id_answers_like_a_missing_one(org_a, other_org):
    _, b = other_org
    mine = b.create_project()["_id"]
    ghost = missing_id()
    m1 = fail(b.post(f"/v2/batches/{mine}", json={"batches": [{"_id": org_a["batch"], "name": "secret"}]}), 400)
    m2 = fail(b.post(f"/v2/batches/{mine}", json={"batches": [{"_id": ghost, "name": "secret"}]}), 400)
    assert m1.replace(org_a["batch"], "<id>") == m2.replace(ghost, "<id>")


def test_foreign_ids_find_nothing_in_own_lists(org_a, other_org):
    _, b = other_org
    mine = b.create_project()["_id"]
    b.import_assets(mine, [{"data": "https://b/1.jpg"}])
    assert b.list_assets(mine, filters={"_id": org_a["asset"]})["total"] == 0
    assert b.list_assets(mine, filters={"batches": {"$in": [org_a["batch"]]}})["total"] == 0
    assert b.list_tasks(mine, filter={"batches": {"$in": [org_a["batch"]]}})["total"] == 0
    assert ok(b.delete(f"/v2/project/{mine}/assets", json={"assets": [org_a["asset"]]})) == {"deleted": 0, "failed": 1}
    listed = ok(b.get("/v2/listProjects", params={"limit": 100}))
    assert org_a["project"] not in {p["_id"] for p in listed["projects"]}


def test_organization_a_is_untouched(api, org_a, other_org):
    _, b = other_org
    for name, (kind, send) in REQUESTS.items():
        send(b, org_a[kind])
    project, assets = org_a["snapshot"]
    assert api.get_project(org_a["project"]) == project
    assert api.all_assets(org_a["project"], sort="createdAt") == assets
    assert api.list_tasks(org_a["project"])["total"] == 3
