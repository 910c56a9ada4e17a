"""FAB's token endpoints (/api/v1/security/login and /refresh) with the app's
error bodies: a malformed login gets 400 and a refused one 401, each with an
Indonesian ``message`` string (FAB itself puts marshmallow's dict of field
errors in ``message``, against its own OpenAPI document).

Registered first of all APIs, its reusable responses (app/api/common.py)
become the document's ``#/components/responses/...``.
"""
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi

from app.api.common import ERROR_SCHEMAS, ApiBase


class SecurityApi(ApiBase, FabSecurityApi):
    openapi_spec_component_schemas = ERROR_SCHEMAS
