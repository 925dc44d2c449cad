# The two services' images, one target each:
#
#   docker build --target screening -t screening .
#   docker build --target registry -t registry .
#
# Base images are build arguments, so that a mirror or a local stand-in can be used (where no
# registry is reachable, scripts/build-local-images.sh builds images from Debian packages and
# binaries built on the host instead; its deploy/local/service.Dockerfile repeats the runtime
# stages below and must be kept in step with them).
ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends protobuf-compiler libprotobuf-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Debug info stays out of the images; the binaries keep their symbols for backtraces.
RUN cargo build --release --locked -p screening -p registry -p service-kit \
        --bin screening --bin registry --bin healthcheck --bin make-certs \
 && mkdir /out \
 && for bin in screening registry healthcheck make-certs; do \
        objcopy --strip-debug "target/release/$bin" "/out/$bin"; \
    done

FROM ${RUNTIME_IMAGE} AS runtime
# A fixed, unprivileged id, so that mounted files and volumes can be given to it.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app
COPY --from=build /out/healthcheck /usr/local/bin/healthcheck
# Makes a local CA and the compose stack's certificates (docker-compose.yml, `certs`).
COPY --from=build /out/make-certs /usr/local/bin/make-certs
ENV LOG_FORMAT=json

FROM runtime AS screening
COPY --from=build /out/screening /usr/local/bin/screening
# The fictional demo list, for trying the image; real lists are mounted (see README).
COPY src/demo-watchlist.csv /usr/share/screening/demo-watchlist.csv
RUN install -d -o app -g app /var/lib/screening
WORKDIR /var/lib/screening
USER 10001:10001
ENV SCREENING_LISTEN_ADDR=0.0.0.0:50052 \
    SCREENING_DATABASE_URL=sqlite:///var/lib/screening/screening.db
EXPOSE 50052
# Over TLS when HEALTHCHECK_CA (and, for mutual TLS, HEALTHCHECK_CERT/_KEY) are set.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD healthcheck --addr "$SCREENING_LISTEN_ADDR" --service screening.v1.ScreeningService
ENTRYPOINT ["screening"]

FROM runtime AS registry
COPY --from=build /out/registry /usr/local/bin/registry
RUN install -d -o app -g app /var/lib/registry
WORKDIR /var/lib/registry
USER 10001:10001
ENV REGISTRY_LISTEN_ADDR=0.0.0.0:50051 \
    REGISTRY_DATABASE_URL=sqlite:///var/lib/registry/registry.db
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD healthcheck --addr "$REGISTRY_LISTEN_ADDR" --service registry.v1.RegistryService
ENTRYPOINT ["registry"]
