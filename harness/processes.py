"""What a stack's processes are doing, read with psutil: their groups, their sockets, their CPU time.

Each Airflow component leads a process group (and session) of its own, and the task-SDK supervisor puts
every task runner in yet another group. Stopping a stack, checking that it only listens on loopback and
splitting a benchmark's CPU time all start from those groups. psutil (installed with Airflow) reads the
process table, sockets and CPU times; the standard library adds what psutil does not expose, a process's
group and session (``os.getpgid``, ``os.getsid``). Linux and macOS; the stacks never run elsewhere.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping

import psutil

_GONE = (psutil.NoSuchProcess, psutil.ZombieProcess, ProcessLookupError)


def descendant_groups(roots: Iterable[int]) -> set[int]:
    """Process groups of every live descendant of ``roots``, never the caller's own group.

    Collect these before signalling ``roots``: once a parent exits its children are re-parented and can
    no longer be traced back to it.
    """
    groups: set[int] = set()
    for root in roots:
        try:
            children = psutil.Process(root).children(recursive=True)
        except _GONE:
            continue
        for child in children:
            try:
                groups.add(os.getpgid(child.pid))
            except _GONE:
                continue
    return groups - {os.getpgrp()}


def session_members(sessions: Iterable[int]) -> set[int]:
    """Pids of every live process whose session is one of ``sessions``, descendants that moved to a
    group of their own included."""
    wanted = set(sessions)
    members: set[int] = set()
    for pid in psutil.pids():
        try:
            if os.getsid(pid) in wanted:
                members.add(pid)
        except _GONE:
            continue
    return members


def listening_addresses(pids: Iterable[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state that one of ``pids`` holds."""
    listeners: set[tuple[str, int]] = set()
    for pid in pids:
        try:
            connections = psutil.Process(pid).net_connections(kind="tcp")
        except _GONE:
            continue
        listeners |= {
            (conn.laddr.ip, conn.laddr.port) for conn in connections if conn.status == psutil.CONN_LISTEN
        }
    return listeners


def cpu_seconds(process: psutil.Process) -> float:
    """User plus system CPU seconds of ``process`` and of the children it has reaped."""
    times = process.cpu_times()
    return float(times.user + times.system + times.children_user + times.children_system)


def cpu_by_component(
    leaders: Mapping[str, int],
    members_as: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """CPU seconds of every live process in each component's process group, keyed by component name.

    ``leaders`` maps a component's name to the pid that leads its group (``AirflowStack.pids``). A
    process of the group other than the leader counts under ``members_as[name]`` when given, so the
    scheduler's executor workers (and the tasks they reap) can be told apart from the scheduler itself.
    A process that exits between two readings takes its CPU time with it, unless its parent reaped it.
    """
    names = {pgid: name for name, pgid in leaders.items()}
    renamed = dict(members_as or {})
    out: defaultdict[str, float] = defaultdict(float)
    for process in psutil.process_iter():
        try:
            pgid = os.getpgid(process.pid)
            if pgid not in names:
                continue
            name = names[pgid]
            if process.pid != pgid:
                name = renamed.get(name, name)
            out[name] += cpu_seconds(process)
        except _GONE:
            continue
    return dict(out)
