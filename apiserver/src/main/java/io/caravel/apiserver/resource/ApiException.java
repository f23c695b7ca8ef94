package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A request that fails with a Kubernetes {@code Status}: the HTTP code, the machine-readable reason and the message
 * that kube-apiserver gives for the same failure ({@code k8s.io/apimachinery/pkg/api/errors}). Thrown by the
 * resource model and the object store; the HTTP edge writes {@link #toStatus()} as the response body.
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final ObjectNode details;
    private final Integer retryAfterSeconds;

    public ApiException(int code, String reason, String message, ObjectNode details) {
        this(code, reason, message, details, null);
    }

    private ApiException(int code, String reason, String message, ObjectNode details, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** One field error of an {@link #invalid} failure (apimachinery's {@code field.Error}). */
    public record Cause(String reason, String field, String message) {
        public static Cause required(String field) {
            return new Cause("FieldValueRequired", field, "Required value");
        }

        public static Cause invalid(String field, Object value, String detail) {
            return new Cause("FieldValueInvalid", field, "Invalid value: " + Json.quoteValue(value) + ": " + detail);
        }

        public static Cause notSupported(String field, Object value, List<String> supported) {
            return new Cause("FieldValueNotSupported", field, "Unsupported value: " + Json.quoteValue(value)
                    + ": supported values: " + String.join(", ", supported.stream().map(s -> "\"" + s + "\"").toList()));
        }

        public static Cause forbidden(String field, String detail) {
            return new Cause("FieldValueForbidden", field, "Forbidden: " + detail);
        }

        public static Cause duplicate(String field, Object value) {
            return new Cause("FieldValueDuplicate", field, "Duplicate value: " + Json.quoteValue(value));
        }

        public static Cause tooLong(String field, int max) {
            return new Cause("FieldValueTooLong", field, "Too long: may not be more than " + max + " bytes");
        }
    }

    private static ObjectNode details(ResourceType type, String name) {
        ObjectNode d = Json.object();
        if (name != null && !name.isEmpty()) {
            d.put("name", name);
        }
        if (type != null) {
            if (!type.group().isEmpty()) {
                d.put("group", type.group());
            }
            d.put("kind", type.plural());
        }
        return d;
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.qualifiedResource() + " \"" + name + "\" not found", details(type, name));
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.qualifiedResource() + " \"" + name + "\" already exists",
                details(type, name));
    }

    public static ApiException conflict(ResourceType type, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedResource() + " \""
                + name + "\": " + why, details(type, name));
    }

    /** The optimistic-concurrency conflict of a stale resourceVersion. */
    public static ApiException modified(ResourceType type, String name) {
        return conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");
    }

    public static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
        ObjectNode d = Json.object();
        if (name != null && !name.isEmpty()) {
            d.put("name", name);
        }
        if (!type.group().isEmpty()) {
            d.put("group", type.group());
        }
        d.put("kind", type.kind());
        ArrayNode cs = d.putArray("causes");
        StringBuilder msg = new StringBuilder();
        for (Cause c : causes) {
            cs.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
            if (msg.length() > 0) {
                msg.append(", ");
            }
            msg.append(c.field()).append(": ").append(c.message());
        }
        String list = causes.size() == 1 ? msg.toString() : "[" + msg + "]";
        return new ApiException(422, "Invalid", type.kind() + " \"" + (name == null ? "" : name) + "\" is invalid: " + list, d);
    }

    /** 422 without field causes (a JSON patch that cannot be applied). */
    public static ApiException unprocessable(String message) {
        return new ApiException(422, "Invalid", message, null);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null);
    }

    public static ApiException forbidden(ResourceType type, String name, String why) {
        return new ApiException(403, "Forbidden", type.qualifiedResource() + " \"" + name + "\" is forbidden: " + why,
                details(type, name));
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message, null);
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(406, "NotAcceptable", message, null);
    }

    /** 410 Expired: a list or watch from a resourceVersion the store (or the watch cache) no longer has. */
    public static ApiException expired(String message) {
        return new ApiException(410, "Expired", message, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", message, null);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "UnsupportedMediaType", message, null);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null, 1);
    }

    /** 504 with cause ResourceVersionTooLarge: a read at a resourceVersion the store has not reached. */
    public static ApiException resourceVersionTooLarge(long requested, long current) {
        ObjectNode d = Json.object();
        d.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge")
                .put("message", "Too large resource version").put("field", "");
        d.put("retryAfterSeconds", 1);
        return new ApiException(504, "Timeout", "Too large resource version: " + requested + ", current: " + current, d, 1);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The {@code meta/v1 Status} object of this failure. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (details != null && !details.isEmpty()) {
            s.set("details", details);
        }
        s.put("code", code);
        return s;
    }
}
