# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# OCR of scanned source documents (requests_tracker/extraction.py); without it scans are marked
# "OCR unavailable" and text documents are still read.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY config ./config
COPY requests_tracker ./requests_tracker
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic needs settings to load; this key exists only during the build.
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --no-input

RUN useradd --system --home /app tracker && mkdir -p /app/var && chown tracker /app/var
USER tracker
EXPOSE 8000
# Bind, workers, timeout and headers: config/gunicorn_conf.py (GUNICORN_BIND, WEB_CONCURRENCY, ...).
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn_conf.py"]
