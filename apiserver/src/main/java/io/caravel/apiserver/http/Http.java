package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.Json;
import io.caravel.apiserver.storage.ObjectStore;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Response writing shared by the handlers: content negotiation, Status errors, hopping back to the request's context. */
final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);

    private Http() {
    }

    /** What the client accepts, from its Accept header. */
    record Accept(boolean table, boolean yaml) {
        static Accept of(String header) {
            if (header == null || header.isBlank()) {
                return new Accept(false, false);
            }
            boolean json = false;
            boolean yaml = false;
            boolean table = false;
            boolean any = false;
            for (String part : header.split(",")) {
                String p = part.trim().toLowerCase();
                String media = p.split(";")[0].trim();
                if (media.equals("application/json")) {
                    json = true;
                    if (p.contains("as=table") && p.contains("g=meta.k8s.io") && p.contains("v=v1")) {
                        table = true;
                    }
                } else if (media.equals("application/yaml")) {
                    yaml = true;
                } else if (media.equals("*/*") || media.equals("application/*")) {
                    any = true;
                }
            }
            if (!json && !any && !yaml) {
                throw ApiException.notAcceptable("only the following media types are accepted: application/json, "
                        + "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
            }
            return new Accept(table, yaml && !json);
        }
    }

    /** Writes {@code body} with {@code code} as JSON (or YAML when that is all the client takes). */
    static void send(RoutingContext rc, int code, JsonNode body) {
        boolean yaml = false;
        try {
            yaml = Accept.of(rc.request().getHeader("Accept")).yaml();
        } catch (ApiException ignored) {
            // errors are sent as JSON anyway
        }
        if (yaml) {
            sendBytes(rc, code, "application/yaml", Buffer.buffer(Json.yaml(body).getBytes(StandardCharsets.UTF_8)));
        } else {
            sendBytes(rc, code, "application/json", Buffer.buffer(Json.bytes(body)));
        }
    }

    static void sendBytes(RoutingContext rc, int code, String contentType, Buffer body) {
        HttpServerResponse r = rc.response();
        if (r.ended() || r.closed()) {
            return;
        }
        r.setStatusCode(code).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-cache, private")
                .end(body);
    }

    /** Writes a failure as a Status (internal errors are logged). */
    static void fail(RoutingContext rc, Throwable t) {
        Throwable e = ObjectStore.translate(t);
        ApiException ae = e instanceof ApiException a ? a : ApiException.internal(String.valueOf(e));
        if (ae.code() >= 500 && ae.code() != 503 && ae.code() != 504) {
            LOG.warn("{} {}: {}", rc.request().method(), rc.request().uri(), ae.getMessage(), t);
        }
        if (ae.retryAfterSeconds() != null) {
            rc.response().putHeader("Retry-After", Integer.toString(ae.retryAfterSeconds()));
        }
        HttpServerResponse r = rc.response();
        if (r.ended() || r.closed()) {
            return;
        }
        if (r.headWritten()) {
            r.end();
            return;
        }
        sendBytes(rc, ae.code(), "application/json", Buffer.buffer(Json.bytes(ae.toStatus())));
    }

    /**
     * Completes the request with {@code f}'s result on the request's own context (never on a store thread), with
     * {@code code} and the body {@code render} makes.
     */
    static <T> void reply(RoutingContext rc, CompletableFuture<T> f, Renderer<T> render) {
        Context ctx = rc.vertx().getOrCreateContext();
        f.whenComplete((v, err) -> {
            if (err != null) {
                ctx.runOnContext(x -> fail(rc, err));
                return;
            }
            Rendered out;
            try {
                out = render.render(v);
            } catch (RuntimeException e) {
                ctx.runOnContext(x -> fail(rc, e));
                return;
            }
            ctx.runOnContext(x -> sendBytes(rc, out.code(), out.contentType(), out.body()));
        });
    }

    /** A rendered response. */
    record Rendered(int code, String contentType, Buffer body) {
    }

    /** Renders a result off the event loop (serialisation happens on the store's thread). */
    @FunctionalInterface
    interface Renderer<T> {
        Rendered render(T value);
    }

    static Rendered json(int code, JsonNode body, boolean yaml) {
        if (yaml) {
            return new Rendered(code, "application/yaml", Buffer.buffer(Json.yaml(body).getBytes(StandardCharsets.UTF_8)));
        }
        return new Rendered(code, "application/json", Buffer.buffer(Json.bytes(body)));
    }
}
