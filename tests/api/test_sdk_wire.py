"""The official Python SDK's requests, byte for byte as it sends them (f-string URLs that it does
not encode, json.dumps bodies with ", " and ": " separators, Content-Type on bodiless requests)."""

import json

import pytest

from apilib import check_asset, check_project, ok


class Sdk:
    """What imerit_ango.SDK puts on the wire, method by method."""

    def __init__(self, api):
        self.api = api

    def make_request(self, method, target, payload=None):
        body = json.dumps(payload) if payload is not None else None
        return self.api.raw(method, target, body, {"Content-Type": "application/json"})

    def get_project(self, pid):
        return ok(self.make_request("GET", f"/v2/project/{pid}"))

    def get_batches(self, pid):
        return self.get_project(pid)["project"].get("batches", [])

    def create_batch(self, pid, name):
        existing = self.get_batches(pid)
        return self.make_request("POST", f"/v2/batches/{pid}", {"batches": existing + [{"name": name}]})

    def create_batches(self, pid, names):
        existing = self.get_batches(pid)
        known = {b["name"] for b in existing}
        new = [n for n in names if n not in known]
        if not new:
            return []
        return self.make_request("POST", f"/v2/batches/{pid}", {"batches": existing + [{"name": n} for n in new]})

    def switch_batch_names_with_ids(self, pid, refs):
        batches = self.get_batches(pid)
        out = []
        for ref in refs:
            match = [b["_id"] for b in batches if ref in (b["_id"], b["name"])]
            assert match, f"Batch {ref} not found"
            out.append(match[0])
        return out

    def upload_files_cloud(self, pid, assets, batches=None, priority=0, upload_local=None):
        for a in assets:
            if "batches" in a:
                a["batches"] = self.switch_batch_names_with_ids(pid, a["batches"])
        target = f"/v2/project/{pid}/cloud"
        if batches:
            target += "?batches=%s" % json.dumps(self.switch_batch_names_with_ids(pid, batches))
        body = json.dumps({"assets": assets, "uploadLocal": upload_local, "priority": priority})
        # requests re-quotes the URL: " [ ] and space become %22 %5B %5D %20, the comma stays.
        target = target.replace('"', "%22").replace("[", "%5B").replace("]", "%5D").replace(" ", "%20")
        return self.api.raw("POST", target, body, {"Content-Type": "application/json"})


@pytest.fixture(scope="module")
def sdk(api):
    return Sdk(api)


def test_create_project_bodies(sdk, api):
    resp = sdk.api.raw("POST", "/v2/project", '{"name": "n", "description": ""}', {"Content-Type": "application/json"})
    project = ok(resp)["project"]
    check_project(project)
    assert (project["name"], project["description"], project["type"]) == ("n", "", "ango")
    body = (
        '{"name": "n", "description": "d", "type": "pct", "pctConfig": {"allowOverlapping": true, '
        '"trackingMultipleSensors": false, "segmentationMode": false}}'
    )
    pct = ok(sdk.api.raw("POST", "/v2/project", body, {"Content-Type": "application/json"}))["project"]
    assert pct["type"] == "pct" and pct["description"] == "d"


def test_list_projects_and_get_project(sdk, project):
    data = ok(sdk.make_request("GET", "/v2/listProjects?page=1&limit=10"))
    assert data["total"] >= 1 and 1 <= len(data["projects"]) <= 10
    assert sdk.get_project(project)["project"]["_id"] == project


def test_create_batch_resends_what_it_got(sdk, project):
    first = ok(sdk.create_batch(project, "b-one"))["project"]["batches"]
    assert [b["name"] for b in first] == ["b-one"]
    second = ok(sdk.create_batch(project, "b-two"))["project"]["batches"]
    assert [(b["_id"], b["name"]) for b in second[:1]] == [(first[0]["_id"], "b-one")]
    assert [b["name"] for b in second] == ["b-one", "b-two"]
    resp = sdk.create_batch(project, "b-three")
    assert [b["name"] for b in ok(resp)["project"]["batches"]] == ["b-one", "b-two", "b-three"]


def test_create_batches_skips_known_names(sdk, project):
    ok(sdk.create_batches(project, ["x", "y"]))
    assert sdk.create_batches(project, ["x", "y"]) == []
    data = ok(sdk.create_batches(project, ["y", "z"]))
    assert [b["name"] for b in data["project"]["batches"]] == ["x", "y", "z"]


def test_upload_files_cloud_sequence(sdk, api, project):
    ok(sdk.create_batch(project, "b-one"))
    ok(sdk.create_batch(project, "b-two"))
    ids = {b["name"]: b["_id"] for b in sdk.get_batches(project)}
    assets = [
        {"data": "https://x/y.jpg", "externalId": "e", "batches": ["b-two"]},
        {"data": "https://x/z.jpg", "externalId": "f"},
    ]
    resp = sdk.upload_files_cloud(project, assets, batches=["b-one", "b-two"], priority=3)
    assert ok(resp, 201)["assets"]["assetsCreated"] == 2
    for ext in ("e", "f"):
        a = api.asset_by_external_id(project, ext)
        check_asset(a)
        assert sorted(a["batches"]) == sorted([ids["b-one"], ids["b-two"]])
        assert a["priority"] == 3 and a["uploadLocal"] is False
    assert len(sdk.get_batches(project)) == 2


def test_upload_files_cloud_literal_query(sdk, api, project):
    ok(sdk.create_batch(project, "b-one"))
    ok(sdk.create_batch(project, "b-two"))
    b1, b2 = (b["_id"] for b in sdk.get_batches(project))
    target = f"/v2/project/{project}/cloud?batches=%5B%22{b1}%22,%20%22{b2}%22%5D"
    body = (
        '{"assets": [{"data": "https://x/y.jpg", "externalId": "e", "batches": ["%s"]}], "uploadLocal": null, "priority": 3}'
        % b2
    )
    ok(api.raw("POST", target, body, {"Content-Type": "application/json", "apikey": api.key}), 201)
    assert sorted(api.asset_by_external_id(project, "e")["batches"]) == sorted([b1, b2])


def test_upload_files_registration_body(sdk, api, project):
    # upload_files registers each uploaded file with null contextData/metadata and "uploadLocal": "true".
    body = (
        '{"assets": [{"data": "https://files.example.com/upload/x.png", "externalId": "/tmp/dir/img.jpg", '
        '"contextData": null, "metadata": null}], "uploadLocal": "true", "priority": 0}'
    )
    ok(api.raw("POST", f"/v2/project/{project}/cloud", body, {"Content-Type": "application/json"}), 201)
    a = api.asset_by_external_id(project, "/tmp/dir/img.jpg")
    check_asset(a)
    assert a["uploadLocal"] is True and a["metadata"] == {} and a["contextData"] == {}


def test_get_assets_forms(sdk, api, project):
    ok(sdk.create_batch(project, "b-one"))
    (b1,) = (b["_id"] for b in sdk.get_batches(project))
    api.import_assets(
        project,
        [
            {"data": "https://e/1.jpg", "externalId": "a b", "batches": [b1]},
            {"data": "https://e/2.jpg", "externalId": "a b"},
            {"data": "https://e/3.jpg", "externalId": "ab", "batches": [b1]},
        ],
    )
    data = ok(sdk.make_request("GET", f"/v2/project/{project}/assets?page=1&limit=10&filters=%7B%7D"))
    assert data["total"] == 3
    target = (
        f"/v2/project/{project}/assets?page=1&limit=5&filters="
        f"%7B%22externalId%22:%20%22a%20b%22,%20%22batches%22:%20%5B%22{b1}%22%5D%7D"
    )
    data = ok(sdk.make_request("GET", target))
    assert data["total"] == 1 and data["assets"][0]["data"] == "https://e/1.jpg"
    data = ok(sdk.make_request("GET", target.replace("page=1&limit=5", "page=2&limit=5")))
    assert data == {"assets": [], "total": 1}


def test_delete_assets_body(sdk, api, project):
    api.import_assets(project, [{"data": "https://e/1.jpg", "externalId": "x"}])
    aid = api.asset_by_external_id(project, "x")["_id"]
    resp = sdk.make_request("DELETE", f"/v2/project/{project}/assets", {"project": project, "assets": [aid]})
    assert ok(resp) == {"deleted": 1, "failed": 0}


def test_assign_batches_body(sdk, api, project):
    api.import_assets(project, [{"data": "https://e/1.jpg", "externalId": "x"}])
    aid = api.asset_by_external_id(project, "x")["_id"]
    resp = sdk.make_request("POST", "/v2/assignBatches", {"assets": [aid], "batches": ["named"], "projectId": project})
    data = ok(resp)["assets"]
    assert data["modifiedCount"] == 1 and len(data["batches"]) == 1


def test_get_tasks_and_get_task_forms(sdk, api, project):
    api.import_assets(project, [{"data": "https://e/1.jpg", "externalId": "x"}], batches=["B"])
    bid = sdk.get_batches(project)[0]["_id"]
    base = f"/v2/project/{project}/tasks?page=1&limit=10"
    assert ok(sdk.make_request("GET", f"{base}&includeAnswer=false"))["total"] == 1
    deprecated = f"{base}&includeAnswer=false&status%5Beq%5D=TODO&batches=%5B%22{bid}%22%5D&stage=Label"
    (task,) = ok(sdk.make_request("GET", deprecated))["tasks"]
    fields = ok(sdk.make_request("GET", f"{base}&fields=project,stage,_id,asset&includeAnswer=true"))["tasks"][0]
    assert fields["_id"] == task["_id"]
    got = ok(sdk.make_request("GET", f"/v2/task/{task['_id']}?includeAnswer=False"))["task"]
    assert got["_id"] == task["_id"] and got["project"] == project
    got = ok(sdk.make_request("GET", f"/v2/task/{task['_id']}?includeAnswer=True"))["task"]
    assert {"tools", "classifications", "relations"} <= set(got["answer"])


def test_create_label_set_and_delete_project(sdk, api):
    pid = api.create_project()["_id"]
    schema = {
        "tools": [
            {
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
        ],
        "classifications": [],
        "relations": [],
    }
    ok(sdk.make_request("POST", f"/v2/project/{pid}", {"categorySchema": schema}))
    assert sdk.get_project(pid)["project"]["categorySchema"] == schema
    assert ok(sdk.make_request("DELETE", f"/v2/project/{pid}")) == {"deleted": True}
