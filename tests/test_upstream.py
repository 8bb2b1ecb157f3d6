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
    (upstream.voila_pools_hand_out_ready_kernels_only, "voila"),
    (lambda: upstream.voila_pools_follow("plan.json", "status.json"), "voila"),
    (upstream.kernel_ports_outside_ephemeral_range, "jupyter_client"),
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


def test_kernel_ports_are_never_in_the_range_outgoing_connections_take_theirs_from():
    import socket

    from jupyter_client.connect import LocalPortCache

    upstream.kernel_ports_outside_ephemeral_range()
    patched = LocalPortCache.find_available_port
    upstream.kernel_ports_outside_ephemeral_range()
    assert LocalPortCache.find_available_port is patched  # once only
    cache = LocalPortCache()
    ports = [cache.find_available_port("127.0.0.1") for _ in range(50)]
    assert len(set(ports)) == 50 and all(10000 <= p < 32768 for p in ports)
    for port in ports:  # each can be bound by its kernel
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_a_pool_counts_only_its_ready_kernels():
    import asyncio

    import voila.app as app
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    upstream.voila_pools_hand_out_ready_kernels_only()
    upstream.voila_pools_hand_out_ready_kernels_only()
    assert app.voila_kernel_manager_factory.ready_kernels_only
    cls = app.voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1)

    async def check():
        loop = asyncio.get_running_loop()
        ready, queued, failed = loop.create_future(), loop.create_future(), loop.create_future()
        ready.set_result({"kernel_id": "k1"})
        failed.set_exception(RuntimeError("died"))
        manager = cls.__new__(cls)
        manager._pools = {"kiosk.ipynb": [queued, failed, ready]}  # a replacement still waiting its delay
        assert manager.get_pool_size("kiosk.ipynb") == 1 and manager.get_pool_size("other.ipynb") == 0
        manager._pools["kiosk.ipynb"].remove(ready)
        assert manager.get_pool_size("kiosk.ipynb") == 0  # Voila would have counted 2 and waited on one
        queued.cancel()

    # In a thread of its own: a browser test before this one may have left a loop running in this one.
    import threading

    failure = []
    thread = threading.Thread(target=lambda: _run_catching(check, failure))
    thread.start()
    thread.join(30)
    assert not failure, failure[0]


def _run_catching(coroutine_function, failure: list) -> None:
    import asyncio

    try:
        asyncio.run(coroutine_function())
    except BaseException as exc:  # noqa: BLE001 -- reported by the test's own thread
        failure.append(exc)
