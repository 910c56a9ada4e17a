"""Rooms over the REST API: what can be lent, its capacity and equipment (read only).

A borrower sees the rooms that can be booked, staff every room, as on the
availability page (:func:`app.domain.scheduling.availability.visible_rooms`).
"""
from flask import g
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import Schema, fields

from app.api.common import ERROR_SCHEMAS, ApiBase, api_errors, openapi
from app.domain.scheduling.availability import visible_rooms
from app.models.rooms import EquipmentCondition
from app.security.scope import is_staff


class EquipmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    condition = fields.String(required=True,
                              metadata={"enum": list(EquipmentCondition.codes())})
    condition_label = fields.String(required=True)


class RoomSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    location = fields.String(required=True, allow_none=True)
    capacity = fields.Integer(required=True)
    prep_buffer_minutes = fields.Integer(
        required=True, metadata={"description": "Minutes kept free after a booking "
                                                "to set the room up again"})
    description = fields.String(required=True, allow_none=True)
    is_active = fields.Boolean(required=True,
                               metadata={"description": "Whether it can be booked"})
    equipment = fields.List(fields.Nested(EquipmentSchema), required=True)


class RoomListSchema(Schema):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(RoomSchema), required=True)


class RoomApi(ApiBase, BaseApi):
    resource_name = "rooms"
    base_permissions = ["can_get"]
    openapi_spec_tag = "Rooms"
    openapi_spec_component_schemas = (EquipmentSchema, RoomSchema, RoomListSchema,
                                      *ERROR_SCHEMAS)

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("get")
    @openapi("get", "Rooms with capacity and equipment", (
        200, "The rooms, by name", {"application/json": {"schema": {
            "$ref": "#/components/schemas/RoomListSchema"}}}),
        description="Staff get every room; a borrower the rooms that can be booked.")
    def get_list(self):
        """The rooms the caller may look at, with their equipment."""
        rooms = visible_rooms(is_staff(g.user))
        return self.response(200, count=len(rooms),
                             result=RoomSchema(many=True).dump(rooms))
