"""/members: the team members who take over conversations from the AI agent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from skchat.kit.context import Ctx, require
from skchat.kit.pagination import ListParams, list_params_dependency
from skchat.kit.routes import api_router
from skchat.kit.schemas import Deleted
from skchat.members import service
from skchat.members.schemas import Member, MemberCreate, MemberList, MemberUpdate

router = api_router("/members", "Members")

# One scope for reading and writing: the team roster is workspace administration.
MembersManage = Annotated[Ctx, Depends(require("members:manage"))]
Newest = Annotated[ListParams, Depends(list_params_dependency("desc"))]


@router.post("", status_code=201, response_model=Member)
async def create_member(ctx: MembersManage, body: MemberCreate) -> dict[str, Any]:
    """Add a team member; an email already in use is a 409 conflict."""
    return await service.create(ctx.conn, ctx.principal.scope, body)


@router.get("", response_model=MemberList)
async def list_members(ctx: MembersManage, params: Newest) -> dict[str, Any]:
    """List team members, newest first."""
    return await service.list_(ctx.conn, ctx.principal.scope, params)


@router.get("/{member_id}", response_model=Member)
async def get_member(ctx: MembersManage, member_id: str) -> dict[str, Any]:
    """Retrieve a team member."""
    return await service.get(ctx.conn, ctx.principal.scope, member_id)


@router.patch("/{member_id}", response_model=Member)
async def update_member(ctx: MembersManage, member_id: str, body: MemberUpdate) -> dict[str, Any]:
    """Change a team member's name, email or role."""
    return await service.update(ctx.conn, ctx.principal.scope, member_id, body)


@router.delete("/{member_id}", response_model=Deleted)
async def delete_member(ctx: MembersManage, member_id: str) -> dict[str, Any]:
    """Delete a team member; conversations assigned to them keep no assignee."""
    return await service.delete(ctx.conn, ctx.principal.scope, member_id)
