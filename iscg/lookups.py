"""An integer ``__in`` lookup that never sends a value the column cannot hold.

Django already drops out-of-range integers from ``exact``, ``gt``, ``lt``… (they cannot match: the
query becomes empty, or full), but not from ``in``. A form field that takes ids
(``ModelMultipleChoiceField`` checks the posted ids with ``pk__in``) then hands a value beyond 64 bits
to the database: SQLite raises ``OverflowError`` and the page answers 500. Here such a value matches
nothing, as it could never match a row, so the form answers with its usual French error
(« Sélectionnez un choix valide… ») on every database.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
