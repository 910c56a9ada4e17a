"""Master data kept by staff: rooms, their equipment, institutions, and the
local dates no room can be booked."""
import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, NumberRange, StopValidation

from app.domain import text_limits
from app.fab.interface import EagerInterface
from app.fab.model_view import ScopedModelView
from app.models import (
    ClosedDate,
    Equipment,
    EquipmentCondition,
    Institution,
    InstitutionKind,
    Room,
)
from app.platform.extensions import db
from app.platform.formatting import format_date, names, or_dash, yes_no
from app.web.forms import date_search_field, limited_columns, shown_as_field_error
from app.web.views.damage import report_damage_button

EQUIPMENT_TEXTS = limited_columns(text_limits.EQUIPMENT)
ROOM_TEXTS = limited_columns(text_limits.ROOM)
INSTITUTION_TEXTS = limited_columns(text_limits.INSTITUTION)
CLOSED_DATE_TEXTS = limited_columns(text_limits.CLOSED_DATE, {
    "reason": _l("Shown to borrowers whose request falls on this day, e.g. a city "
                 "event.")})


class EquipmentView(ScopedModelView):
    datamodel = EagerInterface(
        Equipment, list_loads=[joinedload(Equipment.room)],
        show_loads=[joinedload(Equipment.room)],
        choices={"condition": EquipmentCondition},
        sort_keys={
            "room": sa.select(Room.name).where(Room.id == Equipment.room_id)
            .scalar_subquery(),
            "condition_label": EquipmentCondition.sort_key(Equipment.condition),
        })
    route_base = "/equipment"
    list_title = _l("Equipment")
    show_title = _l("Equipment details")
    add_title = _l("Add equipment")
    edit_title = _l("Edit equipment")
    label_columns = {
        "room": _l("Room"),
        "name": _l("Name"),
        "quantity": _l("Quantity"),
        "condition": _l("Condition"),
        "condition_label": _l("Condition"),
        "operating_instructions": _l("Operating instructions"),
        "notes": _l("Notes"),
        "id": _l("Damage"),
    }
    # The condition follows the item's damage reports (app/domain/equipment_care.py):
    # it is reported from this list, not edited.
    list_columns = ["room", "name", "quantity", "condition_label", "id"]
    order_columns = ["room", "name", "quantity", "condition_label"]
    show_columns = ["room", "name", "quantity", "condition_label",
                    "operating_instructions", "notes"]
    add_columns = edit_columns = ["room", "name", "quantity",
                                  "operating_instructions", "notes"]
    search_columns = ["room", "name", "condition"]
    search_form_extra_fields = {"condition": SelectField(
        _l("Condition"), choices=EquipmentCondition.choices())}
    formatters_columns = {"operating_instructions": or_dash, "notes": or_dash,
                          "id": report_damage_button}
    validators_columns = {"quantity": [NumberRange(min=1, max=1000)],
                          **EQUIPMENT_TEXTS.validators}
    description_columns = EQUIPMENT_TEXTS.descriptions


class RoomView(ScopedModelView):
    datamodel = EagerInterface(Room)
    route_base = "/rooms"
    list_title = _l("Rooms")
    show_title = _l("Room details")
    add_title = _l("Add room")
    edit_title = _l("Edit room")
    label_columns = {
        "name": _l("Name"),
        "location": _l("Location"),
        "capacity": _l("Capacity (people)"),
        "prep_buffer_minutes": _l("Preparation time between bookings (minutes)"),
        "description": _l("Description"),
        "is_active": _l("Can be booked"),
        "equipment": _l("Equipment"),
    }
    list_columns = ["name", "location", "capacity", "is_active"]
    show_columns = ["name", "location", "capacity", "prep_buffer_minutes",
                    "description", "equipment", "is_active"]
    add_columns = edit_columns = ["name", "location", "capacity",
                                  "prep_buffer_minutes", "description", "is_active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "is_active": BooleanField(_l("Can be booked"), default=True),
    }
    formatters_columns = {
        "is_active": yes_no,
        "equipment": names,
        "location": or_dash,
        "description": or_dash,
    }
    validators_columns = {
        "capacity": [NumberRange(min=1, max=10_000)],
        "prep_buffer_minutes": [NumberRange(min=0, max=24 * 60)],
        **ROOM_TEXTS.validators,
    }
    description_columns = ROOM_TEXTS.descriptions


class InstitutionView(ScopedModelView):
    datamodel = EagerInterface(
        Institution, choices={"kind": InstitutionKind},
        sort_keys={"kind_label": InstitutionKind.sort_key(Institution.kind)})
    route_base = "/institutions"
    list_title = _l("Institutions")
    show_title = _l("Institution details")
    add_title = _l("Add institution")
    edit_title = _l("Edit institution")
    label_columns = {
        "name": _l("Name"),
        "kind": _l("Kind"),
        "kind_label": _l("Kind"),
        "address": _l("Address"),
        "phone": _l("Phone"),
        "email": _l("Email"),
    }
    list_columns = ["name", "kind_label", "phone", "email"]
    show_columns = ["name", "kind_label", "address", "phone", "email"]
    add_columns = edit_columns = ["name", "kind", "address", "phone", "email"]
    search_columns = ["name", "kind"]
    order_columns = ["name", "kind_label", "phone", "email"]
    search_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=InstitutionKind.choices())}
    formatters_columns = {"address": or_dash, "phone": or_dash, "email": or_dash}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=InstitutionKind.choices()),
    }
    validators_columns, description_columns = INSTITUTION_TEXTS


def _day_not_taken(form, field):
    """A second entry for a day already closed: say which, at the field."""
    if field.data is None:
        return  # empty or not a date: the field's own checks speak
    existing = db.session.query(ClosedDate).filter_by(day=field.data).one_or_none()
    if existing is not None and getattr(form, "_id", None) != existing.id:
        raise StopValidation(shown_as_field_error(gettext(
            "%(day)s is already an unavailable date (%(reason)s).",
            day=format_date(field.data), reason=existing.reason)))


class ClosedDateView(ScopedModelView):
    """Local dates no room can be booked (a city event), besides the national
    holidays and cuti bersama that come from the ``holidays`` package. The
    scheduling rules (app/domain/scheduling/rules.py) refuse a session on such a day
    and name the reason."""

    datamodel = EagerInterface(ClosedDate)
    route_base = "/closed-dates"
    list_title = _l("Unavailable dates")
    show_title = _l("Unavailable date details")
    add_title = _l("Add unavailable date")
    edit_title = _l("Edit unavailable date")
    label_columns = {"day": _l("Date"), "reason": _l("Reason")}
    description_columns = {
        "day": _l("No room can be booked on this day (national holidays and cuti "
                  "bersama are closed already)."),
        **CLOSED_DATE_TEXTS.descriptions,
    }
    list_columns = show_columns = ["day", "reason"]
    add_columns = edit_columns = ["day", "reason"]
    search_columns = ["day", "reason"]
    search_form_extra_fields = {"day": date_search_field(_l("Date"))}
    order_columns = ["day", "reason"]
    base_order = ("day", "asc")
    formatters_columns = {"day": format_date}
    validators_columns = {"day": [_day_not_taken], "reason": [
        DataRequired(), *CLOSED_DATE_TEXTS.validators["reason"]]}

    def _tidy(self, item):
        item.reason = (item.reason or "").strip()

    def pre_add(self, item):
        self._tidy(item)

    def pre_update(self, item):
        self._tidy(item)
