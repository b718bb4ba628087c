"""How the API reads its arguments: webargs' Flask parser, reading JSON the way the application
does (too deep is refused, see tracker.web.json_provider) and a multipart body's fields and files
as one set of arguments, so that the OpenAPI document describes them as one request body."""

from __future__ import annotations

import json
from typing import Any, ClassVar, NoReturn

import marshmallow as ma
from flask import Request, abort, current_app
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

FORM_AND_FILES = "form_and_files"


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser with the application's JSON and a `form_and_files` location."""

    __location_map__: ClassVar[dict[str, Any]] = {
        **FlaskParser.__location_map__,
        FORM_AND_FILES: "load_form_and_files",
    }

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return current_app.json.loads(req.get_data(cache=True))

    def _handle_invalid_json_error(
        self,
        error: json.JSONDecodeError | UnicodeDecodeError,
        req: Request,
        *args: Any,
        **kwargs: Any,
    ) -> NoReturn:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "it is not UTF-8"
        abort(400, f"The request body is not valid JSON: {reason}.")

    def load_form_and_files(self, req: Request, schema: ma.Schema) -> Any:
        """A multipart body's fields and files together (a `file` field is a list of files)."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)
