"""The report stage: findings.json -> report.html, report.md, junit.xml. Pure: no browser."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from auditor import data
from auditor.results import Findings


def environment(template_dir: Path | None = None) -> Environment:
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(FileSystemLoader(str(data.templates_dir())))
    return Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(findings: Findings, template_dir: Path | None = None) -> str:
    env = environment(template_dir)
    css = (data.templates_dir() / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html.j2").render(f=findings, css=css)


def write_report(findings: Findings, out_dir: Path, template_dir: Path | None = None) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(render_html(findings, template_dir), encoding="utf-8")
    return path
