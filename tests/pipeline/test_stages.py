"""The stages are listed once, in the order a request meets them, and each is a module here."""

from pathlib import Path

import sandbox.pipeline as pipeline


def test_every_stage_module_is_listed_in_order():
    names = [stage.__name__.rsplit(".", 1)[1] for stage in pipeline.STAGES]
    assert names == [
        "dispatch",
        "limits",
        "host",
        "route",
        "authenticate",
        "throttle",
        "faults",
        "decode",
        "validate",
        "handle",
        "respond",
        "record",
    ]
    modules = {p.stem for p in Path(pipeline.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == set(names)


def test_the_docstring_lists_the_stages_in_the_same_order():
    listed = [line.split()[0] for line in pipeline.__doc__.splitlines() if line.startswith("    ")]
    assert listed == [stage.__name__.rsplit(".", 1)[1] for stage in pipeline.STAGES]
