"""Employees' names for the views: trygd keeps no staff register, so a name comes from the
employee's own audit records (every action they take writes one, with the name from their
token). An employee with no record yet is shown by their id."""

from __future__ import annotations

from sqlalchemy import func, select

from trygd.services.unit_of_work import UnitOfWork
from trygd.store.models import AuditRecord


def employee_name(uow: UnitOfWork, actor_id: str | None) -> str | None:
    """The name to show for `actor_id`; None for no one, the id itself if no name is known."""
    if not actor_id:
        return None
    if actor_id == uow.actor.id:
        return uow.actor.name
    name = uow.session.scalars(
        select(AuditRecord.actor_name).where(AuditRecord.actor_id == actor_id).limit(1)
    ).first()
    return name or actor_id


def employee_names(uow: UnitOfWork, actor_ids: set[str]) -> dict[str, str]:
    """Names for many ids in one query (the task list, the history)."""
    ids = {a for a in actor_ids if a}
    if not ids:
        return {}
    rows = uow.session.execute(
        select(AuditRecord.actor_id, func.max(AuditRecord.actor_name))
        .where(AuditRecord.actor_id.in_(ids))
        .group_by(AuditRecord.actor_id)
    ).all()
    names = {actor_id: name for actor_id, name in rows if name}
    if uow.actor.id in ids:
        names[uow.actor.id] = uow.actor.name
    return {a: names.get(a, a) for a in ids}
