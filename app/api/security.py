"""FAB's token endpoints (/api/v1/security/login and /refresh) with the app's
error bodies: a malformed login gets 400 and a refused one 401, each with an
Indonesian ``message`` string (FAB itself puts marshmallow's dict of field
errors in ``message``, against its own OpenAPI document). The login limit
(app/security/login_limit.py) refuses a login with 429 while too many wrong
passwords were sent for the account or from the address.

Registered first of all APIs, its reusable responses (app/api/common.py)
become the document's ``#/components/responses/...``.
"""
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi

from app.api.common import ERROR_SCHEMAS, ApiBase, ApiError, json_body
from app.security import login_limit


def _typed_login():
    """The username sent in the login's JSON body, if there is one;
    :class:`ApiError` 400 for a body that is no JSON object."""
    login = json_body().get("username")
    return login if isinstance(login, str) else None


class SecurityApi(ApiBase, FabSecurityApi):
    openapi_spec_component_schemas = ERROR_SCHEMAS

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Log in: a JWT access token, and a refresh token if asked for
        ---
        post:
          description: >-
            Authenticate and get a JWT access token (valid 15 minutes) and,
            with "refresh": true, a refresh token (valid 30 days). Logging
            out on the web or changing the password ends both.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [username, password, provider]
                  properties:
                    username:
                      description: The username or email address
                      type: string
                    password:
                      type: string
                    provider:
                      type: string
                      enum: [db]
                    refresh:
                      description: If true a refresh token is provided also
                      type: boolean
          responses:
            200:
              description: Authentication Successful
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token:
                        type: string
                      refresh_token:
                        type: string
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            429:
              $ref: '#/components/responses/429'
            500:
              $ref: '#/components/responses/500'
        """
        try:
            refused = login_limit.refusal(_typed_login())
        except ApiError as error:  # e.g. nested too deep for FAB's parser
            return error.response()
        if refused is not None:
            response = ApiError(429, refused.message).response()
            response.headers["Retry-After"] = str(refused.seconds)
            return response
        return super().login()
