# Local stand-ins for the service images (scripts/build-local-images.sh): the runtime stages
# of ../../Dockerfile on the debootstrapped base, with binaries built on the host instead of
# in a Rust image. Keep the two in step. The build context is a folder the script prepares
# with the binaries and demo-watchlist.csv.
ARG BASE_IMAGE=local/debian:bookworm

FROM ${BASE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app
COPY healthcheck /usr/local/bin/healthcheck
COPY make-certs /usr/local/bin/make-certs
ENV LOG_FORMAT=json

FROM runtime AS screening
COPY screening /usr/local/bin/screening
COPY demo-watchlist.csv /usr/share/screening/demo-watchlist.csv
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
COPY registry /usr/local/bin/registry
RUN install -d -o app -g app /var/lib/registry
WORKDIR /var/lib/registry
USER 10001:10001
ENV REGISTRY_LISTEN_ADDR=0.0.0.0:50051 \
    REGISTRY_DATABASE_URL=sqlite:///var/lib/registry/registry.db
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD healthcheck --addr "$REGISTRY_LISTEN_ADDR" --service registry.v1.RegistryService
ENTRYPOINT ["registry"]
