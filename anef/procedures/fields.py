"""A procedure's definition read once per version: it is the catalogue's YAML file (about 10 kB of JSON), and
every list of files that names their procedures (the queue, supervision) decoded it again for each row: most of
those pages' time. Rows of the same version carry the same text, so the decoded value is shared.

Shared means: never change a definition in place (nothing does: the loader builds a new one)."""

import json
from functools import lru_cache

from django.db import models
from django.db.models.fields.json import KeyTransform


@lru_cache(maxsize=256)
def _decoded(text: str):
    return json.loads(text)


class DefinitionField(models.JSONField):
    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and not isinstance(expression, KeyTransform) and self.decoder is None:
            return _decoded(value)
        return super().from_db_value(value, expression, connection)
