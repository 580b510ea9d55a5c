"""Entities, storage and domain rules. Runs headless: never imports Qt, desktop or ui."""
