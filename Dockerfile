# SummitWatch: the bot, its feeds and its web server in one small image.
#   docker build -t summitwatch .
#   docker run -d -p 8080:8080 -v summitwatch-data:/data --env-file .env summitwatch
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    SUMMITWATCH_DB=/data/summitwatch.json \
    SUMMITWATCH_HOST=0.0.0.0 \
    SUMMITWATCH_PORT=8080

# Dependencies and packages first, run.py last: editing run.py does not reinstall anything.
# (pyproject.toml names README.md as the package's readme, so the build needs it.)
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY calendars ./calendars
COPY handlers ./handlers
COPY config ./config
RUN pip install --no-cache-dir . \
    && rm -rf /src \
    && groupadd --gid 10001 summitwatch \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin summitwatch \
    && mkdir /data \
    && chown summitwatch:summitwatch /data

WORKDIR /app
COPY run.py ./

# A named volume starts as a copy of this directory, owner included.
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080

# /healthz answers 503 when the scheduler is down: urlopen raises, the check fails.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SUMMITWATCH_PORT', '8080'), timeout=4)"]

# The app stops cleanly on SIGTERM (journal folded into the snapshot); give it time to.
STOPSIGNAL SIGTERM
CMD ["python", "run.py"]
