"""Printable handouts: every module (and, for trainers, every facilitator guide) as an HTML page
and a PDF, and the curriculum's glossary for interpreters. Modules are executed in print mode
(``shine.kit.printing``) so widgets become tables and lists, and what the notebook tells its reader
to do on screen (run the grey cells with Shift + Enter, use the buttons) is replaced by what to do
on paper. The PDF is printed by Debian's Chromium, already installed for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import nbformat

from shine import content
from shine.i18n import DEFAULT_LANGUAGE, _, get_language
from shine.web.html import esc
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


GLOSSARY = "glossary"  # the glossary handout's file name, and the `shine handouts glossary` choice
# Sentences that only make sense on a screen: running cells, kiosks, "the page is ready as it is".
NOTEBOOK_ONLY = re.compile(r"shift\s*\+\s*enter|\bgr[ae]y cells?\b|\bwhen a cell\b|\bJupyterLab\b|\bVoila\b"
                           r"|\bpage is ready as it is\b", re.I)
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*?)\.ipynb\)")


class HandoutError(RuntimeError):
    pass


def paper_instructions() -> str:
    return _("**On paper:** write your answers in the boxes, and in each list tick the box of the choice "
             "that fits (more than one only where the question asks for it).")


def paper_markdown(source: str, *, instructions: bool = True) -> tuple[str, bool]:
    """A markdown cell as it reads on paper: sentences telling the reader how to use the notebook are
    dropped, and where the first of them stood come :func:`paper_instructions` (``instructions``);
    a link to another notebook is its text (the glossary's: "the glossary handout"). Returns the
    text and whether notebook instructions were found."""
    def link(match: re.Match) -> str:
        name = match.group(2).rsplit("/", 1)[-1]
        return _("{text} handout").format(text=match.group(1)) if name == GLOSSARY else match.group(1)

    out, found = [], False
    for paragraph in re.split(r"\n\s*\n", source):
        if paragraph.lstrip().startswith(("#", "|", "```", "<")) or not NOTEBOOK_ONLY.search(paragraph):
            out.append(NOTEBOOK_LINK.sub(link, paragraph))
            continue
        if instructions and not found:
            out.append(paper_instructions())
        found = True
        kept = [s for s in re.split(r"(?<=[.!?])\s+", paragraph.strip()) if not NOTEBOOK_ONLY.search(s)]
        if kept:
            out.append(NOTEBOOK_LINK.sub(link, " ".join(kept)))
    return "\n\n".join(out), found


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        raise HandoutError(_("Printing to PDF needs Chromium (Debian package chromium); the HTML pages "
                             "were written and can be printed from any browser."))
    return found


def localized_notebook(path: Path) -> Path:
    """The module's notebook in the session's language (``modules/<lang>/``, which also runs its
    kernel in that language), or the English one."""
    lang = get_language()
    translated = path.parent / lang / path.name
    return translated if lang != DEFAULT_LANGUAGE and translated.exists() else path


def module_html(module_id: str, *, timeout: int = 120) -> str:
    """Execute a module in print mode and return it as one self-contained HTML page."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    module = content.get("module", module_id)
    path = localized_notebook(curriculum_root() / module.notebook)
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
    told = False
    for cell in nb.cells:  # hide code, keep the text: exclude_input would drop the markdown too
        if cell.cell_type == "code":
            cell.metadata["transient"] = {"remove_source": True}
        else:
            cell.source, found = paper_markdown(cell.source, instructions=not told)
            told = told or found
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


def _sort_key(text: str) -> str:
    """Alphabetical as a reader expects: "École" between "Ecology" and "Education"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def glossary_html() -> str:
    """Every term of the curriculum's glossary (``glossary.yaml``) with its meaning, in alphabetical
    order, and a column for interpreters to write the word in the family's language."""
    intro = content.load().glossary.intro.text
    terms = sorted(content.items("term"), key=lambda t: _sort_key(t.term))
    title = _("Glossary: the words of Time to Shine")
    note = _("For interpreters: every word in alphabetical order, with room to write it in your language.")
    also = _("Also: {words}")
    rows = "".join(f"<tr><th scope='row'>{esc(t.term)}</th><td>{esc(t.meaning)}"
                   + (f"<br><small>{esc(also.format(words=', '.join(t.also)))}</small>" if t.also else "")
                   + "</td><td></td></tr>" for t in terms)
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in (_("Term"), _("What it means"), _("In your language")))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(title)}</title>{PRINT_CSS}"
            "<style>table{border-collapse:collapse;width:100%;break-inside:auto}td,th{border:1px solid #bbb;padding:4px 6px;"
            "vertical-align:top;text-align:left}thead{display:table-header-group}tr{break-inside:avoid}"
            "tbody th{width:22%}tbody td:last-child{width:24%}</style></head><body>"
            f"<h1>{esc(title)}</h1><p>{esc(intro)}</p><p>{esc(note)}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></body></html>")


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: int = 120) -> Path:
    with tempfile.TemporaryDirectory(prefix="shine-chromium-") as profile:
        run = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                              f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
                             capture_output=True, text=True, timeout=timeout)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise HandoutError(_("Chromium could not print {name}: {detail}").format(
            name=html_path.name, detail=(run.stderr or "").strip().splitlines()[-1:] or ""))
    return pdf_path


def build(out_dir: Path, *, modules: list[str] | None = None, guides: bool = True, glossary: bool = True,
          pdf: bool = True, progress=None) -> list[Path]:
    """Write ``<module>.html``/``.pdf`` (and ``<module>-guide.html``/``.pdf``) into ``out_dir``, and
    ``glossary.html``/``.pdf`` (``glossary``). ``modules=[]`` writes no module: the glossary alone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen = modules if modules is not None else [
        m.id for m in sorted(content.items("module"), key=lambda m: m.number) if (curriculum_root() / m.notebook).exists()]
    written = []
    steps = len(chosen) + bool(glossary)
    for i, module_id in enumerate(chosen, start=1):
        if progress:
            progress(i, steps, module_id)
        pages = [(f"{module_id}.html", module_html(module_id))]
        if guides:
            pages.append((f"{module_id}-guide.html", guide_html(module_id)))
        written += _write(out_dir, pages, pdf)
    if glossary:
        if progress:
            progress(steps, steps, GLOSSARY)
        written += _write(out_dir, [(f"{GLOSSARY}.html", glossary_html())], pdf)
    return written


def _write(out_dir: Path, pages: list[tuple[str, str]], pdf: bool) -> list[Path]:
    written = []
    for name, html in pages:
        path = out_dir / name
        path.write_text(html, encoding="utf-8")
        written.append(path)
        if pdf:
            written.append(print_pdf(path, path.with_suffix(".pdf")))
    return written
