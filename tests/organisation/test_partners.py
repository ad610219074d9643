from django.urls import reverse

from organisation.models import Partner, PartnerType


def partner_data(partner_type, department, **overrides):
    return {
        "name": "Maison des femmes",
        "partner_type": partner_type.pk,
        "department": department.pk,
        "commune": "Amiens",
        "phone": "03 22 00 00 00",
        "accepts": "Accueil de jour",
        "is_active": "on",
        **overrides,
    }


def test_iscg_adds_a_partner_to_their_department_directory(world, client_for):
    cidff = PartnerType.objects.get(code="cidff")
    response = client_for("iscg_a").post(
        reverse("organisation:partner_create"), partner_data(cidff, world.a.department)
    )
    partner = Partner.objects.get(name="Maison des femmes")
    assert response.url == partner.get_absolute_url()
    assert partner.department == world.a.department
    assert partner.version == 1


def test_partner_cannot_be_added_to_another_department_or_twice(world, client_for):
    cidff = PartnerType.objects.get(code="cidff")
    client = client_for("iscg_a")
    response = client.post(reverse("organisation:partner_create"), partner_data(cidff, world.b.department))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    response = client.post(
        reverse("organisation:partner_create"), partner_data(cidff, world.a.department, name="Partenaire a")
    )
    assert "existe déjà" in response.content.decode() or "porte déjà ce nom" in response.content.decode()
    assert response.context["form"]["accepts"].value() == "Accueil de jour"


def test_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(world, client_for):
    partner = world.a.partner
    url = reverse("organisation:partner_update", kwargs={"public_id": partner.public_id})
    first, second = client_for("iscg_a"), client_for("coordinator_a")
    loaded_version = first.get(url).context["form"]["version"].value()
    assert second.get(url).context["form"]["version"].value() == loaded_version
    cidff = PartnerType.objects.get(code="cidff")
    response = first.post(url, partner_data(cidff, world.a.department, name="Partenaire a", phone="01", version=1))
    assert response.status_code == 302
    response = second.post(url, partner_data(cidff, world.a.department, name="Partenaire a", phone="02", version=1))
    assert response.status_code == 409
    content = response.content.decode()
    assert "Quelqu’un d’autre a enregistré" in content
    assert "téléphone" in content
    assert response.context["form"]["phone"].value() == "02"
    partner.refresh_from_db()
    assert partner.phone == "01" and partner.version == 2
    # Saving again, knowingly, replaces the other version.
    response = second.post(url, partner_data(cidff, world.a.department, name="Partenaire a", phone="02", version=2))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.phone == "02" and partner.version == 3


def test_funder_and_police_cannot_edit_partners(world, client_for):
    url = reverse("organisation:partner_update", kwargs={"public_id": world.a.partner.public_id})
    for persona in ("funder_a", "officer_a", "iscg_b"):
        assert client_for(persona).post(url, {}).status_code == 404, persona
