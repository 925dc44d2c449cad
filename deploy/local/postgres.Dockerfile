# A local stand-in for the public `postgres` image (scripts/build-local-images.sh): Debian's
# own PostgreSQL on the debootstrapped base, with an entrypoint that keeps the parts of the
# public image's contract docker-compose.yml relies on (see postgres-entrypoint.sh).
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}

# The package would otherwise create a cluster of its own ("main") that nothing uses.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/50-no-main.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && for tool in /usr/lib/postgresql/*/bin/*; do ln -s "$tool" /usr/local/bin/; done \
 && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql \
 && install -d /docker-entrypoint-initdb.d

COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing committed is lost.
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
