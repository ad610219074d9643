"""The mixed load scenario of bench/load.py (locust, headless, 127.0.0.1 only).

60 % ISCG reading and recording (queue, follow-ups, agenda, a new intervention), 25 % officers filing
referrals, 15 % coordinators and funders opening bilans and downloading PDFs. Every user signs in
first (the bench users of generate_volume, password BENCH_PASSWORD; the server runs with
REQUIRE_2FA=false). BENCH_SEED and BENCH_POSTS say which bench users exist.
"""

import datetime
import os
import random
import re
import uuid
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

SEED = int(os.environ.get("BENCH_SEED", "1"))
POSTS = int(os.environ.get("BENCH_POSTS", "600"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-Mot-de-passe-2025")
DOMAIN = "bench.iscg.test"
DEPARTMENTS = os.environ.get("BENCH_DEPARTMENTS", "01").split(",")
PARIS = ZoneInfo("Europe/Paris")
YEAR = datetime.datetime.now(tz=PARIS).year - 1
WAIT = tuple(float(seconds) for seconds in os.environ.get("BENCH_WAIT", "1,3").split(","))  # think time
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FOLLOWUP = re.compile(r'href="/suivis/([0-9a-f-]{36})/"')


class Signed(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def email(self) -> str:
        raise NotImplementedError

    def on_start(self):
        page = self.client.get("/connexion/", name="sign-in (form)")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/connexion/",
            {"username": self.email(), "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/connexion/"},
            name="sign-in",
        )

    def csrf(self, url, name):
        page = self.client.get(url, name=name)
        match = CSRF.search(page.text)
        return page, match.group(1) if match else ""


class Iscg(Signed):
    weight = 60

    def email(self):
        self.post_number = random.randint(1, POSTS)  # noqa: S311 - load test
        return f"iscg-{self.post_number:04d}.s{SEED}@{DOMAIN}"

    @task(4)
    def queue(self):
        self.client.get("/saisines/a-traiter/", name="iscg: triage queue")

    @task(4)
    def followups(self):
        page = self.client.get("/suivis/", name="iscg: follow-up list")
        ids = FOLLOWUP.findall(page.text)
        if ids:
            self.client.get(f"/suivis/{random.choice(ids)}/", name="iscg: follow-up detail")  # noqa: S311

    @task(2)
    def agenda(self):
        self.client.get("/suivis/agenda/", name="iscg: agenda")

    @task(1)
    def record_intervention(self):
        page = self.client.get("/suivis/", name="iscg: follow-up list")
        ids = FOLLOWUP.findall(page.text)
        if not ids:
            return
        url = f"/suivis/{random.choice(ids)}/interventions/nouvelle/"  # noqa: S311
        _page, token = self.csrf(url, "iscg: intervention form")
        now = datetime.datetime.now(tz=PARIS)
        self.client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "starts_at_0": now.strftime("%Y-%m-%d"),
                "starts_at_1": now.strftime("%H:%M"),
                "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "30",
                "kind": "phone_call",
                "place": "remote",
                "status": "done",
                "summary": "Appel de suivi (charge).",
            },
            headers={"Referer": self.host + url},
            name="iscg: record intervention",
        )


class Officer(Signed):
    weight = 25

    def email(self):
        return f"police-{random.randint(1, POSTS):04d}.s{SEED}@{DOMAIN}"  # noqa: S311

    @task(3)
    def list(self):
        self.client.get("/saisines/", name="police: referral list")

    @task(1)
    def file_referral(self):
        page, token = self.csrf("/saisines/nouvelle/", "police: referral form")
        fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
        unit = re.search(r'<select[^>]*name="unit"[^>]*>.*?<option value="(\d+|[0-9a-f-]{36})"', page.text, re.S)
        now = datetime.datetime.now(tz=PARIS)
        data = {
            **fields,
            "csrfmiddlewaretoken": token,
            "idempotency_key": fields.get("idempotency_key", str(uuid.uuid4())),
            "unit": unit.group(1) if unit else "",
            "source": "complaint",
            "urgency": "normal",
            "referred_at": now.strftime("%Y-%m-%dT%H:%M"),
            "description": "Plainte déposée ce jour (charge).",
            "problems": "",
            "has_agreement": "on",
            "persons-TOTAL_FORMS": "1",
            "persons-INITIAL_FORMS": "0",
            "persons-0-role": "victim",
            "persons-0-sex": "f",
        }
        self.client.post(
            "/saisines/nouvelle/",
            data,
            headers={"Referer": self.host + "/saisines/nouvelle/"},
            name="police: file referral",
        )


class Reader(Signed):
    weight = 15

    def email(self):
        self.code = random.choice(DEPARTMENTS)  # noqa: S311
        kind = random.choice(("coordination", "financeur"))  # noqa: S311
        return f"{kind}-{self.code.lower()}.s{SEED}@{DOMAIN}"

    def query(self):
        return f"scope=department:{self.code}&start={YEAR}-01-01&end={YEAR}-12-31"

    @task(3)
    def bilan(self):
        self.client.get(f"/bilans/?{self.query()}", name="reader: bilan dept-year")

    @task(1)
    def pdf(self):
        self.client.get(f"/bilans/telecharger.pdf?{self.query()}", name="reader: bilan PDF dept-year")

    @task(1)
    def conventions(self):
        self.client.get("/conventions/", name="reader: convention list")
