"""The pages, one module per area (``pages/<area>.py`` beside ``templates/<area>/``)."""
