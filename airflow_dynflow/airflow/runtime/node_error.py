"""Why a generated node failed, for the "Dynamic graph" view: a record the page can show on the box.

The api-server never reads logs or imports user code, so the failing worker leaves the exception's
class name and first line as an XCom before re-raising. It is signed for its place, as everything
read back is: a record moved to another node, or edited, or pushed by anyone without the key is
ignored, and the page shows it only as text.
"""

from __future__ import annotations

from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.signing import Signer

__all__ = ["ERROR_KEY", "FIRST_LINE_LIMIT", "NodeError", "error_record", "first_line", "verified_error"]

ERROR_KEY = "dynflow_error"
# Enough to say what went wrong; the full traceback is in the log the box links.
FIRST_LINE_LIMIT = 300
_FIELDS = {"node", "type", "line", "sig"}

NodeError = tuple[str, str, str]  # node id (n7), exception class name, first line


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= FIRST_LINE_LIMIT else line[: FIRST_LINE_LIMIT - 1] + "…"


def error_record(
    signer: Signer, dag_id: str, run_id: str, task_id: str, map_index: int, node: str, exc: BaseException
) -> dict[str, str]:
    where = location(dag_id, run_id, task_id, map_index)
    kind, line = type(exc).__name__, first_line(exc)
    sig = signer.sign("node-error", where, node, kind, line)
    return {"node": node, "type": kind, "line": line, "sig": sig}


def verified_error(
    signer: Signer, record: object, dag_id: str, run_id: str, task_id: str, map_index: int
) -> NodeError | None:
    """(node, class, first line) if ``record`` is one we signed for this instance, else None."""
    if not isinstance(record, dict) or set(record) != _FIELDS:
        return None
    node, kind, line = record["node"], record["type"], record["line"]
    if not all(isinstance(v, str) for v in (node, kind, line, record["sig"])):
        return None
    where = location(dag_id, run_id, task_id, map_index)
    return (node, kind, line) if signer.verify(record["sig"], "node-error", where, node, kind, line) else None
