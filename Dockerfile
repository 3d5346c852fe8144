# syntax=docker/dockerfile:1
# The `lgp` image: the one binary, `lgp serve` by default, as a non-root user on a read-only root
# file system (only LGP_DATA_DIR is written). docs/deploy.md explains how to run it.
#
#   docker build -t lg-protect/lgp .
#   docker run --rm -p 8080:8080 -e LGP_JWT_SECRET="$(openssl rand -hex 32)" \
#     --read-only -v lgp-data:/var/lib/lgp lg-protect/lgp serve --demo

# Builder: the toolchain of the workspace's rust-version, with the wasm target the build script
# of host/builtins compiles the built-in plugins (plugins/) for.
FROM rust:1.95-bookworm AS builder
RUN rustup target add wasm32-wasip2
WORKDIR /src
COPY . .
# The caches keep the registry and both target directories (the host's and the nested plugin
# build's, target/wasm-plugins) between builds; the binary is copied out of the cache.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p lgp-cli \
    && install -D -m 0755 target/release/lgp /out/lgp

FROM debian:bookworm-slim
# ca-certificates: TLS to AWS, Redis and JWKS endpoints (rustls reads the system roots).
# curl: the HEALTHCHECK below. Unpinned on purpose: bookworm's security updates replace exact
# versions, so a pin would break the build rather than protect it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid/gid so that Kubernetes' runAsNonRoot can check it and volumes can be prepared for
# it; the data directory is the only place the process writes.
RUN groupadd --system --gid 10001 lgp \
    && useradd --system --uid 10001 --gid lgp --home-dir /var/lib/lgp \
        --no-create-home --shell /usr/sbin/nologin lgp \
    && install -d -o lgp -g lgp -m 0700 /var/lib/lgp
COPY --from=builder /out/lgp /usr/local/bin/lgp

# Listen on every interface of the container (the default, loopback, is unreachable from
# outside it); keep the store file, master key and compiled plugins on the volume.
ENV LGP_LISTEN=0.0.0.0:8080 \
    LGP_DATA_DIR=/var/lib/lgp
VOLUME ["/var/lib/lgp"]
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", \
        "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["lgp"]
CMD ["serve"]
