"""What a server process does once, before gunicorn forks its workers (``preload_app``).

A worker would otherwise pay on its first requests for importing every view through the URLconf
(the PDF and spreadsheet libraries among them: about 0.6 s) and for compiling each template (0.1 s
for all of them), and pay again whenever it is recycled (``max_requests``). Done in the master, the
work is shared by every worker through copy-on-write memory. No database connection may cross the
fork: any one opened here is closed.
"""

import logging
from pathlib import Path

from django.db import connections
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def _template_names(engine: DjangoTemplates) -> list[str]:
    directories = [Path(directory) for directory in engine.engine.dirs]
    if engine.engine.app_dirs:
        directories += [Path(directory) for directory in get_app_template_dirs("templates")]
    names = {str(path.relative_to(directory)) for directory in directories for path in directory.rglob("*.html")}
    return sorted(names)


def warm_up() -> int:
    """Load the URLconf (and with it every view) and compile every template into the cached loader.
    Returns the number of templates compiled; a template that does not compile is logged, not raised
    (its page fails as it would have)."""
    get_resolver().reverse_dict  # noqa: B018 - populating the resolver imports every view
    compiled = 0
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for name in _template_names(engine):
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                logger.warning("Template %s not compiled at start-up: %s", name, error)
            else:
                compiled += 1
    connections.close_all()
    return compiled
