"""Under a Pelican class that never looks at the problem list (``PELICAN_CLASS =
"pelican.Pelican"``, the plain ``pelican`` command), the problems the plugins report would be
lost and the site written anyway: the build stops before writing, with every problem found."""

from __future__ import annotations

from pelican import signals

from publishing.problems import ContentError, Problem, problems_collected, problems_of

HINT = ("nothing was written. The plain Pelican class does not check content: build with "
        "`make html` (python -m publishing build)")


def connect_last(_pelican) -> None:
    """initialized: every plugin has connected its handlers by now, so the refusal runs after
    those that report problems when the generators are finalized."""
    signals.all_generators_finalized.connect(refuse_reported_problems)


def refuse_reported_problems(generators: list) -> None:
    """all_generators_finalized: stop a build nobody collects problems from, if it has any."""
    if not generators:
        return
    context = generators[0].context
    if problems_collected(context) or not problems_of(context):
        return
    stop(context, problems_of(context))


def stop(context: dict, problems: list[Problem]) -> None:
    """Stop the build at ``problems`` found before the usual reporting point: ContentError for
    the build that collects problems, a plain message for one that does not."""
    if problems_collected(context):
        raise ContentError(problems)
    problems = ContentError(problems).problems  # sorted, each once
    noun = "problem" if len(problems) == 1 else "problems"
    # SystemExit: the pelican command prints it plainly (any other exception with a traceback).
    raise SystemExit("\n".join(map(str, problems)) + f"\n{len(problems)} content {noun} found; "
                     + HINT)
