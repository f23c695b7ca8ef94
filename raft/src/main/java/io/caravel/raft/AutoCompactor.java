package io.caravel.raft;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides auto-compaction on the leader, as etcd's {@code v3compactor}:
 * <ul>
 *   <li>{@code periodic}: every retention/10 the leader samples the current revision; it compacts to
 *       the revision it saw one retention ago (so at least {@code retention} of history is kept).</li>
 *   <li>{@code revision}: every check interval, compact to {@code current - retention} (keep the last
 *       {@code retention} revisions).</li>
 * </ul>
 * Samples are kept only while leading: a new leader starts sampling afresh, so it never compacts
 * history younger than a retention it observed itself. Not thread-safe; called from one timer thread.
 */
final class AutoCompactor {
    private enum Mode { NONE, PERIODIC, REVISION }

    private record Sample(long nanos, long revision) {
    }

    private final Mode mode;
    private final long retentionNanos;
    private final long retentionRevisions;
    private final long checkIntervalMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();

    AutoCompactor(RaftNodeConfig config, RaftTuning tuning) {
        String m = config.autoCompactionMode().trim().toLowerCase(Locale.ROOT);
        String r = config.autoCompactionRetention().trim();
        if (m.isEmpty() || r.isEmpty() || r.equals("0")) {
            mode = Mode.NONE;
            retentionNanos = 0;
            retentionRevisions = 0;
            checkIntervalMillis = 0;
        } else if (m.equals("periodic")) {
            mode = Mode.PERIODIC;
            retentionNanos = parseDuration(r).toNanos();
            retentionRevisions = 0;
            checkIntervalMillis = Math.max(10, retentionNanos / 10 / 1_000_000);
        } else if (m.equals("revision")) {
            mode = Mode.REVISION;
            retentionNanos = 0;
            retentionRevisions = Long.parseLong(r);
            checkIntervalMillis = Math.max(10, tuning.revisionCompactionInterval().toMillis());
        } else {
            throw new IllegalArgumentException("unknown --auto-compaction-mode: " + config.autoCompactionMode());
        }
    }

    /** etcd accepts a Go duration ("1h", "30m", "10s", "1h30m") or a plain number of hours. */
    static Duration parseDuration(String s) {
        try {
            double hours = Double.parseDouble(s);
            return Duration.ofMillis((long) (hours * 3_600_000));
        } catch (NumberFormatException e) {
            // a Go duration
        }
        Duration d = Duration.ZERO;
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)").matcher(s);
        int end = 0;
        while (mt.find()) {
            if (mt.start() != end) {
                throw new IllegalArgumentException("bad duration: " + s);
            }
            end = mt.end();
            double v = Double.parseDouble(mt.group(1));
            long unitMillis = switch (mt.group(2)) {
                case "h" -> 3_600_000L;
                case "m" -> 60_000L;
                case "s" -> 1_000L;
                default -> 1L;
            };
            d = d.plusMillis((long) (v * unitMillis));
        }
        if (end != s.length() || d.isZero()) {
            throw new IllegalArgumentException("bad duration: " + s);
        }
        return d;
    }

    /** 0 when auto-compaction is off. */
    long checkIntervalMillis() {
        return checkIntervalMillis;
    }

    /** Called every check interval; returns the revision to compact to, or 0 for none. */
    long tick(boolean leader, long currentRevision, long nowNanos) {
        if (!leader) {
            samples.clear();
            return 0;
        }
        switch (mode) {
            case REVISION:
                return currentRevision - retentionRevisions > 0 ? currentRevision - retentionRevisions : 0;
            case PERIODIC:
                samples.addLast(new Sample(nowNanos, currentRevision));
                long target = 0;
                while (!samples.isEmpty() && nowNanos - samples.peekFirst().nanos() >= retentionNanos) {
                    target = samples.pollFirst().revision();
                }
                return target;
            default:
                return 0;
        }
    }
}
