from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from organisation.views import home


def public_page(template_name):
    return login_not_required(TemplateView.as_view(template_name=template_name))


public_pages = (
    [
        path("accessibilite/", public_page("pages/accessibility.html"), name="accessibility"),
        path("mentions-legales/", public_page("pages/legal.html"), name="legal"),
        path("donnees-personnelles/", public_page("pages/privacy.html"), name="privacy"),
    ],
    "pages",
)

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("", include("organisation.urls")),
    path("saisines/", include("referrals.urls")),
    path("suivis/", include("casework.urls")),
    path("conventions/", include("conventions.urls")),
    path("bilans/", include("reporting.urls")),
    path("accueil/", include("dashboards.urls")),
    path("imports/", include("imports.urls")),
    path("protection-des-donnees/", include("dataprotection.urls")),
    path("", include(public_pages)),
    path("admin/", admin.site.urls),
]
