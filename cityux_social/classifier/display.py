"""How a stored model's selection and figures read in the admin (escaped HTML tables)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .model import NOT_A_REQUEST

KIND_NAMES = {
    "seeded": "rule-seeded (word and character n-grams + rule seeds)",
    "baseline": "tuned linear baseline (word 1-2-grams, balanced, C by CV)",
    "blend": "blend of the two (weighted mean of probabilities)",
}
TOO_FEW = "too few decisions to say"


def percent(value):
    return "—" if value is None else f"{value:.0%}"


def interval(figure, name):
    """ "76 % (62–86 %)" for `name` ("precision" or "recall") of one type's figures."""
    value = figure.get(name)
    if value is None:
        return "—"
    return f"{value:.0%} ({figure[name + '_low']:.0%}–{figure[name + '_high']:.0%})"


def candidates_table(record):
    """Each candidate's cross-validated macro-F1 and spread; the active kind marked."""
    if not record.candidates:
        return record.reason or _("Not compared.")
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}{}</th><td>{}</td><td>± {}</td></tr>",
        (
            (
                KIND_NAMES.get(name, name),
                _(" (chosen)") if name == record.kind else "",
                percent(scores["macro_f1"]),
                percent(scores["spread"]),
            )
            for name, scores in sorted(
                record.candidates.items(), key=lambda item: -item[1]["macro_f1"]
            )
        ),
    )
    return format_html(
        "<p>{}</p><table class='listing'><caption>{}</caption><thead><tr><th scope='col'>{}"
        "</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead><tbody>{}</tbody>"
        "</table>",
        record.reason,
        _("Candidates at this retrain"),
        _("Model"),
        _("Macro-F1 over request types"),
        _("Spread across repeats"),
        rows,
    )


def per_type_table(record, names):
    """Per-type decisions, precision and recall with 95 % intervals, or "too few to say"."""
    if not record.per_type:
        return _("No decisions yet.")

    def row(label, figure):
        name = names.get(label) or (
            _("Not a request") if label == NOT_A_REQUEST else _("Request type %s (deleted)") % label
        )
        if figure.get("too_few"):
            return (name, figure["decisions"], _(TOO_FEW), _(TOO_FEW))
        return (
            name,
            figure["decisions"],
            interval(figure, "precision"),
            interval(figure, "recall"),
        )

    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
        (row(label, figure) for label, figure in sorted(record.per_type.items())),
    )
    return format_html(
        "<table class='listing'><caption>{}</caption><thead><tr><th scope='col'>{}</th>"
        "<th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("Cross-validated figures by request type (95 % intervals)"),
        _("Request type"),
        _("Decisions"),
        _("Precision"),
        _("Recall"),
        rows,
    )


def routing_summary(record, review_confidence):
    """One sentence on the routing threshold in force for `record`."""
    if not record.measured:
        return _(
            "Too few decisions to measure a threshold: proposals below %(c)s confidence are "
            "reviewed (REVIEW_CONFIDENCE)."
        ) % {"c": percent(review_confidence)}
    if record.threshold is None:
        return _("No confidence reaches the target precision yet: every proposal is reviewed.")
    return _(
        "Proposals from %(t)s confidence skip review: %(p)s of them were right in "
        "cross-validation, covering %(c)s of the requests."
    ) % {
        "t": percent(record.threshold),
        "p": percent(record.routed_precision),
        "c": percent(record.coverage),
    }


def headline(record, review_confidence):
    """The hub's sentence: the active kind, its cross-validated macro-F1 and the routing rule."""
    kind = KIND_NAMES.get(record.kind, record.kind).split(" (")[0]
    if record.macro_f1 is None:
        quality = _("too few decisions to measure it")
    else:
        quality = _("macro-F1 %(f)s in cross-validation on %(n)s decisions") % {
            "f": percent(record.macro_f1),
            "n": record.decisions_used,
        }
    return f"{kind}, {quality}. {routing_summary(record, review_confidence)}"
