package io.caravel.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravel.apiserver.ApiServerOptions;
import io.caravel.apiserver.resource.ApiException;
import io.caravel.apiserver.resource.ResourceType;
import io.caravel.apiserver.storage.ObjectStore;
import io.caravel.apiserver.storage.WatchCache;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;

/** Builds the Vert.x router of the API server: discovery, OpenAPI, health and every resource path. */
public final class ApiRouter {
    private ApiRouter() {
    }

    public static Router create(Vertx vertx, ObjectStore store, Map<ResourceType, WatchCache> caches,
                                ApiServerOptions options, String serverAddress, Shutdown shutdown) {
        Router router = Router.router(vertx);
        router.route().handler(rc -> {
            if (shutdown.closing()) {
                Http.fail(rc, ApiException.unavailable("the API server is shutting down"));
            } else {
                rc.next();
            }
        });
        router.route().handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
        router.get("/version").handler(rc -> Http.send(rc, 200, Discovery.version()));
        router.get("/healthz").handler(rc -> Http.sendBytes(rc, 200, "text/plain", Buffer.buffer("ok")));
        router.get("/livez").handler(rc -> Http.sendBytes(rc, 200, "text/plain", Buffer.buffer("ok")));
        router.get("/readyz").handler(rc -> Http.sendBytes(rc, 200, "text/plain", Buffer.buffer("ok")));
        router.get("/api").handler(rc -> {
            if (wantsAggregated(rc)) {
                Http.sendBytes(rc, 200, Discovery.AGGREGATED_TYPE, Buffer.buffer(
                        io.caravel.apiserver.resource.Json.bytes(Discovery.aggregated(true))));
            } else {
                Http.send(rc, 200, Discovery.apiVersions(serverAddress));
            }
        });
        router.get("/apis").handler(rc -> {
            if (wantsAggregated(rc)) {
                Http.sendBytes(rc, 200, Discovery.AGGREGATED_TYPE, Buffer.buffer(
                        io.caravel.apiserver.resource.Json.bytes(Discovery.aggregated(false))));
            } else {
                Http.send(rc, 200, Discovery.apiGroupList());
            }
        });
        router.getWithRegex("/api/([^/]+)/?").handler(rc -> sendOr404(rc, Discovery.resourceList("", rc.pathParam("param0"))));
        router.getWithRegex("/apis/([^/]+)/?").handler(rc -> sendOr404(rc, Discovery.apiGroup(rc.pathParam("param0"))));
        router.getWithRegex("/apis/([^/]+)/([^/]+)/?").handler(rc ->
                sendOr404(rc, Discovery.resourceList(rc.pathParam("param0"), rc.pathParam("param1"))));
        OpenApi openApi = new OpenApi();
        router.get("/openapi/v3").handler(rc -> Http.send(rc, 200, openApi.index()));
        router.getWithRegex("/openapi/v3/(.+)").handler(rc -> sendOr404(rc, openApi.document(rc.pathParam("param0"))));
        ResourceHandler resources = new ResourceHandler(store, caches, options, shutdown);
        router.routeWithRegex("/api/.+").handler(resources);
        router.routeWithRegex("/apis/.+").handler(resources);
        router.route().last().handler(rc -> Http.fail(rc,
                new ApiException(404, "NotFound", "the server could not find the requested resource", null)));
        router.route().failureHandler(ApiRouter::failure);
        return router;
    }

    private static boolean wantsAggregated(RoutingContext rc) {
        String accept = rc.request().getHeader("Accept");
        return accept != null && accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2")
                && accept.contains("g=apidiscovery.k8s.io");
    }

    private static void sendOr404(RoutingContext rc, ObjectNode body) {
        if (body == null) {
            Http.fail(rc, new ApiException(404, "NotFound", "the server could not find the requested resource", null));
        } else {
            Http.send(rc, 200, body);
        }
    }

    private static void failure(RoutingContext rc) {
        if (rc.statusCode() == 413) {
            Http.fail(rc, ApiException.tooLarge("the request body is larger than the server's limit"));
        } else if (rc.failure() != null) {
            Http.fail(rc, rc.failure());
        } else {
            int code = rc.statusCode() > 0 ? rc.statusCode() : 500;
            Http.fail(rc, new ApiException(code, code == 404 ? "NotFound" : "BadRequest", "request failed with status " + code, null));
        }
    }
}
