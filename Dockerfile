# Production image: the locked dependencies without the dev group, static files collected.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# Pango for the PDF renderer, DejaVu for its Latin text; the CJK fonts are the project's own.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN WARGAME_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput
RUN useradd --system --home /app wargame && mkdir -p /app/var && chown wargame /app/var
USER wargame
EXPOSE 8000
CMD ["uvicorn", "wargame.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--ws-per-message-deflate", "false", "--ws-max-size", "65536"]
