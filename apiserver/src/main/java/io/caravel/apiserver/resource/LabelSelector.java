package io.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A label selector: the string form of {@code ?labelSelector=} (equality-based {@code a=b}, {@code a==b},
 * {@code a!=b}, set-based {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}, and {@code a>1},
 * {@code a<1}) and the structured form of {@code spec.selector} (matchLabels, matchExpressions). All requirements
 * must hold. Immutable; thread-safe.
 */
public final class LabelSelector {
    /** Matches everything. */
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    enum Op { EQ, NE, IN, NOTIN, EXISTS, NOTEXISTS, GT, LT }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EQ, IN -> v != null && values.contains(v);
                case NE, NOTIN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case NOTEXISTS -> v == null;
                case GT, LT -> {
                    if (v == null) {
                        yield false;
                    }
                    try {
                        long have = Long.parseLong(v);
                        long want = Long.parseLong(values.iterator().next());
                        yield op == Op.GT ? have > want : have < want;
                    } catch (NumberFormatException e) {
                        yield false;
                    }
                }
            };
        }

        @Override
        public String toString() {
            return switch (op) {
                case EQ -> key + "=" + values.iterator().next();
                case NE -> key + "!=" + values.iterator().next();
                case IN -> key + " in (" + String.join(",", values) + ")";
                case NOTIN -> key + " notin (" + String.join(",", values) + ")";
                case EXISTS -> key;
                case NOTEXISTS -> "!" + key;
                case GT -> key + ">" + values.iterator().next();
                case LT -> key + "<" + values.iterator().next();
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the object's {@code metadata.labels} satisfy the selector. */
    public boolean matches(JsonNode object) {
        return isEverything() || matches(Meta.labels(object));
    }

    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(Requirement::toString).toList());
    }

    /** Parses the string form; a syntax error is a 400 as kube-apiserver gives it. */
    public static LabelSelector parse(String s) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String part : splitTopLevel(s)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw bad(s, "empty requirement");
            }
            reqs.add(requirement(s, p));
        }
        return new LabelSelector(reqs);
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static Requirement requirement(String whole, String p) {
        if (p.startsWith("!")) {
            return new Requirement(key(whole, p.substring(1).trim()), Op.NOTEXISTS, Set.of());
        }
        String[] words = p.split("\\s+", 2);
        if (words.length == 2 && (words[1].startsWith("in ") || words[1].startsWith("in(") || words[1].startsWith("notin ")
                || words[1].startsWith("notin("))) {
            boolean in = words[1].startsWith("in");
            String rest = words[1].substring(in ? 2 : 5).trim();
            if (!rest.startsWith("(") || !rest.endsWith(")")) {
                throw bad(whole, "expected a parenthesised list of values after '" + (in ? "in" : "notin") + "'");
            }
            Set<String> values = new LinkedHashSet<>();
            for (String v : rest.substring(1, rest.length() - 1).split(",")) {
                values.add(value(whole, v.trim()));
            }
            return new Requirement(key(whole, words[0]), in ? Op.IN : Op.NOTIN, values);
        }
        for (String op : new String[] {"==", "!=", "=", ">", "<"}) {
            int i = p.indexOf(op);
            if (i > 0) {
                String k = key(whole, p.substring(0, i).trim());
                String v = value(whole, p.substring(i + op.length()).trim());
                Op o = switch (op) {
                    case "!=" -> Op.NE;
                    case ">" -> Op.GT;
                    case "<" -> Op.LT;
                    default -> Op.EQ;
                };
                if ((o == Op.GT || o == Op.LT) && !v.matches("-?[0-9]+")) {
                    throw bad(whole, "for 'Gt', 'Lt' operators, the value must be an integer");
                }
                return new Requirement(k, o, Set.of(v));
            }
        }
        return new Requirement(key(whole, p), Op.EXISTS, Set.of());
    }

    private static String key(String whole, String k) {
        String problem = Validation.qualifiedNameProblem(k);
        if (problem != null) {
            throw bad(whole, "invalid label key \"" + k + "\": " + problem);
        }
        return k;
    }

    private static String value(String whole, String v) {
        if (v.length() > 63 || !VALUE.matcher(v).matches()) {
            throw bad(whole, "invalid label value: \"" + v + "\": a valid label must be an empty string or consist of "
                    + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
        }
        return v;
    }

    private static ApiException bad(String whole, String why) {
        return ApiException.badRequest("unable to parse requirement: " + why + " (in label selector \"" + whole + "\")");
    }

    /**
     * The structured selector of {@code spec.selector} ({@code matchLabels}, {@code matchExpressions}); a null or
     * empty node selects everything.
     */
    public static LabelSelector fromStructured(JsonNode sel) {
        if (sel == null || sel.isNull() || sel.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        JsonNode ml = sel.get("matchLabels");
        if (ml != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ml.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                reqs.add(new Requirement(e.getKey(), Op.EQ, Set.of(e.getValue().asText())));
            }
        }
        JsonNode me = sel.get("matchExpressions");
        if (me != null) {
            for (JsonNode e : me) {
                String op = e.path("operator").asText();
                Set<String> values = new LinkedHashSet<>();
                e.path("values").forEach(v -> values.add(v.asText()));
                Op o = switch (op) {
                    case "In" -> Op.IN;
                    case "NotIn" -> Op.NOTIN;
                    case "Exists" -> Op.EXISTS;
                    case "DoesNotExist" -> Op.NOTEXISTS;
                    default -> throw ApiException.badRequest("\"" + op + "\" is not a valid label selector operator");
                };
                reqs.add(new Requirement(e.path("key").asText(), o, values));
            }
        }
        return new LabelSelector(reqs);
    }
}
