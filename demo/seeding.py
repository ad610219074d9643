"""Idempotent builders of the demo data set. Each returns what later steps need."""

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from demo.data import ADMIN_EMAIL, DEMO_PASSWORD, PARTNERS, TERRITORY, demo_email
from organisation.enums import Force, UnitKind
from organisation.models import Department, Partner, PartnerType, Post, PostAssignment, Unit

ROLE_OF_KEY = {
    "police": Role.POLICE,
    "police2": Role.POLICE,
    "iscg": Role.ISCG,
    "iscg2": Role.ISCG,
    "coordinator": Role.COORDINATOR,
    "funder": Role.FUNDER,
}


def _user(email, first_name, last_name, role, password_hash, **extra):
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "role": role, "password": password_hash, **extra},
    )
    return user


def posts_start(today: datetime.date) -> datetime.date:
    """The demo posts exist since 1 January of the year before last year: the last complete civil year
    and the current one have their whole activity, and conventions may start before them."""
    return datetime.date(today.year - 2, 1, 1)


def seed_organisation(stdout=None) -> dict:
    """Units, posts, partners and one account per role in each demo department (two officers), plus an admin."""
    password_hash = make_password(DEMO_PASSWORD)
    starts_on = posts_start(timezone.localdate())
    partner_types = {pt.code: pt for pt in PartnerType.objects.all()}
    _user(ADMIN_EMAIL, "Alex", "Administrateur", Role.ADMIN, password_hash, is_staff=True, is_superuser=True)
    summary = {}
    for code, spec in TERRITORY.items():
        department = Department.objects.get(code=code)
        units = [
            Unit.objects.get_or_create(department=department, name=name, defaults={"kind": kind, "commune": commune})[
                0
            ]
            for (kind, name, commune) in spec["units"]
        ]
        posts = []
        for name, fte, employer, zone, unit_indexes in spec["posts"]:
            post, created = Post.objects.get_or_create(
                department=department,
                name=name,
                defaults={"fte": fte, "employer": employer, "zone": zone, "starts_on": starts_on},
            )
            if created:
                post.units.set([units[i] for i in unit_indexes])
            posts.append(post)
        users = {}
        for key, (first_name, last_name) in spec["staff"].items():
            user = _user(demo_email(key, code), first_name, last_name, ROLE_OF_KEY[key], password_hash)
            users[key] = user
        police_units = [u for u in units if u.force != Force.OTHER]  # commissariats, brigades, companies
        first_units = [u for u in police_units if u.kind != UnitKind.COMPANY][:2]
        users["police"].units.add(*first_units)
        users["police2"].units.add(*[u for u in police_units if u not in first_units])
        users["coordinator"].departments.add(department)
        users["funder"].departments.add(department)
        for key, post in (("iscg", posts[0]), ("iscg2", posts[1])):
            PostAssignment.objects.get_or_create(post=post, user=users[key], defaults={"starts_on": post.starts_on})
        city = spec["units"][0][2]
        for type_code, pattern, accepts in PARTNERS:
            Partner.objects.get_or_create(
                department=department,
                name=pattern.format(city=city),
                defaults={"partner_type": partner_types[type_code], "commune": city, "accepts": accepts},
            )
        summary[code] = {"department": department, "units": units, "posts": posts, "users": users}
    return summary
