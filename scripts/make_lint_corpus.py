# ruff: noqa: E501  (Dockerfile templates read better unwrapped)
"""Write the lint corpus: tests/fixtures/dockerfiles/<ecosystem>/<name>.Dockerfile.

No network reaches GitHub here, so the corpus is generated, deterministically, from hand-written
templates modelled on the Dockerfiles that official images' docs, framework guides and typical
application repositories use: 14 ecosystems, single- and multi-stage, cache-friendly and
cache-unfriendly orderings, cache mounts, heredocs (RUN, COPY, several per line, <<-), parser
directives (syntax, escape=` for Windows images, check), line continuations with comments, exec
and shell forms, ONBUILD, HEALTHCHECK. Every file is a valid Dockerfile for BuildKit.

    .venv/bin/python scripts/make_lint_corpus.py          # rewrites the corpus
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dockerfiles"
PER_TEMPLATE = 8


class Variant:
    def __init__(self, rng: random.Random, index: int) -> None:
        self.rng = rng
        self.index = index
        self.friendly = index % 2 == 0
        self.mounts = index % 4 == 0
        self.heredoc = index % 3 == 1
        self.syntax = rng.random() < 0.6

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def header(self) -> str:
        lines = []
        if self.syntax:
            lines.append(f"# syntax=docker/dockerfile:{self.pick('1', '1.7', '1.10', '1-labs')}")
        if self.rng.random() < 0.15:
            lines.append("# check=skip=JSONArgsRecommended")
        return "\n".join(lines) + ("\n" if lines else "")


def node(v: Variant) -> str:
    tool = v.pick("npm", "npm", "yarn", "pnpm")
    lock = {"npm": "package-lock.json", "yarn": "yarn.lock", "pnpm": "pnpm-lock.yaml"}[tool]
    install = {"npm": "npm ci", "yarn": "yarn install --frozen-lockfile",
               "pnpm": "corepack enable && pnpm install --frozen-lockfile"}[tool]  # fmt: skip
    cache = {"npm": "/root/.npm", "yarn": "/usr/local/share/.cache/yarn",
             "pnpm": "/root/.local/share/pnpm/store"}[tool]  # fmt: skip
    mount = f"--mount=type=cache,target={cache} " if v.mounts else ""
    base = v.pick(
        "node:20-slim", "node:20-alpine", "node:18", "node:lts", "node", "node:22-bookworm"
    )
    build = "\nRUN " + v.pick("npm run build", "npm run build && npm prune --omit=dev")
    if v.friendly:
        body = f"COPY package.json {lock} ./\nRUN {mount}{install}\nCOPY . .{build}"
    else:
        body = f"COPY . .\nRUN {mount}{install}{build}"
    final = ""
    if v.index % 3 == 0:
        final = (
            f"\n\nFROM {v.pick('nginx:1.27-alpine', 'nginx:alpine', 'nginx')}\n"
            "COPY --from=build /app/dist /usr/share/nginx/html\nEXPOSE 80\n"
        )
    else:
        final = '\nEXPOSE 3000\nUSER node\nCMD ["node", "dist/server.js"]\n'
    env = "ENV NODE_ENV=production\n" if v.rng.random() < 0.5 else ""
    return f"{v.header()}FROM {base} AS build\nWORKDIR /app\n{env}{body}{final}"


def python_pip(v: Variant) -> str:
    base = v.pick("python:3.12-slim", "python:3.11", "python:3.12-slim-bookworm", "python:3")
    nocache = v.pick("", "--no-cache-dir ")
    mount = "--mount=type=cache,target=/root/.cache/pip " if v.mounts else ""
    apt = ""
    if v.rng.random() < 0.6:
        if v.friendly:
            apt = (
                "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n"
                "        build-essential \\\n        # postgres client headers\n        libpq-dev \\\n"
                "    && rm -rf /var/lib/apt/lists/*\n"
            )
        else:
            apt = "RUN apt-get update\nRUN apt-get install -y gcc libpq-dev\n"
    if v.heredoc:
        install = f"RUN {mount}<<EOF\nset -eux\npip install {nocache}-r requirements.txt\npython -m compileall -q /app\nEOF\n"
    else:
        install = f"RUN {mount}pip install {nocache}-r requirements.txt\n"
    order = f"COPY requirements.txt .\n{install}COPY . ." if v.friendly else f"COPY . .\n{install}"
    user = (
        "RUN useradd --create-home app\nCOPY . /app\nRUN chown -R app:app /app\nUSER app\n"
        if v.index % 5 == 3
        else ""
    )
    version = "ARG GIT_COMMIT\nENV APP_REVISION=$GIT_COMMIT\n" if v.index % 4 == 1 else ""
    cmd = v.pick('CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]', "CMD python -m app",
                 'ENTRYPOINT ["python", "-m", "app"]')  # fmt: skip
    return (
        f"{v.header()}FROM {base}\nENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1\n"
        f"{version}{apt}WORKDIR /app\n{order}\n{user}EXPOSE 8000\n{cmd}\n"
    )


def python_modern(v: Variant) -> str:
    tool = v.pick("poetry", "uv")
    if tool == "poetry":
        deps = "COPY pyproject.toml poetry.lock ./\n"
        mount = "--mount=type=cache,target=/root/.cache/pypoetry " if v.mounts else ""
        install = f"RUN pip install poetry==1.8.3 && poetry config virtualenvs.create false\nRUN {mount}poetry install --no-root --only main\n"
    else:
        deps = "COPY pyproject.toml uv.lock ./\n"
        mount = "--mount=type=cache,target=/root/.cache/uv " if v.mounts else ""
        install = f"COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv\nRUN {mount}uv sync --frozen --no-install-project\n"
    body = f"{deps}{install}COPY . ." if v.friendly else f"COPY . .\n{install}"
    return (
        f"{v.header()}FROM python:3.12-slim AS base\nWORKDIR /app\n{body}\n\n"
        f"FROM base AS test\nRUN python -m pytest -q\n\n"
        f'FROM base AS runtime\nUSER 1000\nCMD ["python", "-m", "service"]\n'
    )


def golang(v: Variant) -> str:
    mounts = (
        "--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build "
        if v.mounts
        else ""
    )
    if v.friendly:
        body = f"COPY go.mod go.sum ./\nRUN {mounts}go mod download\nCOPY . .\n"
    else:
        body = "COPY . .\n"
    build = f"RUN {mounts}CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app\n"
    final = v.pick("gcr.io/distroless/static-debian12:nonroot", "scratch", "alpine:3.20", "alpine")
    link = "--link " if v.rng.random() < 0.4 else ""
    cert = (
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
        if final == "scratch"
        else ""
    )
    return (
        f"{v.header()}ARG GO_VERSION=1.22\nFROM --platform=$BUILDPLATFORM golang:${{GO_VERSION}} AS build\n"
        f"ARG TARGETOS TARGETARCH\nWORKDIR /src\n{body}{build}\n"
        f"FROM {final}\n{cert}COPY {link}--from=build /out/app /usr/local/bin/app\n"
        'ENTRYPOINT ["/usr/local/bin/app"]\n'
    )


def rust(v: Variant) -> str:
    if v.mounts:
        build = (
            "RUN --mount=type=cache,target=/usr/local/cargo/registry \\\n"
            "    --mount=type=cache,target=/app/target \\\n"
            "    cargo build --release && cp target/release/server /usr/local/bin/server\n"
        )
    else:
        build = "RUN cargo build --release\nRUN cp target/release/server /usr/local/bin/server\n"
    if v.friendly:
        body = (
            "COPY Cargo.toml Cargo.lock ./\nRUN mkdir src && echo 'fn main() {}' > src/main.rs "
            "&& cargo build --release && rm -rf src\nCOPY src ./src\n"
        )
    else:
        body = "COPY . .\n"
    return (
        f"{v.header()}FROM rust:1.79-slim-bookworm AS builder\nWORKDIR /app\n{body}{build}\n"
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
        "ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        'COPY --from=builder /usr/local/bin/server /usr/local/bin/server\nCMD ["server"]\n'
    )


def java(v: Variant) -> str:
    if v.index % 4 == 3:
        return (
            f"{v.header()}FROM eclipse-temurin:21-jre\nWORKDIR /app\n"
            f'COPY target/*.jar app.jar\nEXPOSE 8080\nENTRYPOINT ["java", "-jar", "/app/app.jar"]\n'
        )
    gradle = v.rng.random() < 0.4
    if gradle:
        cache = "--mount=type=cache,target=/root/.gradle " if v.mounts else ""
        deps = "COPY build.gradle settings.gradle gradlew ./\nCOPY gradle gradle\n"
        pre = f"RUN {cache}./gradlew dependencies --no-daemon\n"
        build = f"RUN {cache}./gradlew bootJar --no-daemon\n"
        image, out = "eclipse-temurin:21-jdk", "build/libs/*.jar"
    else:
        cache = "--mount=type=cache,target=/root/.m2 " if v.mounts else ""
        deps = "COPY pom.xml .\n"
        pre = f"RUN {cache}mvn -B dependency:go-offline\n"
        build = f"RUN {cache}mvn -B package -DskipTests\n"
        image, out = "maven:3.9-eclipse-temurin-21", "target/*.jar"
    body = f"{deps}{pre}COPY src src\n{build}" if v.friendly else f"COPY . .\n{build}"
    return (
        f"{v.header()}FROM {image} AS build\nWORKDIR /workspace\n{body}\n"
        f"FROM eclipse-temurin:21-jre-alpine\nCOPY --from=build /workspace/{out} /app.jar\n"
        'ENTRYPOINT ["java", "-jar", "/app.jar"]\n'
    )


def ruby(v: Variant) -> str:
    mount = "--mount=type=cache,target=/root/.gem " if v.mounts else ""
    body = (
        f"COPY Gemfile Gemfile.lock ./\nRUN {mount}bundle install --jobs 4\nCOPY . ."
        if v.friendly
        else f"COPY . .\nRUN {mount}bundle install"
    )
    return (
        f"{v.header()}FROM ruby:3.3-slim\nRUN apt-get update -qq && apt-get install -y build-essential "
        f"libpq-dev nodejs\nWORKDIR /rails\nENV RAILS_ENV=production BUNDLE_WITHOUT=development:test\n"
        f"{body}\nRUN bundle exec rails assets:precompile\nEXPOSE 3000\n"
        'CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]\n'
    )


def php(v: Variant) -> str:
    mount = "--mount=type=cache,target=/root/.cache/composer " if v.mounts else ""
    body = (
        f"COPY composer.json composer.lock ./\nRUN {mount}composer install --no-dev --no-scripts --prefer-dist\nCOPY . ."
        if v.friendly
        else f"COPY . .\nRUN {mount}composer install --no-dev --optimize-autoloader"
    )
    return (
        f"{v.header()}FROM composer:2 AS vendor\nWORKDIR /app\n{body}\n\n"
        "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache icu-libs libzip \\\n"
        " && docker-php-ext-install opcache\nWORKDIR /var/www/html\n"
        "COPY --from=vendor /app /var/www/html\nRUN chown -R www-data:www-data /var/www/html\n"
    )


def dotnet(v: Variant) -> str:
    mount = "--mount=type=cache,target=/root/.nuget/packages " if v.mounts else ""
    body = (
        f"COPY *.csproj ./\nRUN {mount}dotnet restore\nCOPY . .\nRUN {mount}dotnet publish -c Release -o /out --no-restore"
        if v.friendly
        else f"COPY . .\nRUN {mount}dotnet publish -c Release -o /out"
    )
    if v.index % 4 == 2:
        return (
            "# escape=`\n\nFROM mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2022 AS build\n"
            "WORKDIR C:\\src\nCOPY . .\nRUN dotnet publish -c Release -o C:\\out `\n"
            "    --self-contained false\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022\n"
            'WORKDIR C:\\app\nCOPY --from=build C:\\out .\nENTRYPOINT ["dotnet", "Api.dll"]\n'
        )
    return (
        f"{v.header()}FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\n{body}\n\n"
        "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY --from=build /out .\n"
        "HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8080/health || exit 1\n"
        'ENTRYPOINT ["dotnet", "Api.dll"]\n'
    )


def debian_tools(v: Variant) -> str:
    base = v.pick("debian:12-slim", "debian:bookworm", "ubuntu:22.04", "ubuntu:latest", "ubuntu")
    if v.mounts:
        run = (
            "RUN rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache\n"
            "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
            "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n"
            "    apt-get update && apt-get install -y --no-install-recommends curl git jq\n"
        )
    elif v.heredoc:
        run = (
            "RUN <<EOT bash\n  set -euo pipefail\n  apt-get update\n  apt-get install -y --no-install-recommends \\\n"
            "    curl git jq ca-certificates\n  rm -rf /var/lib/apt/lists/*\nEOT\n"
        )
    elif v.friendly:
        run = "RUN apt-get update && apt-get install -y --no-install-recommends curl git jq \\\n  && rm -rf /var/lib/apt/lists/*\n"
    else:
        run = "RUN apt-get update\nRUN apt-get upgrade -y\nRUN apt-get install -y curl git jq\n"
    extra = ""
    if v.index % 3 == 2:
        extra = "RUN git clone https://github.com/example/dotfiles.git /opt/dotfiles\n"
    if v.index % 5 == 4:
        extra += "ADD https://example.com/releases/tool-linux-amd64.tar.gz /tmp/tool.tgz\n"
    if v.index % 6 == 5:
        extra += "ARG CACHEBUST=1\nRUN date > /etc/build-date\n"
    return f'{v.header()}FROM {base}\nARG DEBIAN_FRONTEND=noninteractive\n{run}{extra}COPY scripts/ /usr/local/bin/\nCMD ["bash"]\n'


def alpine(v: Variant) -> str:
    base = v.pick("alpine:3.20", "alpine:3.19", "alpine:latest", "alpine")
    if v.mounts:
        run = "RUN --mount=type=cache,target=/etc/apk/cache,sharing=locked apk add curl bash\n"
    elif v.friendly:
        run = "RUN apk add --no-cache curl bash ca-certificates\n"
    else:
        run = "RUN apk update\nRUN apk upgrade\nRUN apk add curl bash\n"
    secret = "ARG GITHUB_TOKEN\n" if v.index % 4 == 3 else ""
    heredoc = ""
    if v.heredoc:
        heredoc = (
            "COPY <<-'EOF' /usr/local/bin/entrypoint.sh\n\t#!/bin/sh\n\tset -e\n\texec \"$@\"\n\tEOF\n"
            "RUN chmod +x /usr/local/bin/entrypoint.sh\n"
        )
    return f'{v.header()}FROM {base}\n{secret}{run}{heredoc}COPY app/ /app/\nRUN chmod -R 755 /app\nWORKDIR /app\nENTRYPOINT ["/app/run.sh"]\n'


def static_site(v: Variant) -> str:
    if v.index % 2:
        return (
            f"{v.header()}FROM nginx:1.27-alpine\nCOPY dist/ /usr/share/nginx/html/\n"
            "COPY nginx.conf /etc/nginx/conf.d/default.conf\nEXPOSE 80\n"
        )
    return (
        f"{v.header()}FROM node:20-alpine AS build\nWORKDIR /site\nCOPY package*.json ./\n"
        "RUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN npm run build\n\n"
        "FROM nginx:1.27-alpine\nCOPY --link --from=build /site/dist /usr/share/nginx/html\n"
        "COPY <<EOF /etc/nginx/conf.d/default.conf\nserver {\n  listen 80;\n  root /usr/share/nginx/html;\n"
        "  location / { try_files $uri /index.html; }\n}\nEOF\n"
    )


def heredoc_heavy(v: Variant) -> str:
    link = "--link " if v.index % 2 else ""
    return (
        "# syntax=docker/dockerfile:1.7\n"
        f"FROM {v.pick('python:3.12-slim', 'debian:12-slim')} AS base\n"
        "RUN <<EOF bash\nset -eux\napt-get update\napt-get install -y --no-install-recommends curl\n"
        "rm -rf /var/lib/apt/lists/*\nEOF\n"
        f"COPY {link}<<EOF /etc/app/config.toml\n[server]\nport = 8080\nEOF\n"
        "COPY <<one.txt <<two.txt /data/\nfirst file\none.txt\nsecond file\ntwo.txt\n"
        "RUN <<-EOT sh\n\techo tabs are stripped\n\tEOT\n"
        "RUN python3 <<'PY' || true\nimport sys\nprint(sys.version)\nPY\n"
        f'COPY {link}--chmod=0755 <<"EOF" /usr/local/bin/start\n#!/bin/sh\nexec "$@"\nEOF\n'
        "RUN 3<<FD3 cat /dev/fd/3\nfd three\nFD3\n"
        'ENTRYPOINT ["/usr/local/bin/start"]\n'
    )


def misc(v: Variant) -> str:
    """Older-style files: MAINTAINER, ONBUILD, legacy ENV, exec forms, continuations."""
    return (
        f"FROM {v.pick('centos:7', 'fedora:40', 'rockylinux:9', 'amazonlinux:2023')}\n"
        "MAINTAINER Ops Team <ops@example.com>\n"
        "ENV APP_HOME /opt/app\nENV LANG=C.UTF-8 LC_ALL=C.UTF-8\n"
        f"RUN {v.pick('yum', 'dnf')} install -y \\\n      gcc \\\n      make \\\n"
        f"  && {v.pick('yum', 'dnf')} clean all\n"
        f"{'RUN yum update -y' + chr(10) if v.index % 2 else ''}"
        'LABEL org.opencontainers.image.title="legacy app" \\\n      version="2.4"\n'
        "ONBUILD COPY . /opt/app/src\nONBUILD RUN make -C /opt/app/src\n"
        'VOLUME ["/var/lib/app"]\nEXPOSE 8080/tcp 8443\nUSER 1001\nWORKDIR $APP_HOME\n'
        'STOPSIGNAL SIGTERM\nHEALTHCHECK NONE\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        'CMD ["./bin/start"]\n'
    )


TEMPLATES: dict[str, Callable[[Variant], str]] = {
    "node": node,
    "python-pip": python_pip,
    "python-modern": python_modern,
    "go": golang,
    "rust": rust,
    "java": java,
    "ruby": ruby,
    "php": php,
    "dotnet": dotnet,
    "debian": debian_tools,
    "alpine": alpine,
    "static": static_site,
    "heredoc": heredoc_heavy,
    "legacy": misc,
}


def main() -> None:
    rng = random.Random(20261125)
    for name, template in TEMPLATES.items():
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(PER_TEMPLATE):
            text = template(Variant(rng, index))
            (folder / f"{name}-{index + 1:02d}.Dockerfile").write_text(text)
    print(f"wrote {len(TEMPLATES) * PER_TEMPLATE} Dockerfiles under {OUT}")


if __name__ == "__main__":
    main()
