"""The asset filter language: every key and operator, and each rejection naming what it rejects."""

import json

import pytest

from apilib import fail, ok

SCHEMA = {
    "tools": [{"tool": "bounding-box", "title": "car", "schemaId": "box1"}],
    "classifications": [],
    "relations": [],
}
PRE = {"tools": [{"schemaId": "box1", "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1}}]}

# externalId: (editorType, batch names, metadata, pre-labeled)
ROWS = {
    "cat-1": ("ango", ["A"], {"color": "red", "size": 3, "flag": True, "nested": {"k": "v1"}}, True),
    "cat-2": ("ango", ["A", "B"], {"color": "blue", "size": 7, "flag": False, "nested": {"k": "v2"}}, False),
    "dog-1": ("llm", ["B"], {"color": "red", "size": 10, "flag": True}, False),
    "dog-2": ("iframe", [], {"color": "green", "size": -2.5, "flag": False, "nested": {"k": "v1"}}, True),
    "eel": ("ango", ["C"], {}, False),
    "pct%1": ("nrrd", [], {"odd key": "x y", "unicode": "żółw"}, False),
    "pct_1": ("ango", [], {}, False),
    "pctX1": ("ango", [], {}, False),
}


def as_asset(ext, row, i):
    editor, batches, metadata, pre = row
    a = {
        "data": f"https://e.com/{i}.jpg",
        "externalId": ext,
        "editorType": editor,
        "batches": batches,
        "metadata": metadata,
    }
    if pre:
        a["preLabel"] = PRE
    return a


class Fixture:
    def __init__(self, api):
        self.api = api
        self.pid = api.create_project(categorySchema=SCHEMA)["_id"]
        rows = list(ROWS.items())
        # Three requests, so that some createdAt values may differ.
        for part in (rows[:3], rows[3:5], rows[5:]):
            api.import_assets(self.pid, [as_asset(ext, row, i) for i, (ext, row) in enumerate(part)])
        self.assets = {a["externalId"]: a for a in api.all_assets(self.pid)}
        self.batch = {b["name"]: b["_id"] for b in api.get_project(self.pid)["batches"]}

    def id(self, ext):
        return self.assets[ext]["_id"]

    def matching(self, filters):
        return {a["externalId"] for a in self.api.all_assets(self.pid, filters=json.dumps(filters))}


@pytest.fixture(scope="module")
def fx(api):
    return Fixture(api)


ALL = set(ROWS)


def meta(ext):
    return ROWS[ext][2]


def with_meta(key):
    return {e for e in ALL if key in meta(e)}


CASES = [
    # (name, filters built from the fixture, expected externalIds)
    ("empty", lambda f: {}, ALL),
    ("_id eq", lambda f: {"_id": f.id("cat-1")}, {"cat-1"}),
    ("_id $in", lambda f: {"_id": {"$in": [f.id("cat-1"), f.id("dog-1")]}}, {"cat-1", "dog-1"}),
    ("_id $nin", lambda f: {"_id": {"$nin": [f.id("cat-1"), f.id("eel")]}}, ALL - {"cat-1", "eel"}),
    ("_id $ne", lambda f: {"_id": {"$ne": f.id("cat-2")}}, ALL - {"cat-2"}),
    ("_id malformed", lambda f: {"_id": "not-an-id"}, set()),
    ("externalId eq", lambda f: {"externalId": "eel"}, {"eel"}),
    ("externalId $in", lambda f: {"externalId": {"$in": ["cat-1", "dog-2", "nobody"]}}, {"cat-1", "dog-2"}),
    ("externalId $nin", lambda f: {"externalId": {"$nin": ["cat-1"]}}, ALL - {"cat-1"}),
    ("externalId $ne", lambda f: {"externalId": {"$ne": "eel"}}, ALL - {"eel"}),
    ("externalId $prefix", lambda f: {"externalId": {"$prefix": "cat-"}}, {"cat-1", "cat-2"}),
    ("$prefix % is literal", lambda f: {"externalId": {"$prefix": "pct%"}}, {"pct%1"}),
    ("$prefix _ is literal", lambda f: {"externalId": {"$prefix": "pct_"}}, {"pct_1"}),
    ("$prefix no match", lambda f: {"externalId": {"$prefix": "zebra"}}, set()),
    ("externalId quote", lambda f: {"externalId": "' OR 1=1 --"}, set()),
    ("createdBy eq", lambda f: {"createdBy": f.assets["eel"]["createdBy"]}, ALL),
    ("createdBy other", lambda f: {"createdBy": "somebody else"}, set()),
    ("createdBy $ne", lambda f: {"createdBy": {"$ne": f.assets["eel"]["createdBy"]}}, set()),
    ("createdBy $in", lambda f: {"createdBy": {"$in": ["x", f.assets["eel"]["createdBy"]]}}, ALL),
    ("createdBy $nin", lambda f: {"createdBy": {"$nin": [f.assets["eel"]["createdBy"]]}}, set()),
    ("editorType eq", lambda f: {"editorType": "llm"}, {"dog-1"}),
    ("editorType $in", lambda f: {"editorType": {"$in": ["llm", "iframe"]}}, {"dog-1", "dog-2"}),
    ("editorType $nin", lambda f: {"editorType": {"$nin": ["ango"]}}, {"dog-1", "dog-2", "pct%1"}),
    ("editorType $ne", lambda f: {"editorType": {"$ne": "ango"}}, {"dog-1", "dog-2", "pct%1"}),
    ("batches all-of one", lambda f: {"batches": [f.batch["A"]]}, {"cat-1", "cat-2"}),
    ("batches all-of two", lambda f: {"batches": [f.batch["A"], f.batch["B"]]}, {"cat-2"}),
    ("batches $in", lambda f: {"batches": {"$in": [f.batch["A"], f.batch["C"]]}}, {"cat-1", "cat-2", "eel"}),
    ("batches $size 0", lambda f: {"batches": {"$size": 0}}, {"dog-2", "pct%1", "pct_1", "pctX1"}),
    ("batches unknown id", lambda f: {"batches": ["0" * 24]}, set()),
    ("isPreLabeled true", lambda f: {"isPreLabeled": True}, {"cat-1", "dog-2"}),
    ("isPreLabeled false", lambda f: {"isPreLabeled": False}, ALL - {"cat-1", "dog-2"}),
    ("metadata string", lambda f: {"metadata.color": "red"}, {"cat-1", "dog-1"}),
    ("metadata number", lambda f: {"metadata.size": 7}, {"cat-2"}),
    ("metadata negative float", lambda f: {"metadata.size": -2.5}, {"dog-2"}),
    ("metadata true", lambda f: {"metadata.flag": True}, {"cat-1", "dog-1"}),
    ("metadata false", lambda f: {"metadata.flag": False}, {"cat-2", "dog-2"}),
    ("metadata $in strings", lambda f: {"metadata.color": {"$in": ["red", "green"]}}, {"cat-1", "dog-1", "dog-2"}),
    ("metadata $in numbers", lambda f: {"metadata.size": {"$in": [3, 10]}}, {"cat-1", "dog-1"}),
    (
        "metadata $ne",
        lambda f: {"metadata.color": {"$ne": "red"}, "externalId": {"$in": sorted(with_meta("color"))}},
        {"cat-2", "dog-2"},
    ),
    ("metadata $exists true", lambda f: {"metadata.color": {"$exists": True}}, with_meta("color")),
    ("metadata $exists false", lambda f: {"metadata.color": {"$exists": False}}, ALL - with_meta("color")),
    ("metadata $gt", lambda f: {"metadata.size": {"$gt": 3}}, {"cat-2", "dog-1"}),
    ("metadata $gte", lambda f: {"metadata.size": {"$gte": 3}}, {"cat-1", "cat-2", "dog-1"}),
    ("metadata $lt", lambda f: {"metadata.size": {"$lt": 0}}, {"dog-2"}),
    ("metadata $lte", lambda f: {"metadata.size": {"$lte": 3}}, {"cat-1", "dog-2"}),
    ("metadata range", lambda f: {"metadata.size": {"$gt": 0, "$lt": 10}}, {"cat-1", "cat-2"}),
    ("metadata dotted path", lambda f: {"metadata.nested.k": "v1"}, {"cat-1", "dog-2"}),
    ("metadata dotted $exists", lambda f: {"metadata.nested.k": {"$exists": False}}, ALL - {"cat-1", "cat-2", "dog-2"}),
    ("metadata key with space", lambda f: {"metadata.odd key": "x y"}, {"pct%1"}),
    ("metadata unicode value", lambda f: {"metadata.unicode": "żółw"}, {"pct%1"}),
    ("metadata missing key", lambda f: {"metadata.nothing": "x"}, set()),
    ("anded keys", lambda f: {"metadata.color": "red", "editorType": "ango"}, {"cat-1"}),
    (
        "anded three",
        lambda f: {"externalId": {"$prefix": "cat"}, "batches": {"$in": [f.batch["B"]]}, "isPreLabeled": False},
        {"cat-2"},
    ),
]


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_filter(fx, name, build, expected):
    assert fx.matching(build(fx)) == expected


def test_created_at_operators(fx):
    stamps = sorted({a["createdAt"] for a in fx.assets.values()})
    for t in stamps + ["2000-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z"]:
        for op, pred in (
            ("$gt", lambda c: c > t),
            ("$gte", lambda c: c >= t),
            ("$lt", lambda c: c < t),
            ("$lte", lambda c: c <= t),
        ):
            expected = {e for e, a in fx.assets.items() if pred(a["createdAt"])}
            assert fx.matching({"createdAt": {op: t}}) == expected, (op, t)
    lo, hi = stamps[0], stamps[-1]
    assert fx.matching({"createdAt": {"$gte": lo, "$lte": hi}}) == ALL
    assert fx.matching({"createdAt": {"$gt": hi, "$lt": lo}}) == set()


def test_total_counts_filtered_rows(fx):
    data = fx.api.list_assets(fx.pid, filters={"externalId": {"$prefix": "pct"}}, limit=1)
    assert data["total"] == 3 and len(data["assets"]) == 1


def test_filters_unencoded_as_a_client_types_them(fx):
    resp = fx.api.raw("GET", f'/v2/project/{fx.pid}/assets?filters={{"externalId":%20"cat-1"}}')
    data = ok(resp)
    assert [a["externalId"] for a in data["assets"]] == ["cat-1"]
    resp = fx.api.raw(
        "GET", f'/v2/project/{fx.pid}/assets?filters={{"metadata.size":{{"$gte":3}},"editorType":"ango"}}'
    )
    assert {a["externalId"] for a in ok(resp)["assets"]} == {"cat-1", "cat-2"}
    resp = fx.api.raw("GET", f"/v2/project/{fx.pid}/assets?filters=%7B%22batches%22%3A%7B%22%24size%22%3A0%7D%7D")
    assert ok(resp)["total"] == 4


REJECTED = [
    ({"foo": 1}, ["filters.foo", "unknown filter key"]),
    ({"$or": [{"externalId": "x"}]}, ["filters.$or"]),
    ({"$where": "1"}, ["filters.$where"]),
    ({"metadata.": "x"}, ["filters.metadata."]),
    ({"externalId": {"$regex": "a"}}, ["filters.externalId", "$regex"]),
    ({"externalId": {"$eq": "a", "$bogus": 1}}, ["filters.externalId", "$bogus"]),
    ({"_id": {"$prefix": "a"}}, ["filters._id", "$prefix"]),
    ({"createdBy": {"$prefix": "a"}}, ["filters.createdBy", "$prefix"]),
    ({"editorType": {"$prefix": "a"}}, ["filters.editorType", "$prefix"]),
    ({"externalId": 5}, ["filters.externalId"]),
    ({"externalId": None}, ["filters.externalId"]),
    ({"externalId": ["a"]}, ["filters.externalId"]),
    ({"externalId": {"$in": "x"}}, ["filters.externalId", "$in"]),
    ({"externalId": {"$in": [1]}}, ["filters.externalId"]),
    ({"externalId": {"$prefix": 3}}, ["filters.externalId", "$prefix"]),
    ({"batches": "A"}, ["filters.batches"]),
    ({"batches": [1]}, ["filters.batches"]),
    ({"batches": {"$nin": ["x"]}}, ["filters.batches", "$nin"]),
    ({"batches": {"$size": 1}}, ["filters.batches"]),
    ({"batches": {"$in": "x"}}, ["filters.batches", "$in"]),
    ({"isPreLabeled": "true"}, ["filters.isPreLabeled"]),
    ({"isPreLabeled": 1}, ["filters.isPreLabeled"]),
    ({"createdAt": "2020-01-01T00:00:00.000Z"}, ["filters.createdAt"]),
    ({"createdAt": {"$eq": "2020-01-01T00:00:00.000Z"}}, ["filters.createdAt", "$eq"]),
    ({"createdAt": {"$gt": "yesterday"}}, ["filters.createdAt"]),
    ({"createdAt": {"$gt": 5}}, ["filters.createdAt"]),
    ({"createdAt": {"$gt": "2020-13-45T99:00:00.000Z"}}, ["filters.createdAt"]),
    ({"metadata.color": {"$regex": "r"}}, ["filters.metadata.color", "$regex"]),
    ({"metadata.color": {"$nin": ["r"]}}, ["filters.metadata.color", "$nin"]),
    ({"metadata.size": {"$gt": "3"}}, ["filters.metadata.size"]),
    ({"metadata.color": {"$in": "red"}}, ["filters.metadata.color", "$in"]),
    ({"metadata.color": {"$exists": "yes"}}, ["filters.metadata.color", "$exists"]),
    ({"metadata.color": [1, 2]}, ["filters.metadata.color"]),
    ({"metadata.color": None}, ["filters.metadata.color"]),
]


@pytest.mark.parametrize("filters,fragments", REJECTED, ids=[json.dumps(r[0])[:40] for r in REJECTED])
def test_rejected_filter_names_what_it_rejects(fx, filters, fragments):
    resp = fx.api.get(f"/v2/project/{fx.pid}/assets", params={"filters": json.dumps(filters)})
    fail(resp, 400, *fragments)


@pytest.mark.parametrize("text", ["not json", "[]", "1", '"x"', "{", '{"externalId":}', "[{}]"])
def test_filters_that_are_not_a_json_object_are_400(fx, text):
    fail(fx.api.get(f"/v2/project/{fx.pid}/assets", params={"filters": text}), 400, "filters")
