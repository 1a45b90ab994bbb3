"""GET /project/{id}/tasks and GET /task/{id}: fields, filters (current and deprecated forms)."""

import json
from urllib.parse import quote

import pytest

from apilib import check_task, fail, missing_id, ok


class Fixture:
    """Six assets in two imports: priorities 5 (p-0..2, batch "hi") and -3 (q-0..2, batch "lo")."""

    def __init__(self, api):
        self.api = api
        self.pid = api.create_project()["_id"]
        api.import_assets(
            self.pid,
            [{"data": f"https://e.com/p{i}.jpg", "externalId": f"p-{i}"} for i in range(3)],
            batches=["hi"],
            priority=5,
        )
        api.import_assets(
            self.pid,
            [{"data": f"https://e.com/q{i}.jpg", "externalId": f"q-{i}"} for i in range(3)],
            batches=["lo"],
            priority=-3,
        )
        self.assets = {a["externalId"]: a for a in api.all_assets(self.pid)}
        self.batch = {b["name"]: b["_id"] for b in api.get_project(self.pid)["batches"]}
        self.tasks = {t["externalId"]: t for t in api.list_tasks(self.pid, limit=100)["tasks"]}

    def externals(self, target):
        data = ok(self.api.raw("GET", target))
        return {t["externalId"] for t in data["tasks"]}


@pytest.fixture(scope="module")
def fx(api):
    return Fixture(api)


ALL = {"p-0", "p-1", "p-2", "q-0", "q-1", "q-2"}
HI = {"p-0", "p-1", "p-2"}
LO = {"q-0", "q-1", "q-2"}


def test_one_task_per_asset_with_its_fields(fx):
    data = fx.api.list_tasks(fx.pid, limit=100)
    assert data["total"] == 6 and set(fx.tasks) == ALL
    for ext, t in fx.tasks.items():
        check_task(t)
        a = fx.assets[ext]
        assert t["project"] == fx.pid and t["asset"] == a["_id"] and a["labelTasks"] == [t["_id"]]
        assert t["stage"] == "Label" and t["status"] == "TODO"
        assert t["batches"] == a["batches"] == [fx.batch["hi" if ext.startswith("p") else "lo"]]
        assert t["priority"] == (5 if ext.startswith("p") else -3)
        assert "answer" not in t


def test_default_order_newest_first_and_sort(fx):
    newest = [t["_id"] for t in fx.api.list_tasks(fx.pid, limit=100)["tasks"]]
    oldest = [t["_id"] for t in fx.api.list_tasks(fx.pid, limit=100, sort="createdAt")["tasks"]]
    assert newest == list(reversed(oldest))
    assert [t["_id"] for t in fx.api.list_tasks(fx.pid, limit=100, sort="-createdAt")["tasks"]] == newest
    stamps = [t["createdAt"] for t in fx.api.list_tasks(fx.pid, limit=100, sort="createdAt")["tasks"]]
    assert stamps == sorted(stamps)


def test_paging(fx):
    seen = []
    for page in (1, 2, 3, 4):
        data = fx.api.list_tasks(fx.pid, page=page, limit=2)
        assert data["total"] == 6
        seen += [t["_id"] for t in data["tasks"]]
    assert len(seen) == 6 and len(set(seen)) == 6
    assert fx.api.list_tasks(fx.pid)["total"] == 6 and len(fx.api.list_tasks(fx.pid, limit=4)["tasks"]) == 4


@pytest.mark.parametrize(
    "query,field", [("limit=0", "limit"), ("limit=101", "limit"), ("page=0", "page"), ("page=x", "page")]
)
def test_paging_out_of_range_is_400(fx, query, field):
    fail(fx.api.raw("GET", f"/v2/project/{fx.pid}/tasks?{query}"), 400, field)


@pytest.mark.parametrize("flag", ["true", "True", "TRUE"])
def test_include_answer(fx, flag):
    data = ok(fx.api.raw("GET", f"/v2/project/{fx.pid}/tasks?page=1&limit=10&includeAnswer={flag}"))
    for t in data["tasks"]:
        assert set(t["answer"]) >= {"tools", "classifications", "relations"}
        assert all(isinstance(t["answer"][k], list) for k in ("tools", "classifications", "relations"))


@pytest.mark.parametrize("flag", ["false", "False"])
def test_exclude_answer(fx, flag):
    data = ok(fx.api.raw("GET", f"/v2/project/{fx.pid}/tasks?page=1&limit=10&includeAnswer={flag}"))
    assert data["tasks"] and all("answer" not in t for t in data["tasks"])


def filter_target(fx, filt):
    return f"/v2/project/{fx.pid}/tasks?page=1&limit=100&includeAnswer=false&filter={quote(json.dumps(filt))}"


FILTERS = [
    ("stage $in Label", lambda f: {"stage": {"$in": ["Label"]}}, ALL),
    ("stage $in Complete", lambda f: {"stage": {"$in": ["Complete"]}}, set()),
    ("stage plain", lambda f: {"stage": "Label"}, ALL),
    ("stage plain other", lambda f: {"stage": "Review"}, set()),
    ("status $eq", lambda f: {"status": {"$eq": "TODO"}}, ALL),
    ("status $eq other", lambda f: {"status": {"$eq": "Completed"}}, set()),
    ("status $ne", lambda f: {"status": {"$ne": "TODO"}}, set()),
    ("status $in", lambda f: {"status": {"$in": ["TODO", "Skipped"]}}, ALL),
    ("status $nin", lambda f: {"status": {"$nin": ["TODO"]}}, set()),
    ("batches $in", lambda f: {"batches": {"$in": [f.batch["hi"]]}}, HI),
    ("batches $in both", lambda f: {"batches": {"$in": [f.batch["hi"], f.batch["lo"]]}}, ALL),
    ("batches $in unknown", lambda f: {"batches": {"$in": ["0" * 24]}}, set()),
    ("externalId $eq", lambda f: {"externalId": {"$eq": "q-1"}}, {"q-1"}),
    ("externalId $in", lambda f: {"externalId": {"$in": ["q-1", "p-2", "zz"]}}, {"q-1", "p-2"}),
    ("externalId $ne", lambda f: {"externalId": {"$ne": "q-1"}}, ALL - {"q-1"}),
    ("externalId $nin", lambda f: {"externalId": {"$nin": ["q-1", "p-0"]}}, ALL - {"q-1", "p-0"}),
    ("createdAt $gt past", lambda f: {"createdAt": {"$gt": "2000-01-01T00:00:00.000Z"}}, ALL),
    ("createdAt $lt past", lambda f: {"createdAt": {"$lt": "2000-01-01T00:00:00.000Z"}}, set()),
    ("createdAt $lte future", lambda f: {"createdAt": {"$lte": "2999-01-01T00:00:00.000Z"}}, ALL),
    ("createdAt $gte future", lambda f: {"createdAt": {"$gte": "2999-01-01T00:00:00.000Z"}}, set()),
    ("priority $gte", lambda f: {"priority": {"$gte": 5}}, HI),
    ("priority $gt", lambda f: {"priority": {"$gt": 5}}, set()),
    ("priority $lt", lambda f: {"priority": {"$lt": 0}}, LO),
    ("priority $lte", lambda f: {"priority": {"$lte": -3}}, LO),
    ("priority $eq", lambda f: {"priority": {"$eq": -3}}, LO),
    ("priority $ne", lambda f: {"priority": {"$ne": -3}}, HI),
    ("priority range", lambda f: {"priority": {"$gt": -10, "$lt": 10}}, ALL),
    (
        "anded",
        lambda f: {"stage": {"$in": ["Label"]}, "batches": {"$in": [f.batch["lo"]]}, "externalId": {"$ne": "q-0"}},
        {"q-1", "q-2"},
    ),
]


@pytest.mark.parametrize("name,build,expected", FILTERS, ids=[c[0] for c in FILTERS])
def test_task_filter(fx, name, build, expected):
    assert fx.externals(filter_target(fx, build(fx))) == expected


def test_created_at_bounds_from_the_tasks_themselves(fx):
    stamps = sorted({t["createdAt"] for t in fx.tasks.values()})
    for t in stamps:
        expected = {e for e, task in fx.tasks.items() if task["createdAt"] >= t}
        assert fx.externals(filter_target(fx, {"createdAt": {"$gte": t}})) == expected
        expected = {e for e, task in fx.tasks.items() if task["createdAt"] < t}
        assert fx.externals(filter_target(fx, {"createdAt": {"$lt": t}})) == expected


def test_the_sdk_task_filter_form(fx):
    # TaskFilter(stage=['Label'], batches=[hi]) with sort='-createdAt', include_answer=True, as sent.
    filt = '{"stage": {"$in": ["Label"]}, "batches": {"$in": ["%s"]}}' % fx.batch["hi"]
    target = f"/v2/project/{fx.pid}/tasks?page=1&limit=10&includeAnswer=true&filter=" f"{quote(filt)}&sort=-createdAt"
    assert "%7B%22stage%22%3A%20%7B%22%24in%22%3A%20%5B%22Label%22%5D%7D%2C%20" in target
    data = ok(fx.api.raw("GET", target, headers={"Content-Type": "application/json"}))
    assert {t["externalId"] for t in data["tasks"]} == HI
    assert all("answer" in t for t in data["tasks"])
    stamps = [t["createdAt"] for t in data["tasks"]]
    assert stamps == sorted(stamps, reverse=True)


def test_deprecated_status_stage_and_batches_parameters(fx):
    base = f"/v2/project/{fx.pid}/tasks?page=1&limit=10&includeAnswer=false"
    hi = fx.batch["hi"]
    assert fx.externals(f"{base}&status%5Beq%5D=TODO") == ALL
    assert fx.externals(f"{base}&status[eq]=TODO") == ALL
    assert fx.externals(f"{base}&status%5Beq%5D=Completed") == set()
    assert fx.externals(f"{base}&stage=Label") == ALL
    assert fx.externals(f"{base}&stage=Complete") == set()
    assert fx.externals(f"{base}&batches=%5B%22{hi}%22%5D") == HI
    assert fx.externals(f'{base}&batches=["{hi}"]') == HI
    assert fx.externals(f"{base}&status%5Beq%5D=TODO&batches=%5B%22{hi}%22%5D&stage=Label") == HI
    assert fx.externals(f"{base}&status%5Beq%5D=TODO&batches=%5B%22{hi}%22%5D&stage=Review") == set()


def test_fields_parameter_keeps_the_named_fields(fx):
    target = f"/v2/project/{fx.pid}/tasks?page=1&limit=10&fields=project,stage,_id,asset&includeAnswer=true"
    data = ok(fx.api.raw("GET", target))
    assert data["total"] == 6
    for t in data["tasks"]:
        assert {"project", "stage", "_id", "asset"} <= set(t)
        assert t["project"] == fx.pid and t["stage"] == "Label"


@pytest.mark.parametrize(
    "filt,fragment",
    [
        ({"foo": 1}, "foo"),
        ({"stage": 5}, "stage"),
        ({"status": {"$regex": "T"}}, "$regex"),
        ({"priority": {"$gte": "high"}}, "priority"),
        ({"createdAt": {"$gt": "soon"}}, "createdAt"),
        ({"batches": "x"}, "batches"),
    ],
)
def test_bad_task_filter_is_400(fx, filt, fragment):
    fail(fx.api.raw("GET", filter_target(fx, filt)), 400, fragment)


@pytest.mark.parametrize("text", ["not json", "[]", "{"])
def test_task_filter_not_an_object_is_400(fx, text):
    fail(fx.api.get(f"/v2/project/{fx.pid}/tasks", params={"filter": text}), 400, "filter")


def test_unknown_project_is_404(api):
    fail(api.get(f"/v2/project/{missing_id()}/tasks"), 404)


# --- one task -------------------------------------------------------------------------------------


def test_get_task(fx):
    t = fx.tasks["p-1"]
    for flag in ("False", "false"):
        got = ok(fx.api.raw("GET", f"/v2/task/{t['_id']}?includeAnswer={flag}"))["task"]
        check_task(got)
        assert {k: got[k] for k in t} == t and "answer" not in got
    got = ok(fx.api.raw("GET", f"/v2/task/{t['_id']}?includeAnswer=True"))["task"]
    assert {k: got[k] for k in t} == t
    assert set(got["answer"]) >= {"tools", "classifications", "relations"}
    plain = ok(fx.api.get(f"/v2/task/{t['_id']}"))["task"]
    assert plain["_id"] == t["_id"] and plain["project"] == fx.pid


def test_include_answer_on_a_pre_labeled_task(api):
    schema = {
        "tools": [{"tool": "bounding-box", "title": "car", "schemaId": "box1"}],
        "classifications": [],
        "relations": [],
    }
    pid = api.create_project(categorySchema=schema)["_id"]
    pre = {"tools": [{"schemaId": "box1", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}}]}
    api.import_assets(pid, [{"data": "https://e.com/p.jpg", "externalId": "pre", "preLabel": pre}])
    task = api.list_tasks(pid, includeAnswer="true")["tasks"][0]
    assert all(isinstance(task["answer"][k], list) for k in ("tools", "classifications", "relations"))
    assert ok(api.get(f"/v2/task/{task['_id']}", params={"includeAnswer": "True"}))["task"]["answer"] == task["answer"]


def test_unknown_task_is_404(api):
    fail(api.get(f"/v2/task/{missing_id()}"), 404)


@pytest.mark.parametrize("bad", ["x", "0" * 25, "%00"])
def test_malformed_task_id_is_not_found(api, bad):
    resp = api.get(f"/v2/task/{bad}")
    assert resp.status_code in (400, 404), resp.text
    fail(resp, resp.status_code)
