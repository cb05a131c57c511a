"""Packaging for Foorumi, a peer-forum XBlock for Open edX."""
import os

from setuptools import find_packages, setup


def package_data(package, roots):
    """Every file below ``roots`` (relative to ``package``), for ``package_data``."""
    found = []
    for root in roots:
        for dirpath, _dirs, files in os.walk(os.path.join(package, root), followlinks=True):
            for name in files:
                if not name.endswith((".pyc", "~")):
                    found.append(os.path.relpath(os.path.join(dirpath, name), package))
    return found


with open("README.md", encoding="utf-8") as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name="foorumi-xblock",
    version="0.1.0",
    description="Foorumi: peer forums (reflection, small groups, peer feedback) as an Open edX XBlock",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.11",
    packages=find_packages(include=["foorumi_xblock", "foorumi_xblock.*"]),
    package_data={
        "foorumi_xblock": package_data("foorumi_xblock", ["static", "templates", "translations", "workbench/scenarios"]),
    },
    install_requires=["XBlock>=5.0", "Django>=4.2", "web-fragments", "lxml", "rjsmin>=1.2", "rcssmin>=1.1"],
    entry_points={
        "xblock.v1": ["foorumi = foorumi_xblock.block:FoorumiXBlock"],
        # The plugin app: the LMS and Studio install it, and their migrations create its tables.
        "lms.djangoapp": ["foorumi = foorumi_xblock.apps:FoorumiConfig"],
        "cms.djangoapp": ["foorumi = foorumi_xblock.apps:FoorumiConfig"],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Natural Language :: Finnish",
        "Natural Language :: English",
    ],
)
