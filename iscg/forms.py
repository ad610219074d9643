"""The project's base form: django-dsfr's, rendered by one shared renderer.

django-dsfr's ``DsfrBaseForm.default_renderer`` returns its renderer *class* (unless FORM_RENDERER is
changed, which would also restyle the admin's forms): Django then builds a new renderer, hence a new
template engine, for every form instance, and parses the field templates again each time. On the
referral form (about fifty fields) that was most of the page's server time (docs/benchmarks.md).
Every form of the project inherits from this class instead, which shares one renderer.
"""

from dsfr.forms import DsfrBaseForm as _DsfrBaseForm
from dsfr.forms import DsfrDjangoTemplates

RENDERER = DsfrDjangoTemplates()


class DsfrBaseForm(_DsfrBaseForm):
    default_renderer = RENDERER
