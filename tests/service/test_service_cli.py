"""``qinternet serve --init-operator`` and ``qinternet request`` against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _svc_helpers import SMALL_NETWORK, ServerProcess


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinternet.cli.main", *args],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_init_operator_prints_a_working_token_once(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    first = _cli("serve", "--db", db, "--init-operator")
    second = _cli("serve", "--db", db, "--init-operator", "--json")
    assert first.returncode == second.returncode == 0, first.stderr
    token = first.stdout.strip()
    assert token.startswith("qi_") and "\n" not in token
    doc = json.loads(second.stdout)
    assert doc["token"] != token and doc["token"].startswith(f"qi_{doc['id']}_")
    net = tmp_path / "net.json"
    net.write_text(json.dumps(SMALL_NETWORK))
    with ServerProcess(db, topology=str(net)) as server:
        import httpx

        h = {"Authorization": f"Bearer {token}"}
        assert httpx.get(server.url + "/network", headers=h).json()["num_nodes"] == 6
        alice = httpx.post(server.url + "/clients", json={"name": "alice"}, headers=h).json()
        env = {"QINTERNET_TOKEN": alice["token"]}
        ok = _cli("request", "--server", server.url, "pair", "A", "D", "--floor", "0.1",
                  "--json", env=env)
        assert ok.returncode == 0, ok.stderr
        d = json.loads(ok.stdout)
        assert d["outcome"] == "admitted" and d["floor"] == 0.1
        text = _cli("request", "--server", server.url, "--token", alice["token"], "group",
                    "A", "C", "E")
        assert text.returncode == 0 and "admitted" in text.stdout
        listed = _cli("request", "--server", server.url, "list", "--json", env=env)
        assert len(json.loads(listed.stdout)) == 2
        cancel = _cli("request", "--server", server.url, "cancel", d["id"], "--json", env=env)
        assert json.loads(cancel.stdout)["status"] == "cancelled"
        bad = _cli("request", "--server", server.url, "pair", "A", "Nowhere", env=env)
        assert bad.returncode == 2 and bad.stdout == ""
        assert bad.stderr.count("\n") == 1 and "endpoints" in bad.stderr
        wrong = _cli("request", "--server", server.url, "--token", "qi_x_y", "list")
        assert wrong.returncode == 2 and "401" in wrong.stderr


@pytest.mark.parametrize(("args", "word"), [
    (["serve", "--db", "/nonexistent-dir/x.db", "--init-operator"], "db"),
    (["serve", "--policy", "fastest", "--init-operator"], "--policy"),
    (["request", "--server", "ftp://x", "--token", "t", "list"], "--server"),
    (["request", "--server", "http://127.0.0.1:9", "--token", "t", "list"], "cannot reach"),
])
def test_bad_input_is_one_line(args: list[str], word: str) -> None:
    r = _cli(*args)
    assert r.returncode in (1, 2) and r.stdout == ""
    assert r.stderr.count("\n") == 1 and word in r.stderr and "Traceback" not in r.stderr
