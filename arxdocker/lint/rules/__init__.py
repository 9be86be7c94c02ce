"""One module per rule: `arxNNN_<name>.py`, each with its doc, examples and check()."""
