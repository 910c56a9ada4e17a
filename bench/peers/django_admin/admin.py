"""Django admin over the request table, configured as a Django developer
would for this list: the same columns, the request's institution joined
(``list_select_related``) and its sessions prefetched, 25 a page, newest
first, the activity searched, status and institution as filters; the
request's page read-only, with its sessions and history inline."""
from django.contrib import admin
from django.db.models import Prefetch
from django.utils import formats, timezone

from .models import LoanRequest, LoanSession, StatusHistory


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SessionInline(ReadOnly, admin.TabularInline):
    model = LoanSession
    fields = ("starts_at", "ends_at", "room", "occupying", "proposed")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room")


class HistoryInline(ReadOnly, admin.TabularInline):
    model = StatusHistory
    fields = ("created_at", "action", "from_status", "to_status", "actor", "actor_role",
              "note")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(LoanRequest)
class LoanRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("registration_number", "title", "institution", "schedule", "status",
                    "created_at")
    list_select_related = ("institution",)
    list_filter = ("status", "institution")
    # The same predicate as the panel's activity search (title contains).
    search_fields = ("title",)
    ordering = ("-created_at",)
    sortable_by = ("registration_number", "title", "created_at")
    list_per_page = 25
    fieldsets = (
        ("Permohonan", {"fields": (
            "registration_number", "kind", "status", "room", "title", "description",
            "participants", "no_buffet_pledge", "rejection_reason",
            "cancellation_reason")}),
        ("Peminjam", {"fields": ("institution", "borrower", "contact_name",
                                 "contact_phone")}),
        ("Surat", {"fields": ("letter_number", "letter_date", "subject", "created_at")}),
    )
    inlines = (SessionInline, HistoryInline)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match.url_name.endswith("_changelist"):
            return queryset.prefetch_related(Prefetch(
                "sessions", queryset=LoanSession.objects.filter(proposed=False)))
        return queryset.select_related("institution", "room", "borrower")

    @admin.display(description="jadwal")
    def schedule(self, loan):
        def day(moment):
            return formats.date_format(timezone.localtime(moment), "l, j F Y")

        def clock(moment):
            return formats.time_format(timezone.localtime(moment), "H.i")

        return "; ".join(
            f"{day(s.starts_at)}, {clock(s.starts_at)}–{clock(s.ends_at)} WIB"
            for s in loan.sessions.all())
