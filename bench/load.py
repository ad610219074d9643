"""The load test: gunicorn (several workers) on 127.0.0.1, driven by locust headless (bench/locustfile.py).

    .venv/bin/python bench/load.py --users 50 --duration 300

Locust lives in its own virtualenv (.venv-locust, created here on first use, pinned below) so that
its dependencies never mix with the application's. The server runs with the bench settings flag
REQUIRE_2FA=false (local only: production refuses it) against DATABASE_URL (the generated volume).
Bounded: the run stops after --duration seconds (and --max-requests is not exceeded by much: locust
stops at the time limit); only the loopback interface is used. Prints locust's summary: throughput,
p50/p95/p99 per request type.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUST_VENV = ROOT / ".venv-locust"
LOCUST = "locust==2.37.0"
HOST = "127.0.0.1"


def ensure_locust() -> Path:
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)  # noqa: S603
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", LOCUST], check=True)  # noqa: S603
    return binary


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  # nosec B310 - an http URL on loopback only
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer at {url}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=300, help="Seconds of load (default 300).")
    parser.add_argument("--workers", type=int, default=4, help="Gunicorn workers (default 4).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--posts", type=int, default=int(os.environ.get("BENCH_POSTS", "600")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    parser.add_argument("--departments", default=os.environ.get("BENCH_DEPARTMENTS", "01"))
    parser.add_argument("--csv", default="", help="Prefix of locust's CSV files (optional).")
    parser.add_argument(
        "--wait",
        default="1,3",
        help="Think time of each user between two requests, 'min,max' seconds (default 1,3: a busy user).",
    )
    args = parser.parse_args()

    locust = ensure_locust()
    env = {
        **os.environ,
        "REQUIRE_2FA": "false",  # bench flag: local sign-in without a second factor
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "GUNICORN_BIND": f"{HOST}:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_ACCESSLOG": "/dev/null",
        "BENCH_SEED": str(args.seed),
        "BENCH_POSTS": str(args.posts),
        "BENCH_WAIT": args.wait,
        "BENCH_DEPARTMENTS": args.departments,
    }
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "iscg.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(f"http://{HOST}:{args.port}/connexion/")
        command = [
            str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host",
            f"http://{HOST}:{args.port}", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", f"{args.duration}s", "--stop-timeout", "10", "--only-summary",
        ]  # fmt: skip
        if args.csv:
            command += ["--csv", args.csv]
        result = subprocess.run(command, cwd=ROOT, env=env, timeout=args.duration + 120, check=False)  # noqa: S603
        return result.returncode
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
