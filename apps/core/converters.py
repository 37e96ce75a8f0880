"""The `<id:…>` path converter: `<id:…>` bounded to what a database id can hold.

Django's `int` matches any run of digits; a 20-digit id then reaches the database, where a
lookup through a foreign key (`party_id=…`) overflows SQLite's INTEGER and answers 500 (QA9),
while a primary-key lookup happens to be caught by Django. Refusing the number here makes every
such route a plain 404, whatever its view looks up.
"""

# BigAutoField, and SQLite's INTEGER, hold signed 64-bit numbers.
ID_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError(value)  # no match: the resolver answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
