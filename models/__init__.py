"""The model registry and the NER tagger weights, shipped as the package data `newsbrief.model_data`."""
