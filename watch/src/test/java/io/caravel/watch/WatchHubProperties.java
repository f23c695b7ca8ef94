package io.caravel.watch;

import io.caravel.watch.WatchScenario.Action;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random write loads (puts, deletes, range deletes, txns, multi-revision batches, compactions) with
 * watchers on keys, ranges and prefixes from random start revisions, consumers that read slowly or not
 * at all, broken streams resumed from the last revision seen + 1, cancels and progress requests; each
 * run checked by {@link WatchScenario} against the store's full history: every watcher sees exactly the
 * events of its range, in revision order, with no gap and no duplicate, revisions whole, prevKv right;
 * compaction cancels a watch exactly when history it needs is gone; a progress notification never claims
 * a revision whose events have not all been delivered.
 *
 * <p>The default tries keep the module's tests within a couple of minutes on two cores; the
 * {@code slow}-tagged variants are the soak ({@code mvn -pl watch test -Dgroups=slow -DexcludedGroups=}).
 * jqwik prints the seed of a failing run; {@code @Property(seed = "...")} replays it.
 */
class WatchHubProperties {

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void byHandEveryWatcherSeesExactlyItsHistory(@ForAll("actions") List<Action> actions,
                                                 @ForAll @IntRange(min = 1, max = 4) int streamCapacity,
                                                 @ForAll @IntRange(min = 1, max = 6) int syncBatchEvents)
            throws InterruptedException {
        run(WatchScenario.Mode.MANUAL, actions, streamCapacity, syncBatchEvents);
    }

    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
    void withTheHubThreadEveryWatcherSeesExactlyItsHistory(@ForAll("actions") List<Action> actions,
                                                           @ForAll @IntRange(min = 1, max = 8) int streamCapacity,
                                                           @ForAll @IntRange(min = 1, max = 10) int syncBatchEvents)
            throws InterruptedException {
        run(WatchScenario.Mode.THREADED, actions, streamCapacity, syncBatchEvents);
    }

    @Property(tries = 1_000, shrinking = ShrinkingMode.BOUNDED)
    @Tag("slow")
    void byHandSoak(@ForAll("longActions") List<Action> actions,
                    @ForAll @IntRange(min = 1, max = 6) int streamCapacity,
                    @ForAll @IntRange(min = 1, max = 12) int syncBatchEvents) throws InterruptedException {
        run(WatchScenario.Mode.MANUAL, actions, streamCapacity, syncBatchEvents);
    }

    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    @Tag("slow")
    void withTheHubThreadSoak(@ForAll("longActions") List<Action> actions,
                              @ForAll @IntRange(min = 1, max = 16) int streamCapacity,
                              @ForAll @IntRange(min = 1, max = 20) int syncBatchEvents) throws InterruptedException {
        run(WatchScenario.Mode.THREADED, actions, streamCapacity, syncBatchEvents);
    }

    private static void run(WatchScenario.Mode mode, List<Action> actions, int capacity, int batch)
            throws InterruptedException {
        try (WatchScenario scenario = new WatchScenario(mode, capacity, batch)) {
            scenario.run(actions);
        }
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        return scenario(120);
    }

    @Provide
    Arbitrary<List<Action>> longActions() {
        return scenario(400);
    }

    /** Some writes, some watchers on that history, then anything (a body of up to {@code maxBody} actions). */
    private static Arbitrary<List<Action>> scenario(int maxBody) {
        Arbitrary<List<Action>> writes = write().list().ofMinSize(0).ofMaxSize(15);
        Arbitrary<List<Action>> watches = watch().list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<List<Action>> body = action().list().ofMinSize(10).ofMaxSize(maxBody)
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(writes, watches, body).as((w, x, b) -> {
            List<Action> all = new ArrayList<>(w);
            all.addAll(x);
            all.addAll(b);
            return all;
        });
    }

    private static Arbitrary<Integer> key() {
        return Arbitraries.integers().between(0, WatchScenario.KEYS.size() - 1);
    }

    private static Arbitrary<Integer> stream() {
        return Arbitraries.integers().between(0, WatchScenario.STREAMS - 1);
    }

    private static Arbitrary<Action> write() {
        Arbitrary<Action> put = Combinators.combine(key(), Arbitraries.integers().between(0, 99))
                .as(WatchScenario.Put::new);
        Arbitrary<Action> delete = key().map(WatchScenario.Delete::new);
        Arbitrary<Action> deletePrefix = Arbitraries.just(new WatchScenario.DeletePrefix());
        Arbitrary<Action> txn = key().list().ofMinSize(1).ofMaxSize(3).uniqueElements()
                .flatMap(keys -> Arbitraries.integers().between(-1, 9).list().ofSize(keys.size())
                        .map(values -> (Action) new WatchScenario.Txn(keys, values)));
        Arbitrary<Action> batch = key().list().ofMinSize(2).ofMaxSize(4).map(WatchScenario.Batch::new);
        return Arbitraries.frequencyOf(
                Tuple.of(14, put),
                Tuple.of(4, delete),
                Tuple.of(2, deletePrefix),
                Tuple.of(4, txn),
                Tuple.of(3, batch));
    }

    private static Arbitrary<Action> watch() {
        return Combinators.combine(
                        stream(),
                        Arbitraries.integers().between(0, WatchScenario.RANGES.size() - 1),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 12),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 5), // mostly no filter
                        Arbitraries.of(true, false))
                .as((s, r, kind, off, prevKv, filter, progress) -> (Action) new WatchScenario.Watch(
                        s, r, kind, off, prevKv, filter == 1, filter == 2, progress));
    }

    private static Arbitrary<Action> action() {
        Arbitrary<Action> compact = Arbitraries.integers().between(0, 1000).map(WatchScenario.Compact::new);
        Arbitrary<Action> poll = Combinators.combine(stream(), Arbitraries.integers().between(1, 6))
                .as(WatchScenario.Poll::new);
        Arbitrary<Action> sync = Arbitraries.just(new WatchScenario.Sync());
        Arbitrary<Action> tick = Arbitraries.just(new WatchScenario.ProgressTick());
        Arbitrary<Action> requestProgress = stream().map(WatchScenario.RequestProgress::new);
        Arbitrary<Action> breakStream = stream().map(WatchScenario.BreakStream::new);
        Arbitrary<Action> cancel = Combinators.combine(stream(), Arbitraries.integers().between(0, 9))
                .as(WatchScenario.Cancel::new);
        Arbitrary<Action> pause = stream().map(WatchScenario.TogglePause::new);
        Arbitrary<Action> reset = Arbitraries.just(new WatchScenario.Reset());
        return Arbitraries.frequencyOf(
                Tuple.of(25, write()),
                Tuple.of(3, compact),
                Tuple.of(5, watch()),
                Tuple.of(10, poll),
                Tuple.of(5, sync),
                Tuple.of(3, tick),
                Tuple.of(3, requestProgress),
                Tuple.of(3, breakStream),
                Tuple.of(1, cancel),
                Tuple.of(3, pause),
                Tuple.of(1, reset));
    }
}
