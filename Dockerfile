# cleanheat: build with the Swift 6 toolchain, run on slim Debian with only OpenSSL and zlib.
# Build:  docker build -t cleanheat .
# Run:    docker run -p 8080:8080 -v cleanheat-data:/data cleanheat
#         (the first admin token is in /data/bootstrap-token inside the volume)

FROM swift:6.3-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product cleanheat --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/cleanheat" /out/cleanheat

FROM debian:bookworm-slim
# libssl3 and zlib1g are what the binary links; curl serves the health check.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 zlib1g ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 cleanheat \
 && useradd --system --uid 10001 --gid cleanheat --home-dir /app --shell /usr/sbin/nologin cleanheat \
 && mkdir -p /data \
 && chown 10001:10001 /data
WORKDIR /app
COPY --from=build /out/cleanheat /usr/local/bin/cleanheat
COPY config ./config
COPY migrations ./migrations
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["cleanheat"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data", "/data", "--config", "/app/config/default.json"]
