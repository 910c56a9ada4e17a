"""Rooms that can be lent, and the equipment in each."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db


class EquipmentCondition(Choices):
    GOOD = "good"
    DAMAGED = "damaged"
    UNDER_REPAIR = "under_repair"
    LABELS = (
        (GOOD, _l("Good")),
        (DAMAGED, _l("Damaged")),
        (UNDER_REPAIR, _l("Under repair")),
    )


class Room(db.Model):
    __tablename__ = "room"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(120), unique=True, nullable=False)
    location = sa.Column(sa.String(255), nullable=True)
    capacity = sa.Column(sa.Integer, nullable=False)
    # Minutes kept free between two bookings to set the room up again.
    prep_buffer_minutes = sa.Column(sa.Integer, nullable=False, default=30)
    description = sa.Column(sa.Text, nullable=True)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    equipment = relationship(
        "Equipment", back_populates="room", order_by="Equipment.name"
    )

    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="ck_room_capacity_positive"),
        sa.CheckConstraint("prep_buffer_minutes >= 0", name="ck_room_buffer"),
    )

    def __str__(self):
        return self.name


class Equipment(db.Model):
    __tablename__ = "equipment"

    id = sa.Column(sa.Integer, primary_key=True)
    room_id = sa.Column(sa.Integer, sa.ForeignKey("room.id"), nullable=False, index=True)
    name = sa.Column(sa.String(120), nullable=False)
    quantity = sa.Column(sa.Integer, nullable=False, default=1)
    condition = sa.Column(
        sa.String(20), nullable=False, default=EquipmentCondition.GOOD
    )
    # Short how-to shown on the room preparation checklist.
    operating_instructions = sa.Column(sa.Text, nullable=True)
    notes = sa.Column(sa.Text, nullable=True)

    room = relationship("Room", back_populates="equipment")

    __table_args__ = (
        sa.UniqueConstraint("room_id", "name", name="uq_equipment_room_name"),
        sa.CheckConstraint("quantity > 0", name="ck_equipment_quantity_positive"),
    )

    @property
    def condition_label(self):
        return EquipmentCondition.label(self.condition)

    def __str__(self):
        return self.name
