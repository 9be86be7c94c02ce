"""Render the status page: `python3 -m pyapp [CONFIG]`."""

import sys

import click
import jinja2
import yaml

PAGE = jinja2.Template("<h1>{{ title }}</h1>{% for s in services %}<p>{{ s }}: up</p>{% endfor %}")


@click.command()
@click.argument("config", default="/app/config.yaml")
def main(config: str) -> None:
    with open(config) as stream:
        data = yaml.safe_load(stream)
    sys.stdout.write(PAGE.render(**data) + "\n")


main()
