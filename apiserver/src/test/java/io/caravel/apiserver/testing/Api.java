package io.caravel.apiserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravel.apiserver.resource.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A small JSON client of the API server for tests (JDK HttpClient, every call with a timeout). */
public final class Api {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status and parsed body. */
    public record Response(int code, JsonNode body) {
    }

    public Response call(String method, String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
        return new Response(r.statusCode(), n);
    }

    public Response get(String path) throws IOException, InterruptedException {
        return call("GET", path, null, null);
    }

    public Response post(String path, String json) throws IOException, InterruptedException {
        return call("POST", path, "application/json", json);
    }

    public Response put(String path, String json) throws IOException, InterruptedException {
        return call("PUT", path, "application/json", json);
    }

    public Response patch(String path, String type, String json) throws IOException, InterruptedException {
        return call("PATCH", path, type, json);
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return call("DELETE", path, null, null);
    }

    /** A watch stream: each line parsed into {@link #events()}. */
    public final class Watch implements AutoCloseable {
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final InputStream in;
        private final int code;
        private volatile boolean cleanEnd;

        Watch(String path) throws IOException, InterruptedException {
            // the timeout bounds the wait for the response headers, not the stream
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
            code = r.statusCode();
            in = r.body();
            Thread t = new Thread(() -> {
                try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = br.readLine()) != null) {
                        events.add(Json.MAPPER.readTree(l));
                    }
                    cleanEnd = true;
                    events.add(Json.object().put("type", "END"));
                } catch (IOException e) {
                    events.add(Json.object().put("type", "END"));
                }
            }, "test-watch");
            t.setDaemon(true);
            t.start();
        }

        public int code() {
            return code;
        }

        /** Whether the stream ended normally (the last chunk), not by an I/O error; valid once END was seen. */
        public boolean cleanEnd() {
            return cleanEnd;
        }

        /** The next event, waiting up to 10 s (fails when none arrives). */
        public JsonNode next() throws InterruptedException {
            JsonNode e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no watch event within 10 s");
            }
            return e;
        }

        public BlockingQueue<JsonNode> events() {
            return events;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    public Watch watch(String path) throws IOException, InterruptedException {
        return new Watch(path);
    }
}
