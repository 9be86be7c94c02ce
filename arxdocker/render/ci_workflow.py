"""The CI workflows `arxdocker ci init` prints: build with arxdocker, publish cache to a registry.

The job logs in to the registry of the cache ref (`registry_host`): on GitHub Actions ghcr.io, the
default, with the job's own token, on GitLab CI the project's container registry with its job
credentials, and any other registry with CI secrets the user creates (a comment in the workflow
names them). Both run `arxdocker build` (or `bake`), which in CI takes `ARXDOCKER_CACHE_REF` as its
registry cache (mode=max, ignore-error=true), writes the job summary on GitHub, and fails below
the hit-rate gate. The build history is carried from run to run in the CI's cache, so that
`arxdocker compare` and `check` can read earlier builds.
"""

from __future__ import annotations

from textwrap import indent

from arxdocker.build.ci import registry_host

HISTORY = ".arxdocker/history.jsonl"
_HISTORY_COMMENT = """\
# the build history of earlier runs on this branch (else the default branch), so that
# `arxdocker compare` and `arxdocker check` can read earlier builds"""

GITHUB = """\
# .github/workflows/build.yml, written by `arxdocker ci init`
name: build
on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read
{packages}
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
{login}      - run: pip install arxdocker
      - run: arxdocker doctor
{history_restore}      # {note}
      - run: {command}
{history_save}      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: arxdocker-history
          path: {history}
"""

GITHUB_PACKAGES = "  packages: write  # push the build cache to ghcr.io\n"
GITHUB_REGISTRY = "ghcr.io"
GITHUB_LOGIN = """\
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
"""
# Another registry: secrets the user creates. Pull requests from forks get no secrets, and
# docker/login-action fails without them: those skip the login (the export then fails, and
# ignore-error=true keeps the build green, as with ghcr.io's read-only token).
GITHUB_SECRET_LOGIN = """\
      # log in to {host}, where the cache is pushed: create the repository secrets
      # REGISTRY_USERNAME and REGISTRY_PASSWORD (Settings > Secrets and variables > Actions)
      # for an account that may push there. Pull requests from forks get no secrets: they
      # skip the login.
      - uses: docker/login-action@v3
        if: github.event.pull_request.head.repo.fork != true
        with:
          registry: {host}
          username: ${{{{ secrets.REGISTRY_USERNAME }}}}
          password: ${{{{ secrets.REGISTRY_PASSWORD }}}}
"""
# The key is new on every run (a cache entry cannot be overwritten); restore-keys take the
# branch's latest, else the default branch's. Saved even when the build fails, as its record is.
_GITHUB_HISTORY_KEY = (
    "arxdocker-history-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}"
)
GITHUB_HISTORY_RESTORE = f"""\
{indent(_HISTORY_COMMENT, " " * 6)}
      - uses: actions/cache/restore@v4
        with:
          path: {HISTORY}
          key: {_GITHUB_HISTORY_KEY}
          restore-keys: |
            arxdocker-history-${{{{ github.ref_name }}}}-
            arxdocker-history-
"""
GITHUB_HISTORY_SAVE = f"""\
      - uses: actions/cache/save@v4
        if: always()
        with:
          path: {HISTORY}
          key: {_GITHUB_HISTORY_KEY}
"""

GITLAB = f"""\
# .gitlab-ci.yml, written by `arxdocker ci init --provider gitlab`
build:
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
    # every target's cache goes to CACHE_REF/<target>:cache (mode=max, ignore-error=true)
    ARXDOCKER_CACHE_REF: {{cache_ref}}
{indent(_HISTORY_COMMENT, " " * 2)}
  cache:
    key: arxdocker-history-$CI_COMMIT_REF_SLUG
    fallback_keys:
      - arxdocker-history-$CI_DEFAULT_BRANCH
    paths:
      - {HISTORY}
    when: always
  before_script:
    - apk add --no-cache python3 py3-pip
    - python3 -m venv /opt/arx && /opt/arx/bin/pip install arxdocker
    - export PATH=/opt/arx/bin:$PATH
{{login}}    # a builder that can export cache to a registry
    - docker buildx create --use --driver docker-container
    - arxdocker doctor
  script:
    - {{command}}
  artifacts:
    when: always
    paths:
      - {HISTORY}
"""
# The project's own registry: `$CI_REGISTRY_IMAGE` is `$CI_REGISTRY/<group>/<project>`.
GITLAB_REGISTRY = ("$CI_REGISTRY", "${CI_REGISTRY}", "$CI_REGISTRY_IMAGE", "${CI_REGISTRY_IMAGE}")
GITLAB_LOGIN = """\
    - echo "$CI_REGISTRY_PASSWORD" |
        docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
"""
# Another registry: variables the user creates. A protected variable is empty on unprotected
# branches, and a fork's pipeline has none: those skip the login rather than fail the job.
GITLAB_VARIABLE_LOGIN = """\
    # log in to {host}, where the cache is pushed: create the CI/CD variables
    # REGISTRY_USER and REGISTRY_PASSWORD (Settings > CI/CD > Variables, masked) for an
    # account that may push there. A pipeline without them (a protected variable on an
    # unprotected branch, a fork) skips the login.
    - if [ -n "$REGISTRY_PASSWORD" ]; then
        echo "$REGISTRY_PASSWORD" |
        docker login -u "$REGISTRY_USER" --password-stdin "{host}";
        else echo "REGISTRY_PASSWORD is not set, so the cache is not pushed" >&2; fi
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
    ref = cache_ref or DEFAULT_REF[provider]
    host = registry_host(ref)
    if provider == "github":
        ghcr = host.lower() == GITHUB_REGISTRY
        return GITHUB.format(
            packages=GITHUB_PACKAGES if ghcr else "",
            env=GITHUB_ENV.format(cache_ref=cache_ref) if cache_ref else "",
            ref_step="" if cache_ref else GITHUB_REF_STEP,
            login=GITHUB_LOGIN if ghcr else GITHUB_SECRET_LOGIN.format(host=host),
            history_restore=GITHUB_HISTORY_RESTORE,
            history_save=GITHUB_HISTORY_SAVE,
            history=HISTORY,
            command=command,
            note=note,
        )
    own = host in GITLAB_REGISTRY
    login = GITLAB_LOGIN if own else GITLAB_VARIABLE_LOGIN.format(host=host)
    return GITLAB.format(cache_ref=ref, login=login, command=command)
