"""Run-of-show agendas: a template from content, the modules a trainer chooses, clock times, and a
check that the whole thing fits the time available."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shine import content
from shine.i18n import _
from shine.web.html import esc, page


class AgendaError(ValueError):
    """The request cannot make an agenda (unknown template or module, bad time)."""


@dataclass(frozen=True)
class Slot:
    title: str
    kind: str
    minutes: int
    start: datetime
    purpose: str
    led_by: str | None = None
    module_id: str | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass
class Agenda:
    name: str
    slots: list[Slot]
    available_minutes: int
    timing_note: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.slots)

    @property
    def fits(self) -> bool:
        return self.total_minutes <= self.available_minutes

    @property
    def start(self) -> datetime:
        return self.slots[0].start

    @property
    def end(self) -> datetime:
        return self.slots[-1].end


def parse_clock(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%H:%M")
    except ValueError:
        raise AgendaError(_("{text!r} is not a time of day; write it like 15:00 or 09:30.").format(text=text)) from None


def build(template_id: str, modules: list[str] | tuple[str, ...] = (), *, start: str = "09:00",
          available_minutes: int | None = None) -> Agenda:
    """The template's segments in order; the chosen modules take the place of its learning segment."""
    try:
        template = content.get("agenda", template_id)
    except KeyError:
        names = ", ".join(t.id for t in content.items("agenda"))
        raise AgendaError(_("There is no agenda template {id!r}; choose one of: {names}.").format(
            id=template_id, names=names)) from None
    chosen = []
    for module_id in modules:
        try:
            chosen.append(content.get("module", module_id))
        except KeyError:
            raise AgendaError(_("There is no module {id!r}.").format(id=module_id)) from None
    if available_minutes is not None and available_minutes <= 0:
        raise AgendaError(_("The time available must be more than 0 minutes."))
    clock = parse_clock(start)
    slots: list[Slot] = []
    placed = False
    for segment in template.segments:
        if segment.kind == "module" and chosen:
            if not placed:
                for m in chosen:
                    minutes = m.teaching_minutes + m.exercise_minutes
                    slots.append(Slot(_("Module {n}: {title}").format(n=m.number, title=m.title), "module", minutes,
                                      clock, m.questions[0], segment.led_by, m.id))
                    clock += timedelta(minutes=minutes)
                placed = True
            continue
        slots.append(Slot(segment.title, segment.kind, segment.minutes, clock, segment.purpose, segment.led_by))
        clock += timedelta(minutes=segment.minutes)
    agenda = Agenda(template.name, slots, available_minutes or template.total_minutes, template.timing_note)
    if chosen and not any(s.kind == "module" for s in template.segments):
        agenda.problems.append(_("This template has no learning segment, so the modules were not placed."))
    if not agenda.fits:
        over = agenda.total_minutes - agenda.available_minutes
        longest = max((s for s in slots if s.kind == "module"), key=lambda s: s.minutes, default=None)
        hint = _(" The longest module is {title} ({n} min).").format(title=longest.title, n=longest.minutes) \
            if longest else ""
        agenda.problems.append(_("The agenda runs {over} minutes over the {available} available: choose fewer "
                                 "modules or shorten a segment.").format(over=over, available=agenda.available_minutes)
                               + hint)
    return agenda


def _clock(t: datetime) -> str:
    return t.strftime("%H:%M")


def _leader(role_id: str | None) -> str:
    return content.get("role", role_id).name if role_id else ""


def as_text(agenda: Agenda) -> str:
    lines = [agenda.name, "=" * len(agenda.name)]
    for s in agenda.slots:
        lead = f"  [{_leader(s.led_by)}]" if s.led_by else ""
        lines.append(f"{_clock(s.start)}-{_clock(s.end)}  {s.minutes:>3} min  {s.title}{lead}")
    lines.append(_("Total: {total} of {available} minutes").format(total=agenda.total_minutes,
                                                                    available=agenda.available_minutes))
    lines += [f"! {p}" for p in agenda.problems]
    return "\n".join(lines)


def as_markdown(agenda: Agenda) -> str:
    head = [_("Time"), _("Minutes"), _("Segment"), _("Led by"), _("Purpose")]
    rows = [f"# {agenda.name}", ""]
    if agenda.timing_note:
        rows += [f"*{agenda.timing_note}*", ""]
    rows += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in agenda.slots:
        cells = [f"{_clock(s.start)}-{_clock(s.end)}", str(s.minutes), s.title, _leader(s.led_by), s.purpose]
        rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    rows += ["", _("Total: {total} of {available} minutes").format(total=agenda.total_minutes,
                                                                   available=agenda.available_minutes)]
    rows += [f"> {p}" for p in agenda.problems]
    return "\n".join(rows) + "\n"


def as_html(agenda: Agenda) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in (_("Time"), _("Minutes"), _("Segment"), _("Led by"), _("Purpose")))
    body = "".join(
        f"<tr><td>{_clock(s.start)}&ndash;{_clock(s.end)}</td><td>{s.minutes}</td><td>{esc(s.title)}</td>"
        f"<td>{esc(_leader(s.led_by))}</td><td>{esc(s.purpose)}</td></tr>" for s in agenda.slots)
    total = esc(_("Total: {total} of {available} minutes").format(total=agenda.total_minutes,
                                                                 available=agenda.available_minutes))
    note = f"<p><em>{esc(agenda.timing_note)}</em></p>" if agenda.timing_note else ""
    problems = "".join(f'<div class="shine-box shine-note">{esc(p)}</div>' for p in agenda.problems)
    return page(f"<h2>{esc(agenda.name)}</h2>{note}<table>{head}{body}</table><p>{total}</p>{problems}")
