"""`assetd admin ...` against the data of a running server."""

from apilib import HEX24, check_project, fail, ok


def test_create_org_and_key_while_serving(server):
    org = server.admin_json("create-org", "--name", "Acme")
    assert set(org) == {"organizationId"} and HEX24.match(org["organizationId"])
    key = server.admin_json("create-key", "--org", org["organizationId"], "--name", "ci")
    assert set(key) == {"apiKey", "keyId"} and key["apiKey"] and HEX24.match(key["keyId"])
    acme = server.api(key["apiKey"])
    assert ok(acme.get("/v2/listProjects")) == {"projects": [], "total": 0}
    project = acme.create_project("acme's")
    check_project(project)
    assert project["organization"] == org["organizationId"]


def test_create_key_without_name(server):
    org = server.admin_json("create-org", "--name", "Nameless")["organizationId"]
    key = server.admin_json("create-key", "--org", org)
    ok(server.api(key["apiKey"]).get("/v2/listProjects"))


def test_two_keys_of_one_org_see_the_same_projects(server):
    org = server.admin_json("create-org", "--name", "Twins")["organizationId"]
    k1 = server.admin_json("create-key", "--org", org)["apiKey"]
    k2 = server.admin_json("create-key", "--org", org)["apiKey"]
    assert k1 != k2
    pid = server.api(k1).create_project()["_id"]
    assert server.api(k2).get_project(pid)["_id"] == pid


def test_revoke_key_while_serving(server):
    org = server.admin_json("create-org", "--name", "Revoked Inc")["organizationId"]
    key = server.admin_json("create-key", "--org", org, "--name", "temp")
    spare = server.admin_json("create-key", "--org", org, "--name", "spare")
    api = server.api(key["apiKey"])
    pid = api.create_project()["_id"]
    assert server.admin_json("revoke-key", "--key-id", key["keyId"]) == {"revoked": True}
    fail(api.get(f"/v2/project/{pid}"), 401)
    fail(api.get("/v2/listProjects"), 401)
    # the organization and its other keys live on
    assert server.api(spare["apiKey"]).get_project(pid)["_id"] == pid


def test_revoke_unknown_key_fails(server):
    done = server.admin("revoke-key", "--key-id", "0" * 24)
    assert done.returncode == 1
    assert done.stderr.strip()
    assert '"revoked":true' not in done.stdout.replace(" ", "")


def test_create_key_for_unknown_org_fails(server):
    done = server.admin("create-key", "--org", "0" * 24)
    assert done.returncode != 0 and done.stderr.strip()


def test_the_bootstrap_key_still_works(server, api):
    assert api.get_project(server.ready["projectId"])["_id"] == server.ready["projectId"]
