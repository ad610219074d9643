# ruff: noqa: S603, T201 - a command-line script: fixed commands of our own, output for the CI log
"""Dynamic scan of the running application with wapiti3, on loopback only (docs/security.md).

Seeds a demo SQLite database under /tmp, starts ``manage.py runserver 127.0.0.1:<free port>``
(REQUIRE_2FA=false, as the demo), signs in one demo user of each role (a session made by Django,
passed to wapiti as a cookie), scans each role for at most SCAN_SECONDS, and compares every finding
and anomaly with scripts/wapiti-allowlist.json (each entry has a reason). Exits 1 on anything else.

wapiti3 lives in its own virtualenv (.venv-scan/, created here) so its dependencies never meet ours.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SCAN_VENV = ROOT / ".venv-scan"
WAPITI = SCAN_VENV / "bin" / "wapiti"
WAPITI_REQUIREMENT = "wapiti3==3.2.3"
ALLOWLIST = ROOT / "scripts" / "wapiti-allowlist.json"
SCAN_SECONDS = int(os.environ.get("SCAN_SECONDS", "45"))  # per role; five roles
MODULES = "exec,file,sql,xss,permanentxss,crlf,redirect,csp,http_headers,cookieflags"
ROLES = ["police", "iscg", "coordinator", "funder", "admin"]


def ensure_wapiti() -> None:
    if WAPITI.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(SCAN_VENV)], check=True)
    subprocess.run([SCAN_VENV / "bin" / "pip", "install", "--quiet", WAPITI_REQUIREMENT], check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


SESSIONS = """
from django.test import Client
from accounts.models import User
cookies = {}
for role in %r:
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(user)
    cookies[role] = client.cookies["sessionid"].value
print(__import__("json").dumps(cookies))
"""


def wait_for(url: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  # nosec B310 - our own loopback server
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer on {url}")


def findings(report: dict, role: str):
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (report.get(section) or {}).items():
            for item in items:
                yield {
                    "role": role,
                    "section": section,
                    "category": category,
                    "method": item.get("method", ""),
                    "path": item.get("path", ""),
                    "parameter": item.get("parameter", ""),
                    "info": item.get("info", ""),
                }


def allowed(finding: dict, allowlist: list[dict]) -> bool:
    for entry in allowlist:
        if entry["category"] != finding["category"]:
            continue
        if not re.fullmatch(entry.get("path", ".*"), finding["path"]):
            continue
        if not re.search(entry.get("info", ""), finding["info"]):
            continue
        return True
    return False


def main() -> int:
    ensure_wapiti()
    allowlist = json.loads(ALLOWLIST.read_text())["allowed"]
    if not all(entry.get("reason") for entry in allowlist):
        raise SystemExit("every entry of scripts/wapiti-allowlist.json gives its reason")
    work = Path(tempfile.mkdtemp(prefix="iscg-scan-"))
    env = {
        **os.environ,
        # The access journal writes on every read: SQLite waits for its lock instead of failing at once.
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE",
        "REQUIRE_2FA": "false",
        "DEBUG": "false",
        "ISCG_ENV": "local",
        "EMAIL_URL": "dummymail://",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", stdout=subprocess.DEVNULL)
    cookies = json.loads(
        manage(env, "shell", "-c", SESSIONS % (ROLES,), capture_output=True, text=True).stdout.split("\n")[-2]
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=(work / "server.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    unexpected = []
    try:
        wait_for(f"{base}connexion/")
        for role in ROLES:
            output = work / f"wapiti-{role}.json"
            command = [
                str(WAPITI),
                "-u", base,
                "--scope", "folder",
                "-m", MODULES,
                "-C", f"sessionid={cookies[role]}",
                "-x", f"{base}deconnexion/",
                "-x", f"{base}admin/logout/",
                "--max-scan-time", str(SCAN_SECONDS),
                # Each attack module has its own budget: seven of them share the scan's time.
                "--max-attack-time", str(max(SCAN_SECONDS // 8, 3)),
                "--tasks", "2",  # two concurrent requests: the demo server is one SQLite file
                "-d", "4",
                "--max-files-per-dir", "15",
                "--max-links-per-page", "40",
                "-S", "polite",
                "--flush-session",
                "--store-session", str(work / f"session-{role}"),
                "-f", "json",
                "-o", str(output),
                "--no-bugreport",
                # Never reach wapiti's public endpoints (out-of-band checks, DNS): loopback only.
                "--endpoint", base,
                "--dns-endpoint", "localhost",
                "-v", "0",
            ]  # fmt: skip
            print(f"== wapiti as {role} ({SCAN_SECONDS} s at most)", flush=True)
            try:
                # wapiti's own session store (SQLite) sometimes fails under load ("database is
                # locked"), even with one task: scan the role again, one request at a time, in a fresh
                # store, up to three times in all, before calling it a failure.
                for attempt in range(1, 4):
                    completed = subprocess.run(command, check=False, timeout=SCAN_SECONDS * 2 + 60)
                    if completed.returncode == 0:
                        break
                    if attempt == 3:
                        raise subprocess.CalledProcessError(completed.returncode, command)
                    print(f"== wapiti as {role}: exit {completed.returncode}, again with one task", flush=True)
                    command[command.index("--tasks") + 1] = "1"
                    command[command.index("--store-session") + 1] = str(work / f"session-{role}-{attempt + 1}")
            except subprocess.TimeoutExpired:
                unexpected.append({"role": role, "section": "scan", "category": "Scan overran its time budget"})
                continue
            report = json.loads(output.read_text())
            for finding in findings(report, role):
                if not allowed(finding, allowlist):
                    unexpected.append(finding)
    finally:
        server.terminate()
        server.wait(timeout=10)
    # wapiti reports the 500s its attacks cause; the server's own log also catches those of the crawl.
    for line in (work / "server.log").read_text(errors="replace").splitlines():
        match = re.search(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (5\d\d) ', line)
        if match:
            error = {"category": "Server error", "method": match[1], "path": match[2], "info": match[3]}
            if not allowed(error, allowlist):
                unexpected.append({"role": "?", "section": "server log", "parameter": "", **error})
    if unexpected:
        print("Findings outside scripts/wapiti-allowlist.json:")
        for finding in unexpected:
            print(json.dumps(finding, ensure_ascii=False))
        print(f"Reports and server log: {work}")
        return 1
    print(f"Dynamic scan passed: no finding outside the allow-list ({len(ROLES)} roles). Reports: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
