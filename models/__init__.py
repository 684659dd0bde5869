"""The model registry and the NER tagger weights, shipped as package data `newsbrief.model_data` (see pyproject.toml)."""
