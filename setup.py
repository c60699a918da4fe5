"""Build step only: copy the shipped data folders into the package (vendorcheck/_shipped/).

The repository keeps ``questionnaires/``, ``contract_templates/`` and the requirements in
``docs/`` at the top, where staff edit them; a wheel carries copies found through
importlib.resources (see vendorcheck/shipped.py). Everything else is in pyproject.toml.
"""

import shutil
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _shipped_parts() -> tuple[str, ...]:
    """The list kept in vendorcheck/shipped.py (read as a file: the build has no Flask)."""
    spec = spec_from_file_location("shipped", ROOT / "vendorcheck" / "shipped.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SHIPPED_PARTS


LEFT_OUT = shutil.ignore_patterns("*.py", "__pycache__", "*.pyc")


class BuildWithShippedData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        target = Path(self.build_lib) / "vendorcheck" / "_shipped"
        for part in _shipped_parts():
            source = ROOT / part
            destination = target / part
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, destination, ignore=LEFT_OUT, dirs_exist_ok=True)
            else:
                shutil.copy2(source, destination)


setup(cmdclass={"build_py": BuildWithShippedData})
