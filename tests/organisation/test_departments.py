from organisation.models import Department, PartnerType


def test_the_101_departments_are_loaded_by_migration(db):
    assert Department.objects.count() == 101
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"01", "2A", "2B", "80", "94", "971", "976"} <= codes
    assert "20" not in codes and "975" not in codes
    assert Department.objects.get(code="06").name == "Alpes-Maritimes"
    assert Department.objects.get(code="71").name == "Saône-et-Loire"


def test_partner_types_of_the_domain_are_seeded(db):
    names = list(PartnerType.objects.values_list("name", flat=True))
    assert len(names) == 19
    assert names[0] == "Service social départemental"
    assert "Hébergement d'urgence / 115 / SIAO" in names
    assert names[-1] == "Autre"
