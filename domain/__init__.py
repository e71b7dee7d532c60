"""The rule book in pure Python: no Django, no apps (an import-linter contract enforces it).

Every rule from shared/DOMAIN.md lives here once, cited by its ID. Dates are always passed in
(``on=``, ``today=``); nothing here reads the clock, the settings or the database.
"""
