package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Accessors for {@code metadata} of objects held as Jackson trees. Stateless; thread-safe. */
public final class Meta {
    private Meta() {
    }

    /** The object's metadata, created empty when absent (or not an object). */
    public static ObjectNode metadata(ObjectNode obj) {
        JsonNode m = obj.get("metadata");
        if (m instanceof ObjectNode o) {
            return o;
        }
        return obj.putObject("metadata");
    }

    public static String name(JsonNode obj) {
        return Json.text(obj, "metadata.name");
    }

    public static String namespace(JsonNode obj) {
        return Json.text(obj, "metadata.namespace");
    }

    public static String uid(JsonNode obj) {
        return Json.text(obj, "metadata.uid");
    }

    public static String resourceVersion(JsonNode obj) {
        return Json.text(obj, "metadata.resourceVersion");
    }

    public static boolean deleting(JsonNode obj) {
        JsonNode d = Json.at(obj, "metadata.deletionTimestamp");
        return d != null && !d.isNull();
    }

    public static boolean hasFinalizers(JsonNode obj) {
        JsonNode f = Json.at(obj, "metadata.finalizers");
        return f != null && f.isArray() && !f.isEmpty();
    }

    public static Map<String, String> labels(JsonNode obj) {
        return stringMap(Json.at(obj, "metadata.labels"));
    }

    public static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        }
        return out;
    }

    /** RFC 3339 in seconds, UTC ({@code metav1.Time}). */
    public static String timestamp(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant parseTime(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** kube's {@code duration.HumanDuration}: 45s, 5m12s, 3h, 4d, 2y... (as {@code kubectl get}'s AGE). */
    public static String humanDuration(java.time.Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
