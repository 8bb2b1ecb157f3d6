"""The patches of other projects' internals (``shine.upstream``): every one stops with a plain message
on a version it was not tested with, and the versions installed from the lock are all tested ones."""

from __future__ import annotations

import pytest

from shine import upstream


@pytest.fixture(autouse=True)
def fresh_checks():
    upstream.tested.cache_clear()
    yield
    upstream.tested.cache_clear()


@pytest.mark.parametrize("project", sorted(upstream.TESTED))
def test_the_installed_versions_are_the_tested_ones(project):
    assert upstream.tested(project), f"{project} {upstream.installed_version(project)}"


@pytest.mark.parametrize("patch, project", [
    (upstream.voila_sets_xsrf_cookie, "voila"),
    (upstream.share_compiled_templates, "nbconvert"),
    (upstream.check_fork_patches, "jupyter_client"),
    (lambda: upstream.render_widgets_with(str), "ipywidgets"),
    (lambda: upstream.no_mathjax_page_config({}), "voila"),
    (upstream.voila_preheats_plain_requests, "voila"),
])
def test_a_patch_refuses_an_untested_version(monkeypatch, patch, project):
    monkeypatch.setitem(upstream.TESTED, project, "<0.0.1")
    with pytest.raises(upstream.UntestedVersionError) as err:
        patch()
    message = str(err.value)
    assert project in message and upstream.installed_version(project) in message
    assert "requirements/lock.txt" in message and "shine/upstream.py" in message


def test_a_new_python_is_refused_before_a_kernel_is_forked(monkeypatch):
    monkeypatch.setattr(upstream, "installed_version", lambda project: "3.99.0" if project == "python" else "1")
    monkeypatch.setitem(upstream.TESTED, "jupyter_client", ">=0")
    monkeypatch.setitem(upstream.TESTED, "ipywidgets", ">=0")
    with pytest.raises(upstream.UntestedVersionError, match="python 3.99.0"):
        upstream.check_fork_patches()


def test_patching_twice_patches_once():
    from nbconvert.exporters.templateexporter import TemplateExporter
    from voila.tornado.handler import TornadoVoilaHandler

    upstream.voila_sets_xsrf_cookie()
    upstream.share_compiled_templates()
    get, create = TornadoVoilaHandler.get, TemplateExporter._create_environment
    upstream.voila_sets_xsrf_cookie()
    upstream.share_compiled_templates()
    assert TornadoVoilaHandler.get is get and get.sets_xsrf_cookie
    assert TemplateExporter._create_environment is create


def test_a_preheated_page_is_handed_out_only_for_a_plain_address_unless_the_page_reads_its_request():
    from types import SimpleNamespace

    from voila.handler import VoilaHandler

    upstream.voila_preheats_plain_requests(("kiosk.ipynb",))
    upstream.voila_preheats_plain_requests(("kiosk.ipynb",))  # once only

    def preheated(path: str, args: dict) -> bool:
        handler = SimpleNamespace(request=SimpleNamespace(path=path))
        return VoilaHandler.should_use_rendered_notebook(handler, {"template": "shine"}, 1, None, None, args)

    assert preheated("/voila/render/03-dual-capacity.ipynb", {})
    assert not preheated("/voila/render/03-dual-capacity.ipynb", {"lang": [b"es"]})
    assert not preheated("/voila/render/es/03-dual-capacity.ipynb", {"keep": [b"x" * 22]})
    assert preheated("/voila/render/kiosk.ipynb", {"lang": [b"es"]})  # the kiosk waits for its request
    assert not VoilaHandler.should_use_rendered_notebook(  # and Voila's own rules still apply
        SimpleNamespace(request=SimpleNamespace(path="/voila/render/00-welcome.ipynb")), {}, 1, None, None, {})


def test_pages_get_the_do_nothing_typesetter():
    config = upstream.no_mathjax_page_config({"fullMathjaxUrl": "https://cdn.example/mathjax.js"})
    assert config["fullMathjaxUrl"] == upstream.NO_MATHJAX
    assert config["fullMathjaxUrl"].startswith("data:text/javascript,")


def test_the_tested_ranges_are_the_ones_pyproject_allows():
    """What a patch was tested with is what the package may be installed with, and no more."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    declared = {canonicalize_name(r.name): r.specifier for r in map(Requirement, pyproject["project"]["dependencies"])}
    for project, tested in upstream.TESTED.items():
        if project != "python":
            assert declared[canonicalize_name(project)] == SpecifierSet(tested), project
    assert SpecifierSet(pyproject["project"]["requires-python"]).contains(upstream.installed_version("python"))
