# The API sandbox as a small image: a wheel built in one stage, only its runtime dependencies in
# a virtual environment in the next, run by a non-root user.
#
#   docker build -t api-sandbox .
#   docker build --build-arg BASE=python:3.13-slim -t api-sandbox .
#
# BASE is any Debian-like image with python3 (>= 3.11, with venv): an official python:3.x-slim,
# or Debian bookworm with Debian's python3 and python3-venv (scripts/check-image builds one).
ARG BASE=python:3.12-slim

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sandbox ./sandbox
COPY specs ./specs
COPY fixtures ./fixtures
RUN python3 -m venv /opt/sandbox \
 && /opt/sandbox/bin/pip install . \
 && /opt/sandbox/bin/pip uninstall --yes pip setuptools

FROM ${BASE}
COPY --from=build /opt/sandbox /opt/sandbox
# What a start would make of the specs (parsed, checked, the verdict that each compiles) is kept
# in __pycache__ beside them now, while the folders can still be written: the sandbox user cannot,
# and without it every start of the image would check and compile every spec anew.
RUN /opt/sandbox/bin/sandbox specs > /dev/null
RUN useradd --uid 10001 --user-group --home-dir /data --create-home --shell /usr/sbin/nologin sandbox
ENV PATH=/opt/sandbox/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SANDBOX_PORT=8000
USER sandbox
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('SANDBOX_PORT', '8000') + '/', timeout=2)"]
CMD ["sandbox", "serve", "--host", "0.0.0.0"]
