# syntax=docker/dockerfile:1
#
#   docker build -t lexval .
#   docker run --rm -p 8080:8080 -v lexval-data:/data lexval
#
# A static binary (no cgo) on distroless/static: CA certificates and tzdata,
# no shell, no package manager, running as the image's nonroot user (65532).

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
# docker build --build-arg VERSION=v1.2.3 (the context has no .git to read it from)
ARG VERSION=dev
WORKDIR /src
# Modules first, so that editing code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags="-s -w -X github.com/lexval/lexval/cli.buildVersion=${VERSION}" \
      -o /out/lexval . && \
    /out/lexval version && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lexval /lexval
# The lexicon store's default place: a SQLite file on a volume, so that the
# root filesystem can stay read-only. Point LEXVAL_DB at PostgreSQL
# (postgres://...) for replicas that share one store, or at none.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
USER 65532:65532
ENV LEXVAL_ADDR=:8080 \
    LEXVAL_LOG_FORMAT=json \
    LEXVAL_DB=sqlite:///data/lexval.db
EXPOSE 8080
# distroless has no curl: the binary probes its own /healthz (on LEXVAL_ADDR).
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/lexval", "healthcheck"]
ENTRYPOINT ["/lexval"]
CMD ["serve"]
