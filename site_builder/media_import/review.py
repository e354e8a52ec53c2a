"""The folder import told to a person: per product, each file it gets and why (by its id, GTIN,
name, folder, lot code) and what was done to it; the files already there; then every file not
imported with its reason, and the totals. Vietnamese by default, English with ``lang="en"``."""

from __future__ import annotations

from site_builder.media_import.plan import FileOutcome, FolderPlan
from site_builder.media_import.texts import message


def _say(code: str, lang: str, **values: object) -> str:
    return message(code, **values).text(lang)


def review_lines(plan: FolderPlan, shown_folder: str, lang: str = "vi") -> list[str]:
    files = len(plan.outcomes)
    lines = [_say("review_folder", lang, folder=shown_folder, files=files)
             + (_say("review_system", lang, count=plan.system_files) if plan.system_files else "")]
    by_product: dict[str, list[FileOutcome]] = {}
    for outcome in plan.outcomes:
        if outcome.action in ("photo", "document", "same") and outcome.product_id:
            by_product.setdefault(outcome.product_id, []).append(outcome)
    for product_id in sorted(by_product):
        lines.extend(_product_lines(plan, product_id, by_product[product_id], lang))
    return lines


def _product_lines(plan: FolderPlan, product_id: str, outcomes: list[FileOutcome],
                   lang: str) -> list[str]:
    name = plan.names.get(product_id, product_id)
    added = [o for o in outcomes if o.added]
    photos = sum(1 for o in added if not o.lot)
    if added:
        documents = len(added) - photos
        what = ", ".join(part for part in (
            _say("count_photo" if photos == 1 else "count_photos", lang, count=photos)
            if photos else "",
            _say("count_document" if documents == 1 else "count_documents", lang,
                 count=documents) if documents else "") if part)
        head = _say("head_add", lang, id=product_id, name=name, what=what)
    else:
        head = _say("head_same", lang, id=product_id, name=name)
    lines = [head]
    for outcome in sorted(outcomes, key=lambda o: o.lot is not None):  # photos first
        lines.append("    " + _file_line(outcome, lang))
    return lines


def _file_line(outcome: FileOutcome, lang: str) -> str:
    if outcome.action == "same":
        return _say("line_same", lang, file=outcome.file.shown, same=outcome.same_as or "—")
    how = "; ".join(m.text(lang) for m in outcome.how)
    done = _notes(outcome, lang)
    why = f" ({how}{'; ' + done if done else ''})"
    if outcome.lot:
        return _say("line_document", lang, lot=outcome.lot, title=outcome.title,
                    target=outcome.target, file=outcome.file.shown) + why
    return _say("line_photo", lang, target=outcome.target, file=outcome.file.shown) + why


def _notes(outcome: FileOutcome, lang: str) -> str:
    """What was done to the file, in words."""
    prepared = outcome.prepared
    if prepared is None:
        return ""
    said = []
    for note in prepared.notes:
        if note == "note_scaled":
            (w_in, h_in), (w, h) = prepared.size_in, prepared.size_out
            said.append(_say(note, lang, before=f"{w_in}×{h_in}", after=f"{w}×{h}"))
        else:
            said.append(_say(note, lang))
    return ", ".join(said)


def problem_lines(plan: FolderPlan, shown_folder: str, lang: str = "vi") -> list[str]:
    """Every file not imported (and every warning), one line each, by name."""
    prefix = shown_folder.rstrip("/") + "/"
    return [prefix + problem.format(lang) for problem in plan.all_problems]


def totals_line(plan: FolderPlan, lang: str = "vi", dry_run: bool = False) -> str:
    outcomes = plan.outcomes
    photos = sum(1 for o in outcomes if o.action == "photo")
    documents = sum(1 for o in outcomes if o.action == "document")
    products = len({o.product_id for o in outcomes if o.added})
    same = sum(1 for o in outcomes if o.action == "same")
    errors = plan.errors
    questions = sum(1 for p in errors if p.code.startswith("ask_"))
    others = sum(1 for p in plan.all_problems if not p.error)
    return _say("totals_dry_run" if dry_run else "totals", lang, photos=photos,
                documents=documents, products=products, same=same, errors=len(errors),
                questions=questions, others=others)
