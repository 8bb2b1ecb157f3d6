"""Printable handouts: every module (and, for trainers, every facilitator guide) as an HTML page
and a PDF. Modules are executed in print mode (``shine.kit.printing``) so widgets become tables and
lists; the PDF is printed by Debian's Chromium, already installed for the browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from shine import content
from shine.i18n import _
from shine.web.paths import curriculum_root

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]
PRINT_CSS = """
<style>
@page { size: Letter; margin: 16mm 14mm; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; }
.jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
h1, h2, h3 { break-after: avoid; }
table, img, .shine-print-choice { break-inside: avoid; }
</style>
"""


class HandoutError(RuntimeError):
    pass


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        raise HandoutError(_("Printing to PDF needs Chromium (Debian package chromium); the HTML pages "
                             "were written and can be printed from any browser."))
    return found


def module_html(module_id: str, *, timeout: int = 120) -> str:
    """Execute a module in print mode and return it as one self-contained HTML page."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    module = content.get("module", module_id)
    path = curriculum_root() / module.notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import shine.kit.printing\nshine.kit.printing.install()"))
    with tempfile.TemporaryDirectory(prefix="shine-handout-") as home:
        env_before = os.environ.get("SHINE_HOME")
        os.environ["SHINE_HOME"] = home  # the handout run never writes into a real workshop's store
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        finally:
            if env_before is None:
                os.environ.pop("SHINE_HOME", None)
            else:
                os.environ["SHINE_HOME"] = env_before
    nb.cells.pop(0)
    for cell in nb.cells:  # hide code, keep the text: exclude_input would drop the markdown too
        if cell.cell_type == "code":
            cell.metadata["transient"] = {"remove_source": True}
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nb)
    title = _("Module {n}: {title}").format(n=module.number, title=module.title)
    body = body.replace("<title>Notebook</title>", f"<title>{title}</title>").replace("</head>", PRINT_CSS + "</head>")
    return body


def guide_html(module_id: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from .guide import render_markdown

    module = content.get("module", module_id)
    title = _("Facilitator guide, module {n}: {title}").format(n=module.number, title=module.title)
    body = markdown2html_mistune(render_markdown(module_id))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{PRINT_CSS}"
            "<style>table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 6px;"
            "vertical-align:top}</style></head><body>" + body + "</body></html>")


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 120) -> Path:
    with tempfile.TemporaryDirectory(prefix="shine-chromium-") as profile:
        run = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                              f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
                             capture_output=True, text=True, timeout=timeout)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise HandoutError(_("Chromium could not print {name}: {detail}").format(
            name=html_path.name, detail=(run.stderr or "").strip().splitlines()[-1:] or ""))
    return pdf_path


def build(out_dir: Path, *, modules: list[str] | None = None, guides: bool = True, pdf: bool = True,
          progress=None) -> list[Path]:
    """Write ``<module>.html``/``.pdf`` (and ``<module>-guide.html``/``.pdf``) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = modules or [m.id for m in sorted(content.items("module"), key=lambda m: m.number)
                         if (curriculum_root() / m.notebook).exists()]
    written = []
    for i, module_id in enumerate(chosen, start=1):
        if progress:
            progress(i, len(chosen), module_id)
        pages = [(f"{module_id}.html", module_html(module_id))]
        if guides:
            pages.append((f"{module_id}-guide.html", guide_html(module_id)))
        for name, html in pages:
            path = out_dir / name
            path.write_text(html, encoding="utf-8")
            written.append(path)
            if pdf:
                written.append(print_pdf(path, path.with_suffix(".pdf")))
    return written
