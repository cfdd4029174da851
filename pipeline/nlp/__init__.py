"""spaCy pipeline for callwatch: blank sv/en languages plus callwatch components."""
