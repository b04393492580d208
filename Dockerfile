# parkfin: one static binary (pure-Go SQLite, no cgo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/parkfin ./cmd/parkfin

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/parkfin parkfin \
    && mkdir -p /var/lib/parkfin && chown parkfin /var/lib/parkfin
COPY --from=build /out/parkfin /usr/local/bin/parkfin
USER parkfin
ENV PARKFIN_DATA_DIR=/var/lib/parkfin PARKFIN_HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["parkfin"]
CMD ["serve"]
