"""The five roles and what each may do: the one place that decides it.

``GRANTS`` maps each role to the Flask-AppBuilder views (and menu entries)
it may use and the permissions it has on each. ``fab_roles()`` turns it into
``FAB_ROLES`` (checked at run time, no database look-up), and
``permission_matrix_markdown()`` writes it out as docs/permissions.md.
Which SOP step a role may take is decided by the workflow module.
"""
import re

ADMIN = "Admin"
KABID = "Kabid TKPBET"
KASI = "Kasi PK & AI"
ADMIN_PC = "Admin Pontive Center"
PEMINJAM = "Peminjam"

ALL_ROLES = (ADMIN, KABID, KASI, ADMIN_PC, PEMINJAM)
STAFF_ROLES = (ADMIN, KABID, KASI, ADMIN_PC)

READ = ("can_list", "can_show")
CRUD = READ + ("can_add", "can_edit", "can_delete")
MENU = ("menu_access",)
API_READ = ("can_get", "can_info")

# Every signed-in user may see and change their own account details. The
# profile page (/users/userinfo/) reaches the two forms through FAB's actions
# ``resetmypassword`` and ``userinfoedit``: without them it shows no buttons.
SELF_SERVICE = {
    "UserDBModelView": ("can_userinfo", "resetmypassword", "userinfoedit"),
    "UserInfoEditView": ("can_this_form_get", "can_this_form_post"),
    "ResetMyPasswordView": ("can_this_form_get", "can_this_form_post"),
}

# Flask-AppBuilder's own user and role administration.
SECURITY_ADMIN = {
    "UserDBModelView": CRUD + ("can_userinfo", "resetmypassword", "userinfoedit",
                               "resetpasswords"),
    "RoleModelView": CRUD + ("copyrole",),
    "UserInfoEditView": ("can_this_form_get", "can_this_form_post"),
    "ResetMyPasswordView": ("can_this_form_get", "can_this_form_post"),
    "ResetPasswordView": ("can_this_form_get", "can_this_form_post"),
    "Security": MENU,
    "List Users": MENU,
    "List Roles": MENU,
}

# Every signed-in role may see when a room is busy or free (a borrower sees
# other borrowers' bookings only as busy: app/web/views/availability.py), on the
# page and over the REST API with the rooms' list (app/api/).
AVAILABILITY = {"AvailabilityView": ("can_index",), "Room Availability": MENU,
                "RoomApi": ("can_get",), "AvailabilityApi": ("can_get",)}

# Every signed-in role may read the REST API's OpenAPI document and try it on
# the Swagger page (/swagger/v1).
API_DOCS = {"OpenApi": ("can_get",), "SwaggerView": ("can_show",)}

# Every signed-in role has the agenda and a private calendar feed, each of
# what that user may see of the bookings (app/domain/agenda.py, app/domain/calendar_feed.py).
AGENDA = {"AgendaView": ("can_index",), "Agenda": MENU,
          "CalendarFeedView": ("can_index",), "Calendar Subscription": MENU}

# The printed documents of one request: its disposition sheet (internal: staff
# only) and, once confirmed, its confirmation letter (a borrower: of their own
# requests).
LOAN_DOCUMENTS = ("can_disposition", "can_confirmation")
BORROWER_DOCUMENTS = ("can_confirmation",)

# Request views shared by all staff: they see every request and its letter.
STAFF_LOANS = {
    "LoanRequestView": READ + ("can_letter",) + LOAN_DOCUMENTS,
    "LoanRequestApi": API_READ + ("can_letter",) + LOAN_DOCUMENTS,
    "Loans": MENU,
    "Loan Requests": MENU,
    **AVAILABILITY,
    **AGENDA,
}

MASTER_DATA_MENUS = {"Master Data": MENU, "Rooms": MENU, "Equipment": MENU}

# Equipment care: any staff member reports damage and reads the reports; the
# Admin Pontive Center (and the Admin) take each report on to "repaired".
EQUIPMENT_CARE = {"DamageReportView": READ + ("can_add",), "Equipment Damage": MENU}
DAMAGE_FOLLOW_UP = {"DamageReportView": ("can_step",)}

# The SOP the product runs (Tentang SOP), for every signed-in user.
ABOUT_SOP = {"AboutSopView": ("can_index",), "About the SOP": MENU}

# The SOP's people have their "Tugas Saya" inbox and reach each step's form;
# which step, on which request and when, app/domain/workflow.py decides.
SOP_WORK = {"LoanRequestView": ("can_step",), "LoanRequestApi": ("can_step",),
            "TasksView": ("can_index",), "My Tasks": MENU}

# The navbar's bell and its page: each of the SOP's people reads their own
# notices (app/notifications/notices.py); the Admin is told of no step.
NOTICES = {"NoticeView": ("can_index", "can_open", "can_read_all")}

# Borrower accounts kept by staff: list, add (active at once), activate and
# deactivate (a registration waits for this when no mail server is set).
BORROWER_ACCOUNTS = {
    "BorrowerAccountView": READ + ("can_add", "activate", "deactivate"),
    "Borrower Accounts": MENU,
}

# The loan register (Daftar Peminjaman, PDF and Excel) lists every request:
# staff only.
LOAN_REGISTER = {"LoanRegisterView": ("can_index",), "Reports": MENU,
                 "Loan Register": MENU, "DocumentApi": ("can_register",)}

# The annual report (Laporan Tahunan): every staff role reads it and downloads
# the PDF; the Kabid and the Kasi, who answer for the year, write its
# narrative sections (pendahuluan, kendala, rekomendasi).
ANNUAL_REPORT = {"AnnualReportView": ("can_index", "can_download"), "Reports": MENU,
                 "Annual Report": MENU, "DocumentApi": ("can_annual_report",)}
ANNUAL_NARRATIVES = {"AnnualReportView": ("can_narratives",)}


# Complaints (pengaduan): a borrower files their own and reads the answers;
# every staff role reads them; the Kasi and the Admin Pontive Center answer
# and close them (app/domain/complaints.py decides which step, when).
COMPLAINTS_OWN = {"ComplaintView": ("can_list", "can_show", "can_add"),
                  "Complaints": MENU}
COMPLAINTS_READ = {"ComplaintView": ("can_list", "can_show"), "Complaints": MENU}
COMPLAINT_HANDLING = {"ComplaintView": ("can_step",)}

# The satisfaction survey: a borrower fills it for their completed requests;
# the Kasi and the Kabid read the index and print its report.
SURVEY_ANSWER = {"SurveyView": ("can_answer",)}
SURVEY_REPORT = {"SurveyReportView": ("can_index", "can_download"), "Reports": MENU,
                 "Satisfaction Survey": MENU}


def _merge(*parts):
    merged = {}
    for part in parts:
        for view, permissions in part.items():
            merged[view] = tuple(dict.fromkeys(merged.get(view, ()) + permissions))
    return merged


GRANTS = {
    ADMIN: _merge(
        COMPLAINTS_READ,
        ANNUAL_REPORT,
        LOAN_REGISTER,
        SECURITY_ADMIN,
        ABOUT_SOP,
        API_DOCS,
        DAMAGE_FOLLOW_UP,
        STAFF_LOANS,
        MASTER_DATA_MENUS,
        EQUIPMENT_CARE,
        BORROWER_ACCOUNTS,
        {
            "RoomView": CRUD,
            "EquipmentView": CRUD,
            "InstitutionView": CRUD,
            "Institutions": MENU,
            "ClosedDateView": CRUD,
            "Unavailable Dates": MENU,
        },
    ),
    KABID: _merge(
        NOTICES,
        COMPLAINTS_READ,
        SURVEY_REPORT,
        ANNUAL_REPORT,
        LOAN_REGISTER,
        ANNUAL_NARRATIVES,
        SELF_SERVICE,
        ABOUT_SOP,
        API_DOCS,
        STAFF_LOANS,
        SOP_WORK,
        MASTER_DATA_MENUS,
        EQUIPMENT_CARE,
        {
            "RoomView": READ,
            "EquipmentView": READ,
            "InstitutionView": READ,
            "Institutions": MENU,
            "ClosedDateView": READ,
            "Unavailable Dates": MENU,
        },
    ),
    KASI: _merge(
        NOTICES,
        COMPLAINTS_READ,
        COMPLAINT_HANDLING,
        SURVEY_REPORT,
        ANNUAL_REPORT,
        LOAN_REGISTER,
        ANNUAL_NARRATIVES,
        SELF_SERVICE,
        ABOUT_SOP,
        API_DOCS,
        STAFF_LOANS,
        SOP_WORK,
        MASTER_DATA_MENUS,
        EQUIPMENT_CARE,
        BORROWER_ACCOUNTS,
        {
            "RoomView": READ,
            "EquipmentView": READ,
            "InstitutionView": CRUD,
            "Institutions": MENU,
            "ClosedDateView": CRUD,
            "Unavailable Dates": MENU,
        },
    ),
    ADMIN_PC: _merge(
        NOTICES,
        COMPLAINTS_READ,
        COMPLAINT_HANDLING,
        ANNUAL_REPORT,
        LOAN_REGISTER,
        SELF_SERVICE,
        ABOUT_SOP,
        API_DOCS,
        STAFF_LOANS,
        SOP_WORK,
        {"LoanRequestView": ("schedule_selected",)},
        DAMAGE_FOLLOW_UP,
        MASTER_DATA_MENUS,
        EQUIPMENT_CARE,
        BORROWER_ACCOUNTS,
        {
            "RoomView": CRUD,
            "EquipmentView": CRUD,
            "InstitutionView": CRUD,
            "Institutions": MENU,
            "ClosedDateView": CRUD,
            "Unavailable Dates": MENU,
        },
    ),
    PEMINJAM: _merge(
        NOTICES,
        COMPLAINTS_OWN,
        SURVEY_ANSWER,
        SELF_SERVICE,
        ABOUT_SOP,
        API_DOCS,
        SOP_WORK,
        {
            "LoanRequestView": READ + ("can_add", "can_edit", "can_letter")
            + BORROWER_DOCUMENTS,
            # The REST API: submit, send the letter, read, download, steps.
            "LoanRequestApi": API_READ + ("can_post", "can_post_letter", "can_letter")
            + BORROWER_DOCUMENTS,
            "Loans": MENU,
            "Loan Requests": MENU,
            **AVAILABILITY,
            **AGENDA,
            "RoomView": READ,
            "Master Data": MENU,
            "Rooms": MENU,
        },
    ),
}


def fab_roles():
    """``FAB_ROLES``: exact, anchored patterns (FAB only anchors at the start)."""
    return {
        role: [
            [f"^{re.escape(view)}$", f"^{re.escape(permission)}$"]
            for view, permissions in views.items()
            for permission in permissions
        ]
        for role, views in GRANTS.items()
    }


def is_allowed(role, view, permission):
    return permission in GRANTS.get(role, {}).get(view, ())


def granted_pairs(role):
    """The (permission, view) pairs ``role`` has (none for a role not here)."""
    return frozenset((permission, view)
                     for view, permissions in GRANTS.get(role, {}).items()
                     for permission in permissions)


def permission_matrix_markdown():
    """The matrix written to docs/permissions.md (a test keeps them equal)."""
    rows = sorted(
        {(view, perm) for views in GRANTS.values() for view, perms in views.items()
         for perm in perms}
    )
    header = "| view / menu | permission | " + " | ".join(ALL_ROLES) + " |"
    lines = [
        "# Permission matrix",
        "",
        "Generated from `app/security/roles.py` by "
        "`flask --app app permissions-doc`; a test checks it is current.",
        "Which SOP step each role may take is decided by `app/domain/workflow.py`.",
        "",
        header,
        "|" + " --- |" * (len(ALL_ROLES) + 2),
    ]
    for view, permission in rows:
        marks = ["✓" if is_allowed(role, view, permission) else "—" for role in ALL_ROLES]
        lines.append(f"| {view} | {permission} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
