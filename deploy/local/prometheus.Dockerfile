# A local stand-in for the public `prom/prometheus` image (scripts/build-local-images.sh):
# Debian's own `prometheus` package on the debootstrapped base, run the way the public
# image runs (entrypoint `prometheus`, data under /prometheus, an unprivileged user), so
# that docker-compose.yml's `prometheus` service works with either.
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && install -d -o prometheus -g prometheus -m 755 /prometheus

USER prometheus
WORKDIR /prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
