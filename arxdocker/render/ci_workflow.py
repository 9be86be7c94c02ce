"""The CI workflows `arxdocker ci init` prints: build with arxdocker, publish cache to a registry.

GitHub Actions pushes the cache to ghcr.io with the job's own token; GitLab CI to the project's
container registry with its job credentials. Both run `arxdocker build` (or `bake`), which in CI
takes `ARXDOCKER_CACHE_REF` as its registry cache (mode=max, ignore-error=true), writes the job
summary on GitHub, and fails below the hit-rate gate.
"""

from __future__ import annotations

GITHUB = """\
# .github/workflows/build.yml, written by `arxdocker ci init`
name: build
on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
  packages: write  # push the build cache to ghcr.io

jobs:
  build:
    runs-on: ubuntu-latest
{env}    steps:
      - uses: actions/checkout@v4
{ref_step}      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - uses: docker/setup-buildx-action@v3
        with:
          driver: docker-container  # a builder that can export cache to a registry
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{{{ github.actor }}}}
          password: ${{{{ secrets.GITHUB_TOKEN }}}}
      - run: pip install arxdocker
      - run: arxdocker doctor
      # {note}
      - run: {command}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: arxdocker-history
          path: .arxdocker/history.jsonl
"""

GITLAB = """\
# .gitlab-ci.yml, written by `arxdocker ci init --provider gitlab`
build:
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
    # every target's cache goes to CACHE_REF/<target>:cache (mode=max, ignore-error=true)
    ARXDOCKER_CACHE_REF: {cache_ref}
  before_script:
    - apk add --no-cache python3 py3-pip
    - python3 -m venv /opt/arx && /opt/arx/bin/pip install arxdocker
    - export PATH=/opt/arx/bin:$PATH
    - echo "$CI_REGISTRY_PASSWORD" |
        docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    # a builder that can export cache to a registry
    - docker buildx create --use --driver docker-container
    - arxdocker doctor
  script:
    - {command}
  artifacts:
    when: always
    paths:
      - .arxdocker/history.jsonl
"""

DEFAULT_REF = {
    "github": "ghcr.io/${GITHUB_REPOSITORY,,}/cache",  # set by a step: see GITHUB_REF_STEP
    "gitlab": "$CI_REGISTRY_IMAGE/cache",  # GitLab keeps it in lower case
}
_CACHE_COMMENT = (
    "# every target's cache goes to CACHE_REF/<target>:cache (mode=max, ignore-error=true)"
)
GITHUB_ENV = f"""\
    env:
      {_CACHE_COMMENT}
      ARXDOCKER_CACHE_REF: {{cache_ref}}
"""
# Registries take repository names in lower case only, and `github.repository` keeps the owner's
# capitals (Acme/App): a shell step lowers it. An expression cannot: Actions has no lower().
GITHUB_REF_STEP = f"""\
      {_CACHE_COMMENT};
      # registries take repository names in lower case only, and the owner may have capitals
      - run: echo "ARXDOCKER_CACHE_REF={DEFAULT_REF["github"]}" >> "$GITHUB_ENV"
"""


def workflow(provider: str, *, cache_ref: str | None = None, bake: bool = False) -> str:
    """The workflow text for `provider` (github or gitlab)."""
    if bake:
        command = "arxdocker bake --progress plain"
        note = "The cache report per target lands in the job summary; a failure is annotated."
    else:
        cache = '"registry:$ARXDOCKER_CACHE_REF/app:cache"'
        command = f"arxdocker build . --progress plain --cache {cache}"
        note = "The cache report ends the log; --min-hit-rate PCT makes a cache regression fail."
    if provider == "github":
        env = GITHUB_ENV.format(cache_ref=cache_ref) if cache_ref else ""
        ref_step = "" if cache_ref else GITHUB_REF_STEP
        return GITHUB.format(env=env, ref_step=ref_step, command=command, note=note)
    return GITLAB.format(cache_ref=cache_ref or DEFAULT_REF[provider], command=command, note=note)
