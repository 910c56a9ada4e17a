"""FAB's token endpoints (/api/v1/security/login and /refresh) with the app's
error bodies: a malformed login gets 400 and a refused one 401, each with an
Indonesian ``message`` string (FAB itself puts marshmallow's dict of field
errors in ``message``, against its own OpenAPI document). The login limit
(app/security/login_limit.py) refuses a login with 429 while too many wrong
passwords were sent for the account or from the address.

The login's document says what the server takes: the three fields, each
required (FAB answered a login without ``provider`` with a 500), no other,
and the one provider the panel has ("db"; FAB listed "ldap" too, and refused
it).

Registered first of all APIs, its reusable responses (app/api/common.py)
become the document's ``#/components/responses/...``.
"""
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from marshmallow import Schema, fields, validate

from app.api.common import (
    ERROR_SCHEMAS,
    ApiBase,
    ApiError,
    error_responses,
    json_body,
    json_body_spec,
    openapi,
)
from app.security import login_limit

# Any text but a NUL character (refused before the login: app/fab/input_guard.py).
WORD = {"minLength": 1, "pattern": r"^[^\x00]*$"}


class LoginSchema(Schema):
    """The login's body: no field besides these (marshmallow's RAISE)."""

    __component_name__ = "Login"

    username = fields.String(required=True, metadata={
        **WORD, "description": "The username or email address"})
    password = fields.String(required=True, metadata=WORD)
    provider = fields.String(required=True, validate=validate.OneOf(["db"]))
    refresh = fields.Boolean(metadata={"description": "Also a refresh token (POST "
                                                      "/api/v1/security/refresh with it)"})


REQUIRED = [name for name, field in LoginSchema._declared_fields.items()
            if field.required]
TOKENS = {"application/json": {"schema": {
    "type": "object", "required": ["access_token"],
    "properties": {"access_token": {"type": "string"},
                   "refresh_token": {"type": "string"}}}}}


class SecurityApi(ApiBase, FabSecurityApi):
    openapi_spec_component_schemas = (*ERROR_SCHEMAS, LoginSchema)
    # FAB's refresh, with what else it may answer.
    openapi_spec_methods = {"refresh": {"post": {"responses": {
        "200": {"description": "A new access token", "content": TOKENS},
        **error_responses(500)}}}}

    @expose("/login", methods=["POST"])
    @safe
    @openapi("post", "Log in and get a token", (200, "Logged in", TOKENS),
             errors=(429,), body=json_body_spec("Login"), description=(
                 "Send the token as `Authorization: Bearer <access_token>` (valid "
                 "15 minutes; the refresh token 30 days; logging out on the web or "
                 "changing the password ends both). After too many wrong passwords "
                 "for an account or from an address, a login gets 429 until the "
                 "time its message and Retry-After name."))
    def login(self):
        try:
            body = json_body()
        except ApiError as error:  # no JSON object, or nested too deep to read
            return error.response()
        if not all(name in body for name in REQUIRED):
            return self.response_400()
        username = body.get("username")
        refused = login_limit.refusal(username if isinstance(username, str) else None)
        if refused is not None:
            response = ApiError(429, refused.message).response()
            response.headers["Retry-After"] = str(refused.seconds)
            return response
        return super().login()
