package io.caravel.apiserver.resource;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson configuration of the API server: compact JSON out, JSON or YAML in, exact numbers kept. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    public static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    public static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String yaml(JsonNode n) {
        try {
            return YAML.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses stored bytes (always JSON written by us). */
    public static ObjectNode parseStored(byte[] b) {
        try {
            return (ObjectNode) MAPPER.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a request body as JSON (or YAML when {@code yaml}); a syntax error is a 400 naming line and column,
     * as kube-apiserver's decoder does.
     */
    public static JsonNode parseBody(byte[] body, boolean yaml) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the request body is empty");
        }
        try {
            JsonNode n = (yaml ? YAML : MAPPER).readTree(body);
            if (n == null || n.isMissingNode()) {
                throw ApiException.badRequest("the request body is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw ApiException.badRequest((yaml ? "yaml" : "json") + " parse error" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    /** A body that must be an object. */
    public static ObjectNode parseObject(byte[] body, boolean yaml) {
        JsonNode n = parseBody(body, yaml);
        if (!n.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object, not " + n.getNodeType().toString().toLowerCase());
        }
        return (ObjectNode) n;
    }

    static String quoteValue(Object v) {
        if (v instanceof JsonNode n) {
            return n.isTextual() ? "\"" + n.asText() + "\"" : n.toString();
        }
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    /** The text at {@code path} (dot-separated), or {@code null}. */
    public static String text(JsonNode root, String path) {
        JsonNode n = at(root, path);
        return n == null || n.isNull() || n.isMissingNode() || n.isContainerNode() ? null : n.asText();
    }

    public static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String p : path.split("\\.")) {
            if (n == null) {
                return null;
            }
            n = n.get(p);
        }
        return n;
    }
}
