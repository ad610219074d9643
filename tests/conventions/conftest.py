import tempfile

from hypothesis import configuration

# Hypothesis keeps caches in a folder: a temporary one, so that the project gets no `.hypothesis/`.
configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="iscg-hypothesis-"))
