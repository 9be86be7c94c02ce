from arxdocker.cli import entry

entry()
