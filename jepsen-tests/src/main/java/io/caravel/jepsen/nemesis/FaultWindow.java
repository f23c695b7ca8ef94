package io.caravel.jepsen.nemesis;

/**
 * One fault as it happened, for results and the report's shading.
 *
 * @param kind the fault kind
 * @param name the variant, e.g. {@code kill-leader}, {@code partition-bridge}
 * @param description what was done, e.g. {@code killed n2 (leader)}
 * @param start start time (history clock, ns)
 * @param end time it was healed (history clock, ns), or -1 if it never was
 */
public record FaultWindow(FaultKind kind, String name, String description, long start, long end) {}
