"""The project's tables as unmanaged Django models (Django creates none of
them; the bench's migrations and seed did)."""
from datetime import UTC

from django.db import models

STATUSES = (  # the project's LoanStatus, labelled as its Indonesian catalog does
    ("submitted", "Diajukan"), ("disposed", "Didisposisikan"),
    ("reschedule_proposed", "Usulan Jadwal Ulang"), ("confirmed", "Dikonfirmasi"),
    ("scheduled", "Dijadwalkan"), ("prepared", "Ruang Disiapkan"),
    ("completed", "Selesai"), ("no_show", "Tidak Digunakan"), ("rejected", "Ditolak"),
    ("cancelled", "Dibatalkan"),
)
KINDS = (("peminjaman", "Peminjaman ruang"), ("kunjungan", "Kunjungan"))


class UTCDateTimeField(models.DateTimeField):
    """The project stores naive UTC; SQLite's converter makes it aware by
    itself, PostgreSQL's ``timestamp`` comes back naive."""

    def from_db_value(self, value, expression, connection):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class User(models.Model):
    """Flask-AppBuilder's ``ab_user``: the borrowers and the staff."""

    first_name = models.CharField(max_length=64)
    last_name = models.CharField(max_length=64)
    username = models.CharField(max_length=64)
    email = models.CharField(max_length=320)

    class Meta:
        managed = False
        db_table = "ab_user"
        verbose_name = "pengguna"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Institution(models.Model):
    name = models.CharField("nama", max_length=200)
    kind = models.CharField("jenis", max_length=20)

    class Meta:
        managed = False
        db_table = "institution"
        ordering = ("name",)
        verbose_name = "instansi"
        verbose_name_plural = "instansi"

    def __str__(self):
        return self.name


class Room(models.Model):
    name = models.CharField("nama", max_length=120)
    capacity = models.IntegerField("kapasitas")

    class Meta:
        managed = False
        db_table = "room"
        verbose_name = "ruang"
        verbose_name_plural = "ruang"

    def __str__(self):
        return self.name


class LoanRequest(models.Model):
    registration_number = models.CharField("nomor registrasi", max_length=40)
    kind = models.CharField("jenis", max_length=20, choices=KINDS)
    borrower = models.ForeignKey(User, models.DO_NOTHING, verbose_name="peminjam",
                                 related_name="+")
    institution = models.ForeignKey(Institution, models.DO_NOTHING,
                                    verbose_name="instansi")
    room = models.ForeignKey(Room, models.DO_NOTHING, verbose_name="ruang")
    letter_number = models.CharField("nomor surat", max_length=120)
    letter_date = models.DateField("tanggal surat")
    subject = models.CharField("perihal", max_length=255)
    title = models.CharField("kegiatan", max_length=255)
    description = models.TextField("keterangan", null=True)
    participants = models.IntegerField("jumlah peserta")
    contact_name = models.CharField("narahubung", max_length=120)
    contact_phone = models.CharField("telepon narahubung", max_length=40)
    no_buffet_pledge = models.BooleanField("pernyataan tanpa prasmanan")
    status = models.CharField("status", max_length=30, choices=STATUSES)
    rejection_reason = models.TextField("alasan penolakan", null=True)
    cancellation_reason = models.TextField("alasan pembatalan", null=True)
    created_at = UTCDateTimeField("diajukan pada")

    class Meta:
        managed = False
        db_table = "loan_request"
        verbose_name = "permohonan peminjaman"
        verbose_name_plural = "permohonan peminjaman"

    def __str__(self):
        return self.registration_number or self.title


class LoanSession(models.Model):
    loan = models.ForeignKey(LoanRequest, models.DO_NOTHING, related_name="sessions")
    room = models.ForeignKey(Room, models.DO_NOTHING, verbose_name="ruang")
    starts_at = UTCDateTimeField("mulai")
    ends_at = UTCDateTimeField("selesai")
    occupying = models.BooleanField("memakai ruang")
    proposed = models.BooleanField("usulan")

    class Meta:
        managed = False
        db_table = "loan_session"
        ordering = ("starts_at",)
        verbose_name = "sesi"
        verbose_name_plural = "sesi"


class StatusHistory(models.Model):
    loan = models.ForeignKey(LoanRequest, models.DO_NOTHING, related_name="history")
    action = models.CharField("langkah", max_length=30)
    from_status = models.CharField("dari", max_length=30, choices=STATUSES, null=True)
    to_status = models.CharField("menjadi", max_length=30, choices=STATUSES)
    actor = models.ForeignKey(User, models.DO_NOTHING, null=True, related_name="+",
                              verbose_name="oleh")
    actor_role = models.CharField("sebagai", max_length=64)
    created_at = UTCDateTimeField("waktu")
    note = models.TextField("catatan")

    class Meta:
        managed = False
        db_table = "status_history"
        ordering = ("id",)
        verbose_name = "riwayat"
        verbose_name_plural = "riwayat"
