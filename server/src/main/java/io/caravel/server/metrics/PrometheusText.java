package io.caravel.server.metrics;

/** Writing the Prometheus text format (0.0.4): the one place that spells a series' header. */
final class PrometheusText {
    private PrometheusText() {
    }

    /** Appends the {@code # HELP} and {@code # TYPE} lines that precede the samples of {@code name}. */
    static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
