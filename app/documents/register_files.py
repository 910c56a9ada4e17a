"""The loan register's files: each format with its renderer and media type."""
from app.documents import register, register_xlsx

FORMATS = {
    "pdf": (register.render, "application/pdf"),
    "xlsx": (register_xlsx.render,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
