"""POST /project/{id}/chat: conversations from a file part, a form field, or a count."""

import json
import re
from urllib.parse import urlencode

import pytest

from apilib import check_asset, fail, missing_id, ok, validate_operation

CONVERSATIONS = [
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
    {"messages": [{"role": "user", "content": "żółw 🐢"}]},
    [{"role": "user", "content": "a conversation may be a bare message list"}],
]


def chat(api, pid, fields=None, file=None, timeout=120):
    """multipart/form-data with a file part, else x-www-form-urlencoded (as the SDK sends them)."""
    if file is not None:
        files = {"file": ("conversations.json", file, "application/json")}
        return api.post(f"/v2/project/{pid}/chat", data=fields or {}, files=files, timeout=timeout)
    return api.post(
        f"/v2/project/{pid}/chat",
        data=urlencode(fields or {}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=timeout,
    )


def chat_assets(api, pid):
    return api.all_assets(pid, sort="createdAt")


def check_chat_asset(server, asset, pid):
    check_asset(asset)
    assert asset["editorType"] == "llm"
    expected = f"{server.store_url}/assets/{server.ready['organizationId']}/{pid}/{asset['_id']}.json"
    assert asset["data"] == expected


def test_multipart_file_part(server, api, project):
    fields = {
        "projectId": project,
        "priority": "2",
        "numberOfConversations": "0",
        "namingStrategy": json.dumps({"type": "random"}),
    }
    resp = chat(api, project, fields, json.dumps(CONVERSATIONS))
    validate_operation("uploadChatAssets", resp)
    counts = ok(resp, 201)["assets"]
    assert counts["assetsCreated"] == counts["tasksCreated"] == 3
    assets = chat_assets(api, project)
    assert len(assets) == 3
    for a in assets:
        check_chat_asset(server, a, project)
        assert a["priority"] == 2
    assert len({a["externalId"] for a in assets}) == 3 and all(a["externalId"] for a in assets)
    assert {t["priority"] for t in api.list_tasks(project)["tasks"]} == {2}


def test_urlencoded_conversations_field(server, api, project):
    resp = api.post(f"/v2/project/{project}/chat", data={"conversations": json.dumps(CONVERSATIONS[:2])})
    assert ok(resp, 201)["assets"]["assetsCreated"] == 2
    for a in chat_assets(api, project):
        check_chat_asset(server, a, project)


def test_conversations_field_in_multipart(api, project):
    resp = api.post(
        f"/v2/project/{project}/chat",
        files={"conversations": (None, json.dumps(CONVERSATIONS)), "priority": (None, "-4")},
    )
    assert ok(resp, 201)["assets"]["assetsCreated"] == 3
    assert {a["priority"] for a in chat_assets(api, project)} == {-4}


def test_number_of_conversations_creates_empty_chats(server, api, project):
    counts = ok(chat(api, project, {"numberOfConversations": "4"}), 201)["assets"]
    assert counts["assetsCreated"] == counts["tasksCreated"] == 4
    assets = chat_assets(api, project)
    assert len(assets) == 4 and len({a["externalId"] for a in assets}) == 4
    for a in assets:
        check_chat_asset(server, a, project)


def test_sequential_naming_with_prefix(api, project):
    ok(
        chat(
            api,
            project,
            {"numberOfConversations": "5", "namingStrategy": json.dumps({"type": "sequential", "prefix": "conv-"})},
        ),
        201,
    )
    names = [a["externalId"] for a in chat_assets(api, project)]
    assert all(n.startswith("conv-") for n in names), names
    numbers = [int(re.sub(r"^[-_ ]*", "", n[len("conv-") :])) for n in names]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    assert numbers[-1] - numbers[0] == 4


def test_sequential_naming_without_prefix(api, project):
    ok(chat(api, project, {"numberOfConversations": "3", "namingStrategy": json.dumps({"type": "sequential"})}), 201)
    names = [a["externalId"] for a in chat_assets(api, project)]
    assert len(set(names)) == 3 and all(names)


def test_random_naming_is_unique_across_requests(api, project):
    for _ in range(2):
        ok(chat(api, project, {"numberOfConversations": "3", "namingStrategy": '{"type": "random"}'}), 201)
    names = [a["externalId"] for a in chat_assets(api, project)]
    assert len(set(names)) == 6


def test_batches_and_llm_config(api, project):
    fields = {
        "conversations": json.dumps(CONVERSATIONS[:1]),
        "batches": json.dumps(["chats", "more"]),
        "llmConfig": json.dumps({"id": "L1"}),
    }
    ok(chat(api, project, fields), 201)
    batches = {b["name"]: b["_id"] for b in api.get_project(project)["batches"]}
    assert set(batches) == {"chats", "more"}
    (asset,) = chat_assets(api, project)
    assert sorted(asset["batches"]) == sorted(batches.values())


def test_sdk_urlencoded_body_as_sent(server, api, project):
    body = (
        "projectId=%s&priority=1&numberOfConversations=3&namingStrategy=%%7B%%22type%%22%%3A+%%22random%%22%%7D"
        "&llmConfig=%%7B%%22id%%22%%3A+%%22L1%%22%%7D" % project
    )
    resp = api.raw("POST", f"/v2/project/{project}/chat", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert ok(resp, 201)["assets"]["assetsCreated"] == 3
    for a in chat_assets(api, project):
        check_chat_asset(server, a, project)
        assert a["priority"] == 1


def test_sdk_multipart_body_as_sent(server, api, project):
    boundary = "6f1a2b3c4d5e6f708192a3b4c5d6e7f8"
    parts = [
        ("projectId", project),
        ("priority", "0"),
        ("numberOfConversations", "0"),
        ("namingStrategy", '{"type": "random"}'),
    ]
    body = b""
    for name, value in parts:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="chats.json"\r\n\r\n').encode()
    body += json.dumps(CONVERSATIONS).encode() + f"\r\n--{boundary}--\r\n".encode()
    resp = api.raw(
        "POST", f"/v2/project/{project}/chat", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert ok(resp, 201)["assets"]["assetsCreated"] == 3


@pytest.mark.parametrize(
    "fields,file,fragment",
    [
        ({}, None, "conversations"),
        ({"projectId": "x"}, None, "conversations"),
        ({"conversations": "not json"}, None, "conversations"),
        ({"conversations": '{"a": 1}'}, None, "conversations"),
        ({"conversations": '[{"ok": 1}, "a string"]'}, None, "conversations[1]"),
        ({"numberOfConversations": "0"}, None, "numberOfConversations"),
        ({"numberOfConversations": "-2"}, None, "numberOfConversations"),
        ({"numberOfConversations": "abc"}, None, "numberOfConversations"),
        ({"numberOfConversations": "10001"}, None, "numberOfConversations"),
        ({"numberOfConversations": "2", "namingStrategy": '{"type": "alphabetic"}'}, None, "namingStrategy"),
        ({"numberOfConversations": "2", "namingStrategy": "random"}, None, "namingStrategy"),
        ({"numberOfConversations": "2", "priority": "2000"}, None, "priority"),
        ({"numberOfConversations": "2", "priority": "high"}, None, "priority"),
        ({"numberOfConversations": "2", "batches": "chats"}, None, "batches"),
        ({"numberOfConversations": "2", "batches": "[1]"}, None, "batches"),
        ({"numberOfConversations": "2", "llmConfig": "{"}, None, "llmConfig"),
        ({"numberOfConversations": "2", "storageId": missing_id()}, None, "storageId"),
        ({}, "not json", "file"),
        ({}, '"just a string"', "file"),
    ],
)
def test_invalid_chat_upload_is_400_and_writes_nothing(api, project, fields, file, fragment):
    fail(chat(api, project, fields, file), 400, fragment)
    p = api.get_project(project)
    assert p["assetCount"] == 0 and p["batches"] == []


def test_more_than_ten_thousand_conversations_is_400(api, project):
    fail(chat(api, project, {"conversations": json.dumps([{}] * 10_001)}), 400, "conversations")
    assert api.get_project(project)["assetCount"] == 0


def test_ten_thousand_empty_conversations(api, project):
    # 10,000 files: with the objects on Swift s3api that is 10,000 PUTs (the server sends 8 at a
    # time), which Swift answers at a few hundred a second on a quiet machine and fewer on a busy
    # one; the time allowed is for the service's pace, not the server's.
    done = chat(api, project, {"numberOfConversations": "10000"}, timeout=600)
    assert ok(done, 201)["assets"]["assetsCreated"] == 10_000
    assert api.list_assets(project, filters={"editorType": "llm"})["total"] == 10_000


def test_unknown_project_is_404(api):
    fail(chat(api, missing_id(), {"numberOfConversations": "1"}), 404)
