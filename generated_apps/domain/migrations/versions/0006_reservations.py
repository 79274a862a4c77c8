"""Facility reservations: resources with weekly schedules, their slots, and bookings.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("schedule", sa.JSON, nullable=False),
        sa.Column("closed_dates", sa.JSON, nullable=False),
        sa.Column("holidays_closed", sa.Boolean, nullable=False),
        sa.Column("days_ahead", sa.Integer, nullable=False),
        sa.Column("hours_before", sa.Integer, nullable=False),
        sa.Column("monthly_limit", sa.Integer),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "slot",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("resource_id", sa.Integer, sa.ForeignKey("resource.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.UniqueConstraint("resource_id", "starts_at"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_booked_within_capacity"),
    )
    op.create_index("ix_slot_resource_id", "slot", ["resource_id"])
    op.create_index("ix_slot_starts_at", "slot", ["starts_at"])
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slot_id", sa.Integer, sa.ForeignKey("slot.id"), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("entered_by", sa.String(100)),
    )
    op.create_index("ix_booking_slot_id", "booking", ["slot_id"])
    op.create_index("ix_booking_reference", "booking", ["reference"], unique=True)
    op.create_index("ix_booking_phone", "booking", ["phone"])


def downgrade() -> None:
    for index, table in (("ix_booking_phone", "booking"), ("ix_booking_reference", "booking"),
                         ("ix_booking_slot_id", "booking")):
        op.drop_index(index, table)
    op.drop_table("booking")
    op.drop_index("ix_slot_starts_at", "slot")
    op.drop_index("ix_slot_resource_id", "slot")
    op.drop_table("slot")
    op.drop_table("resource")
