"""POST /project/{id}/cloud: the cloud import, all or nothing."""

import json

import pytest

from apilib import check_asset, fail, missing_id, ok, seed_assets, validate_operation


def url(i=0):
    return f"https://bucket.example.com/img/{i}.jpg"


def cloud(api, pid, body, batches_query=None):
    params = {"batches": batches_query} if batches_query is not None else None
    return api.post(f"/v2/project/{pid}/cloud", params=params, json=body)


def test_import_creates_assets_and_one_task_each(api, project, server):
    body = {"assets": [{"data": url(i), "externalId": f"e{i}"} for i in range(3)]}
    resp = cloud(api, project, body)
    validate_operation("importAssetsFromCloud", resp)
    assert ok(resp, 201) == {
        "assets": {"assetsCreated": 3, "tasksCreated": 3, "preLabelsCount": 0, "validPreLabelsCount": 0}
    }
    assets = api.all_assets(project, sort="createdAt")
    assert [a["externalId"] for a in assets] == ["e0", "e1", "e2"]
    for i, a in enumerate(assets):
        check_asset(a)
        assert a["data"] == url(i) and a["project"] == project
        assert a["organization"] == server.ready["organizationId"]
        assert a["batches"] == [] and a["metadata"] == {} and a["overlay"] == []
        assert a["editorType"] == "ango" and a["isPreLabeled"] is False and a["uploadLocal"] is False
        assert a["priority"] == 0 and isinstance(a["createdBy"], str)
    tasks = api.list_tasks(project, limit=100)["tasks"]
    assert sorted(t["_id"] for t in tasks) == sorted(a["labelTasks"][0] for a in assets)
    assert api.get_project(project)["assetCount"] == 3


def test_import_keeps_every_field(api, project):
    asset = {
        "data": url(),
        "externalId": "full",
        "metadata": {"k": "v", "n": 1.5, "nested": {"a": [1, 2]}},
        "contextData": {"note": "hello", "list": [True, None]},
        "overlay": ["https://o.com/1.png", "https://o.com/2.png"],
        "editorType": "iframe",
        "batches": ["first"],
        "priority": -7,
    }
    ok(cloud(api, project, {"assets": [asset]}), 201)
    got = api.asset_by_external_id(project, "full")
    check_asset(got)
    for k in ("data", "metadata", "contextData", "overlay", "editorType", "priority"):
        assert got[k] == asset[k], k
    batch = api.get_project(project)["batches"]
    assert [b["name"] for b in batch] == ["first"] and got["batches"] == [batch[0]["_id"]]


def test_dataset_instead_of_data(api, project):
    frames = [f"https://v.com/f{i}.jpg" for i in range(3)]
    ok(cloud(api, project, {"assets": [{"dataset": frames, "externalId": "video"}]}), 201)
    got = api.asset_by_external_id(project, "video")
    check_asset(got)
    assert got["dataset"] == frames


def test_top_level_priority_and_per_asset_override(api, project):
    body = {
        "assets": [{"data": url(1), "externalId": "top"}, {"data": url(2), "externalId": "own", "priority": 9}],
        "priority": 3,
    }
    ok(cloud(api, project, body), 201)
    assert api.asset_by_external_id(project, "top")["priority"] == 3
    assert api.asset_by_external_id(project, "own")["priority"] == 9
    prio = {t["externalId"]: t["priority"] for t in api.list_tasks(project)["tasks"]}
    assert prio == {"top": 3, "own": 9}


@pytest.mark.parametrize("priority", [-1000, 1000, 0, 12.5])
def test_priority_bounds_accepted(api, project, priority):
    ok(cloud(api, project, {"assets": [{"data": url(), "priority": priority}], "priority": priority}), 201)


@pytest.mark.parametrize("priority", [-1001, 1001, 1000.5, 1e300, "5", True, [1], {"a": 1}])
def test_priority_out_of_bounds_or_not_a_number_is_400(api, project, priority):
    fail(cloud(api, project, {"assets": [{"data": url()}], "priority": priority}), 400, "priority")
    body = {"assets": [{"data": url(i)} for i in range(4)]}
    body["assets"][3]["priority"] = priority
    fail(cloud(api, project, body), 400, "assets[3].priority")
    assert api.get_project(project)["assetCount"] == 0


def test_priority_message_names_the_bounds(api, project):
    body = {"assets": [{"data": url(i)} for i in range(4)]}
    body["assets"][3]["priority"] = 5000
    fail(cloud(api, project, body), 400, "assets[3].priority: must be between -1000 and 1000")


@pytest.mark.parametrize("editor", ["ango", "llm", "nrrd", "iframe"])
def test_editor_types(api, project, editor):
    ok(cloud(api, project, {"assets": [{"data": url(), "externalId": "x", "editorType": editor}]}), 201)
    assert api.asset_by_external_id(project, "x")["editorType"] == editor


@pytest.mark.parametrize("editor", ["", "ANGO", "video", 1, ["ango"]])
def test_unknown_editor_type_is_400(api, project, editor):
    fail(cloud(api, project, {"assets": [{"data": url(), "editorType": editor}]}), 400, "assets[0].editorType")


def test_pct_requires_trailing_slash(api, project):
    fail(
        cloud(api, project, {"assets": [{"data": "bucket/folder", "editorType": "pct", "storage": missing_id()}]}),
        400,
        "assets[0]",
    )


def test_pct_requires_a_storage(api, project):
    fail(cloud(api, project, {"assets": [{"data": "bucket/folder/", "editorType": "pct"}]}), 400, "assets[0].storage")


def test_unknown_storage_is_400(api, project):
    fail(cloud(api, project, {"assets": [{"data": url(), "storage": missing_id()}]}), 400, "assets[0].storage")
    fail(
        cloud(api, project, {"assets": [{"data": "b/f/", "editorType": "pct", "storage": missing_id()}]}),
        400,
        "assets[0].storage",
    )


def test_pct_with_a_storage_of_the_organization(api, project):
    resp = api.post(
        "/v2/storages",
        json={
            "name": "s3",
            "provider": "AWS",
            "publicKey": "AKIDEXAMPLE",
            "privateKey": "secret",
            "region": "eu-central-1",
            "credentials": None,
        },
    )
    storage = ok(resp)["storage"]["_id"]
    ok(
        cloud(
            api,
            project,
            {"assets": [{"data": "bucket/scan-1/", "editorType": "pct", "storage": storage, "externalId": "scan"}]},
        ),
        201,
    )
    assert api.asset_by_external_id(project, "scan")["editorType"] == "pct"
    fail(
        cloud(api, project, {"assets": [{"data": "bucket/scan-2", "editorType": "pct", "storage": storage}]}),
        400,
        "assets[0].data",
    )


@pytest.mark.parametrize(
    "value,stored", [("true", True), ("false", False), (True, True), (False, False), (None, False)]
)
def test_upload_local_forms(api, project, value, stored):
    ok(cloud(api, project, {"assets": [{"data": url(), "externalId": "u"}], "uploadLocal": value}), 201)
    assert api.asset_by_external_id(project, "u")["uploadLocal"] is stored


def test_upload_local_absent_is_false(api, project):
    ok(cloud(api, project, {"assets": [{"data": url(), "externalId": "u"}]}), 201)
    assert api.asset_by_external_id(project, "u")["uploadLocal"] is False


@pytest.mark.parametrize("value", ["yes", "TRUE ", 1, 0, [], {}])
def test_upload_local_other_values_are_400(api, project, value):
    fail(cloud(api, project, {"assets": [{"data": url()}], "uploadLocal": value}), 400, "uploadLocal")


@pytest.mark.parametrize(
    "asset,field",
    [
        ({}, "assets[0].data: required"),
        ({"externalId": "x"}, "assets[0].data: required"),
        ({"dataset": []}, "assets[0].data"),
        ({"data": ""}, "assets[0].data"),
        ({"data": 5}, "assets[0].data"),
        ({"data": None}, "assets[0].data"),
        ({"data": url(), "externalId": 5}, "assets[0].externalId"),
        ({"data": url(), "metadata": "x"}, "assets[0].metadata"),
        ({"data": url(), "metadata": [1]}, "assets[0].metadata"),
        ({"data": url(), "contextData": 3}, "assets[0].contextData"),
        ({"data": url(), "overlay": "x.png"}, "assets[0].overlay"),
        ({"data": url(), "overlay": [1]}, "assets[0].overlay[0]"),
        ({"data": url(), "batches": "b"}, "assets[0].batches"),
        ({"data": url(), "batches": [7]}, "assets[0].batches[0]"),
        ({"data": url(), "dataset": "x"}, "assets[0].dataset"),
        ({"data": url(), "dataset": [1]}, "assets[0].dataset[0]"),
        ({"data": url(), "preLabel": []}, "assets[0].preLabel"),
        ({"data": url(), "storage": 1}, "assets[0].storage"),
        ("just a string", "assets[0]"),
        (None, "assets[0]"),
    ],
)
def test_invalid_asset_is_400_naming_the_field(api, project, asset, field):
    resp = cloud(api, project, {"assets": [asset]})
    validate_operation("importAssetsFromCloud", resp)
    fail(resp, 400, field)
    assert api.get_project(project)["assetCount"] == 0


@pytest.mark.parametrize(
    "body,field",
    [({}, "assets"), ({"assets": {}}, "assets"), ({"assets": "x"}, "assets"), ({"assets": None}, "assets")],
)
def test_invalid_top_level_is_400(api, project, body, field):
    fail(cloud(api, project, body), 400, field)


def test_one_bad_asset_among_1000_writes_nothing(api, project):
    seed_assets(api, project, 2, prefix="before")
    assets = [{"data": url(i), "externalId": f"n{i}", "batches": ["born-in-failure"]} for i in range(1000)]
    assets[517] = {"externalId": "broken", "batches": ["born-in-failure"]}
    fail(cloud(api, project, {"assets": assets}, batches_query=json.dumps(["also-not"])), 400, "assets[517].data")
    p = api.get_project(project)
    assert p["assetCount"] == 2 and p["batches"] == []
    assert api.list_assets(project)["total"] == 2
    assert api.list_tasks(project)["total"] == 2


def test_bad_priority_deep_in_a_large_import_writes_nothing(api, project):
    assets = [{"data": url(i)} for i in range(1000)]
    assets[999]["priority"] = -1001
    fail(cloud(api, project, {"assets": assets}), 400, "assets[999].priority")
    assert api.list_assets(project)["total"] == 0


def test_unknown_project_is_404(api):
    fail(cloud(api, missing_id(), {"assets": [{"data": url()}]}), 404)


# --- batches ------------------------------------------------------------------------------------


def test_batches_by_name_created_once(api, project):
    body = {"assets": [{"data": url(i), "batches": ["shared", f"own-{i % 2}"]} for i in range(6)]}
    ok(cloud(api, project, body, batches_query=json.dumps(["shared", "query-only"])), 201)
    batches = api.get_project(project)["batches"]
    names = [b["name"] for b in batches]
    assert sorted(names) == sorted(["shared", "query-only", "own-0", "own-1"])
    ids = {b["name"]: b["_id"] for b in batches}
    for a in api.all_assets(project):
        own = "own-0" if int(a["data"].rsplit("/", 1)[1].split(".")[0]) % 2 == 0 else "own-1"
        assert sorted(a["batches"]) == sorted([ids["shared"], ids["query-only"], ids[own]])
    # a second import by name reuses the batches
    ok(cloud(api, project, {"assets": [{"data": url(99), "batches": ["shared"]}]}, json.dumps(["own-1"])), 201)
    assert len(api.get_project(project)["batches"]) == 4


def test_batches_by_id(api, project):
    b = ok(api.post(f"/v2/batches/{project}", json={"batches": [{"name": "B1"}, {"name": "B2"}]}))["project"]["batches"]
    b1, b2 = b[0]["_id"], b[1]["_id"]
    ok(cloud(api, project, {"assets": [{"data": url(), "externalId": "x", "batches": [b2]}]}, json.dumps([b1])), 201)
    assert sorted(api.asset_by_external_id(project, "x")["batches"]) == sorted([b1, b2])
    assert len(api.get_project(project)["batches"]) == 2


def test_batch_named_in_query_and_asset_counts_once(api, project):
    ok(
        cloud(
            api,
            project,
            {"assets": [{"data": url(), "externalId": "x", "batches": ["dup", "dup"]}]},
            json.dumps(["dup"]),
        ),
        201,
    )
    batches = api.get_project(project)["batches"]
    assert len(batches) == 1
    assert api.asset_by_external_id(project, "x")["batches"] == [batches[0]["_id"]]


@pytest.mark.parametrize("query", ["not json", '{"a":1}', "[1,2]", '"one"', "[null]", '[""]'])
def test_bad_batches_query_is_400(api, project, query):
    fail(cloud(api, project, {"assets": [{"data": url()}]}, batches_query=query), 400, "batches")
    assert api.get_project(project)["batches"] == []


def test_tasks_carry_the_asset_batches(api, project):
    ok(cloud(api, project, {"assets": [{"data": url(), "externalId": "x", "batches": ["tb"]}]}), 201)
    bid = api.get_project(project)["batches"][0]["_id"]
    (task,) = api.list_tasks(project)["tasks"]
    assert task["batches"] == [bid] and task["externalId"] == "x"


# --- pre-labels -----------------------------------------------------------------------------------


SCHEMA = {
    "tools": [
        {"tool": "bounding-box", "title": "car", "schemaId": "box1"},
        {"tool": "polygon", "title": "road", "schemaId": "poly1"},
    ],
    "classifications": [
        {"tool": "radio", "title": "weather", "schemaId": "cls1", "options": [{"value": "sunny", "schemaId": "o1"}]}
    ],
    "relations": [{"tool": "one-to-one", "title": "near", "schemaId": "rel1"}],
}
BOX = {"x": 1, "y": 2, "width": 3, "height": 4}


@pytest.fixture
def schema_project(api):
    return api.create_project(categorySchema=SCHEMA)["_id"]


PRE_LABELS = [
    # (preLabel, valid)
    ({"tools": [{"schemaId": "box1", "bounding-box": BOX}]}, True),
    ({"tools": [{"title": "car", "bounding-box": BOX}]}, True),
    ({"tools": [{"schemaId": "poly1", "polygon": [[0, 0], [1, 0], [1, 1]]}]}, True),
    ({"classifications": [{"schemaId": "cls1", "answer": "o1"}]}, True),
    (
        {
            "tools": [{"schemaId": "box1", "bounding-box": BOX}],
            "classifications": [{"schemaId": "cls1", "answer": "o1"}],
            "relations": [{"schemaId": "rel1", "from": "a", "to": "b"}],
        },
        True,
    ),
    ({"tools": [{"schemaId": "nope", "bounding-box": BOX}]}, False),
    ({"tools": [{"schemaId": "box1"}]}, False),  # no geometry
    ({"tools": [{"schemaId": "box1", "polygon": [[0, 0], [1, 1], [2, 0]]}]}, False),  # another tool's geometry
    ({"tools": [{"schemaId": "box1", "bounding-box": BOX}, {"schemaId": "ghost", "bounding-box": BOX}]}, False),
    ({"classifications": [{"schemaId": "box1", "answer": "x"}]}, False),  # a tool's id, not a classification's
    ({"relations": [{"schemaId": "nope"}]}, False),
    ({"tools": [{"bounding-box": BOX}]}, False),  # names nothing
]


@pytest.mark.parametrize("pre,valid", PRE_LABELS)
def test_pre_label_validity(api, schema_project, pre, valid):
    resp = cloud(api, schema_project, {"assets": [{"data": url(), "externalId": "p", "preLabel": pre}]})
    counts = ok(resp, 201)["assets"]
    assert counts == {"assetsCreated": 1, "tasksCreated": 1, "preLabelsCount": 1, "validPreLabelsCount": int(valid)}
    assert api.asset_by_external_id(schema_project, "p")["isPreLabeled"] is True


def test_pre_label_counts_over_a_mixed_import(api, schema_project):
    assets = [{"data": url(i), "preLabel": pre} for i, (pre, _) in enumerate(PRE_LABELS)]
    assets += [{"data": url(100)}, {"data": url(101)}]
    counts = ok(cloud(api, schema_project, {"assets": assets}), 201)["assets"]
    assert counts["assetsCreated"] == counts["tasksCreated"] == len(PRE_LABELS) + 2
    assert counts["preLabelsCount"] == len(PRE_LABELS)
    assert counts["validPreLabelsCount"] == sum(v for _, v in PRE_LABELS)


def test_pre_labels_against_an_empty_schema_are_all_invalid(api, project):
    counts = ok(cloud(api, project, {"assets": [{"data": url(), "preLabel": PRE_LABELS[0][0]}]}), 201)["assets"]
    assert counts["preLabelsCount"] == 1 and counts["validPreLabelsCount"] == 0


def test_schema_updated_later_is_used(api, project):
    ok(api.post(f"/v2/project/{project}", json={"categorySchema": SCHEMA}))
    counts = ok(cloud(api, project, {"assets": [{"data": url(), "preLabel": PRE_LABELS[0][0]}]}), 201)["assets"]
    assert counts["validPreLabelsCount"] == 1


# --- size ---------------------------------------------------------------------------------------------


def test_twenty_thousand_assets_in_one_request(api, project):
    n = 20_000
    assets = [
        {"data": f"https://big.example.com/{i}.jpg", "externalId": f"big-{i:05d}", "metadata": {"i": i}}
        for i in range(n)
    ]
    counts = ok(cloud(api, project, {"assets": assets}, json.dumps(["bulk"])), 201)["assets"]
    assert counts["assetsCreated"] == counts["tasksCreated"] == n
    assert api.get_project(project)["assetCount"] == n
    first = api.list_assets(project, limit=100, sort="createdAt")
    assert first["total"] == n and first["assets"][0]["externalId"] == "big-00000"
    last = api.list_assets(project, limit=100, page=200, sort="createdAt")
    assert [a["externalId"] for a in last["assets"]] == [f"big-{i:05d}" for i in range(19_900, 20_000)]
    assert api.list_tasks(project, limit=1)["total"] == n
    assert api.list_assets(project, filters={"metadata.i": 12345})["assets"][0]["externalId"] == "big-12345"
