"""The bundled Jinja2 templates, shipped as package data `newsbrief.templates` (see pyproject.toml)."""
