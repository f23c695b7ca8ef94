package io.caravel.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Compare.Operator;
import io.caravel.store.RangeRequest.SortOrder;
import io.caravel.store.RangeRequest.SortTarget;
import io.caravel.store.mem.InMemoryMvccStore;
import io.caravel.store.rocks.RocksMvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Model-based properties: random sequences of mutations, reads and maintenance run against
 * {@link RocksMvccStore} and the reference model {@link InMemoryMvccStore} side by side, over a key space
 * of five keys (so that keys collide, prefixes overlap and txns hit the duplicate-key rules). After every
 * action the two must agree on the results and on everything observable: positions, revisions, the
 * range of every key at every retained revision, the history ({@code events}, whole and paged), leases
 * and {@code hashKv}. The RocksDB store is also closed and reopened, physically compacted step by step,
 * and copied file by file while open (a crash image), and must not change its answers.
 *
 * <p>jqwik reports the seed of a failing run and shrinks the action chain; a failure reproduces with
 * {@code @Property(seed = "...")}. The default tries keep the suite short; {@link #rocksAgreesWithTheModelLong}
 * is the {@code slow}-tagged soak.
 */
class MvccStoreProperties {

    /** Small limits so that the generated txns reach them and compaction takes several steps. */
    static final StoreOptions OPTIONS = StoreOptions.defaults().withMaxTxnOps(3).withCompactionBatchSize(2);

    private final List<Stores> opened = new ArrayList<>();
    private final List<Path> scratchDirs = new ArrayList<>();

    @AfterTry
    void closeStores() {
        RuntimeException failure = null;
        for (Stores s : opened) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        opened.clear();
        for (Path dir : scratchDirs) {
            deleteRecursively(dir);
        }
        scratchDirs.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @AfterProperty
    void closeLeftovers() {
        closeStores();
    }

    private Stores newStores() {
        Stores s = new Stores(tempDir("caravel-props-"));
        opened.add(s);
        return s;
    }

    // ==== properties =============================================================================

    @Property(tries = 20)
    void rocksAgreesWithTheModel(@ForAll("chains") ActionChain<Stores> chain) {
        chain.run();
    }

    @Property(tries = 300)
    @Tag("slow")
    void rocksAgreesWithTheModelLong(@ForAll("longChains") ActionChain<Stores> chain) {
        chain.run();
    }

    /** A store closed without any flush comes back with every applied entry and its position. */
    @Property(tries = 10)
    void closeWithoutFlushKeepsEveryAppliedEntry(@ForAll("batches") List<List<Mutation>> batches) {
        Stores s = newStores();
        for (List<Mutation> batch : batches) {
            s.apply(batch, false);
        }
        s.verify();
        s.reopen(); // close() alone, no flush
        assertThat(s.rocks.appliedPosition()).isEqualTo(positionOf(batches.size()));
        s.verify();
    }

    /**
     * A raw file copy of the live directory (what a crash would leave, without RocksDB's checkpoint
     * machinery) opens with its data and its applied position in step: the data is the model's at
     * exactly the position it reports, and since every write had returned, that position is the last one.
     */
    @Property(tries = 8)
    void rawCopyOfTheLiveDirectoryIsInStep(@ForAll("batches") List<List<Mutation>> batches) {
        Stores s = newStores();
        List<Path> copies = new ArrayList<>();
        List<Long> copiedAt = new ArrayList<>();
        int n = batches.size();
        for (int i = 0; i < n; i++) {
            s.apply(batches.get(i), false);
            if (i == n / 3 || i == 2 * n / 3 || i == n - 1) {
                Path copy = rawCopy(s.dir);
                scratchDirs.add(copy);
                copies.add(copy);
                copiedAt.add(s.index);
            }
        }
        for (int c = 0; c < copies.size(); c++) {
            try (RocksMvccStore copy = RocksMvccStore.open(copies.get(c), OPTIONS);
                 InMemoryMvccStore model = new InMemoryMvccStore(OPTIONS)) {
                long reported = copy.appliedPosition().index();
                assertThat(reported).isBetween(0L, copiedAt.get(c));
                for (int i = 0; i < reported; i++) {
                    model.applyAll(positionOf(i + 1), batches.get(i));
                }
                assertSameObservableState(model, copy);
                assertThat(reported).as("every write had returned before the copy").isEqualTo(copiedAt.get(c));
            }
        }
        // The live store is unaffected by the copies.
        s.verify();
    }

    /**
     * Without RocksDB's WAL (the Raft log is the write-ahead log): a raw copy of the live directory — what
     * a crash leaves — opens at SOME applied position no later than the last entry, never earlier than the
     * last {@code sync()}, with data in step with exactly that position; replaying the log from there (as
     * Raft does) ends in the same state as the live store.
     */
    @Property(tries = 8)
    void withoutWalACrashLosesOnlyUnsyncedEntriesAndReplayRestoresThem(@ForAll("batches") List<List<Mutation>> batches) {
        StoreOptions noWal = OPTIONS.withWriteAheadLog(false);
        Path dir = tempDir("caravel-props-nowal-");
        scratchDirs.add(dir);
        int n = batches.size();
        List<Path> copies = new ArrayList<>();
        List<Long> copiedAt = new ArrayList<>();
        List<Long> syncedBefore = new ArrayList<>();
        long synced = 0;
        try (RocksMvccStore live = RocksMvccStore.open(dir, noWal)) {
            for (int i = 0; i < n; i++) {
                live.applyAll(positionOf(i + 1), batches.get(i));
                if (i == n / 2) {
                    live.sync();
                    synced = i + 1;
                }
                if (i == n / 3 || i == 2 * n / 3 || i == n - 1) {
                    Path copy = rawCopy(dir);
                    scratchDirs.add(copy);
                    copies.add(copy);
                    copiedAt.add(i + 1L);
                    syncedBefore.add(synced);
                }
            }
        }
        for (int c = 0; c < copies.size(); c++) {
            try (RocksMvccStore copy = RocksMvccStore.open(copies.get(c), noWal);
                 InMemoryMvccStore model = new InMemoryMvccStore(OPTIONS)) {
                long reported = copy.appliedPosition().index();
                assertThat(reported).as("applied position after the crash").isBetween(syncedBefore.get(c), copiedAt.get(c));
                for (int i = 0; i < reported; i++) {
                    model.applyAll(positionOf(i + 1), batches.get(i));
                }
                assertSameObservableState(model, copy);
                // The replay: what Raft does after a crash, from the store's position on.
                for (long i = reported; i < copiedAt.get(c); i++) {
                    model.applyAll(positionOf(i + 1), batches.get((int) i));
                    copy.applyAll(positionOf(i + 1), batches.get((int) i));
                }
                assertSameObservableState(model, copy);
            }
        }
    }

    // ==== chains =================================================================================

    @Provide
    Arbitrary<ActionChain<Stores>> chains() {
        return chain(60);
    }

    @Provide
    Arbitrary<ActionChain<Stores>> longChains() {
        return chain(150);
    }

    private Arbitrary<ActionChain<Stores>> chain(int maxTransformations) {
        Action.Dependent<Stores> applyOne = s -> Gen.mutation(s.model.currentRevision(), s.model.compactRevision())
                .map(m -> Transformer.mutate("apply " + m, st -> st.apply(List.of(m), true)));
        Action.Dependent<Stores> applyBatch = s -> Gen.mutation(s.model.currentRevision(), s.model.compactRevision())
                .list().ofMinSize(2).ofMaxSize(4)
                .map(ms -> Transformer.mutate("applyAll " + ms, st -> st.apply(ms, true)));
        // Entries of puts only: the RocksDB store writes them without an indexed batch.
        Action.Dependent<Stores> applyPuts = s -> Gen.put().map(p -> (Mutation) p).list().ofMinSize(2).ofMaxSize(6)
                .map(ms -> Transformer.mutate("applyAll puts " + ms, st -> st.apply(ms, true)));
        Action.Dependent<Stores> reapply = s -> Combinators.combine(
                        Arbitraries.longs().between(0, s.index),
                        Gen.mutation(s.model.currentRevision(), s.model.compactRevision()).list().ofMinSize(1).ofMaxSize(2))
                .as((index, ms) -> Transformer.mutate("re-apply at old index " + index + ": " + ms,
                        st -> st.reapply(index, ms)));
        Action.Dependent<Stores> read = s -> Gen.range(s.model.currentRevision(), s.model.compactRevision())
                .map(r -> Transformer.mutate("range " + r, st -> st.read(r)));
        Action.Dependent<Stores> readTxn = s -> Gen.readOnlyTxn(2, s.model.currentRevision(), s.model.compactRevision())
                .map(t -> Transformer.mutate("readTxn " + t, st -> st.readTxn(t)));
        Action.Dependent<Stores> events = s -> Combinators.combine(
                        Arbitraries.longs().between(s.model.compactRevision() - 1, s.model.currentRevision() + 2),
                        Arbitraries.longs().between(-1, s.model.currentRevision() + 2),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.of(true, false))
                .as((from, to, max, prev) -> Transformer.mutate(
                        "events(" + from + ", " + to + ", " + max + ", " + prev + ")", st -> st.events(from, to, max, prev)));
        return ActionChain.startWith(this::newStores)
                .withAction(14, applyOne)
                .withAction(4, applyBatch)
                .withAction(3, applyPuts)
                .withAction(1, reapply)
                .withAction(2, read)
                .withAction(1, readTxn)
                .withAction(1, events)
                .withAction(1, Action.just("reopen rocks", Transformer.mutate("close and reopen rocks", Stores::reopen)))
                .withAction(1, Action.just("compact step", Transformer.mutate("one compactStep", Stores::compactStepOnce)))
                .withAction(1, Action.just("compact fully",
                        Transformer.mutate("compactStep until done", Stores::compactFully)))
                .withMaxTransformations(maxTransformations);
    }

    @Provide
    Arbitrary<List<List<Mutation>>> batches() {
        // Revisions are drawn for a store of about 30 revisions; those out of range are rejected alike.
        return Gen.mutation(30, 0).list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(5).ofMaxSize(40);
    }

    // ==== the two stores =========================================================================

    static LogPosition positionOf(long index) {
        return new LogPosition(1 + index / 7, index);
    }

    /** RocksMvccStore and the model, fed the same entries at the same positions. */
    static final class Stores implements AutoCloseable {
        final Path dir;
        final InMemoryMvccStore model = new InMemoryMvccStore(OPTIONS);
        RocksMvccStore rocks;
        long index;
        final List<List<ApplyResult>> modelTold = new ArrayList<>();
        final List<List<ApplyResult>> rocksTold = new ArrayList<>();

        Stores(Path dir) {
            this.dir = dir;
            model.addCommitListener(modelTold::add);
            openRocks();
        }

        private void openRocks() {
            rocks = RocksMvccStore.open(dir, OPTIONS);
            rocks.addCommitListener(rocksTold::add);
        }

        void apply(List<Mutation> batch, boolean verify) {
            LogPosition p = positionOf(++index);
            List<ApplyResult> expected = model.applyAll(p, batch);
            List<ApplyResult> actual = rocks.applyAll(p, batch);
            assertThat(actual).as("results of %s at %s", batch, p).isEqualTo(expected);
            assertThat(rocksTold).as("commit listener").isNotEmpty();
            assertThat(rocksTold.get(rocksTold.size() - 1)).as("told batch").isEqualTo(expected);
            assertThat(rocksTold).hasSameSizeAs(modelTold);
            for (ApplyResult r : expected) {
                Statistics.label("mutation results").collect(r.result() instanceof MutationResult.Rejected rejected
                        ? "rejected " + rejected.error() : r.result().getClass().getSimpleName());
            }
            if (verify) {
                verify();
            }
        }

        void reapply(long oldIndex, List<Mutation> batch) {
            LogPosition p = positionOf(oldIndex);
            List<ApplyResult> expected = model.applyAll(p, batch);
            List<ApplyResult> actual = rocks.applyAll(p, batch);
            assertThat(expected).allSatisfy(r -> assertThat(r.result()).isInstanceOf(MutationResult.AlreadyApplied.class));
            assertThat(actual).as("re-applied %s at %s", batch, p).isEqualTo(expected);
            assertThat(rocksTold).as("listeners told of a skipped entry").hasSameSizeAs(modelTold);
            verify();
        }

        void read(RangeRequest r) {
            assertThat(outcome(() -> rocks.range(r))).as("%s", r).isEqualTo(outcome(() -> model.range(r)));
        }

        void readTxn(TxnRequest t) {
            assertThat(outcome(() -> rocks.readTxn(t))).as("%s", t).isEqualTo(outcome(() -> model.readTxn(t)));
        }

        void events(long from, long to, int max, boolean prevKv) {
            assertThat(outcome(() -> rocks.events(from, to, max, prevKv)))
                    .isEqualTo(outcome(() -> model.events(from, to, max, prevKv)));
        }

        void reopen() {
            rocks.close();
            openRocks();
            verify();
            Statistics.label("reopened at revision").collect(model.currentRevision() < 10 ? "<10" : ">=10");
        }

        void compactStepOnce() {
            assertThat(model.compactStep()).isFalse();
            HashResult before = rocks.hashKv(0);
            rocks.compactStep();
            assertThat(rocks.hashKv(0)).isEqualTo(before);
            verify();
        }

        void compactFully() {
            int steps = 0;
            while (rocks.compactStep()) {
                assertThat(++steps).as("compactStep never finishes").isLessThan(100_000);
                assertThat(rocks.hashKv(0)).isEqualTo(model.hashKv(0));
            }
            assertThat(rocks.compactStep()).isFalse();
            verify();
            Statistics.label("compaction steps to completion").collect(steps == 0 ? "0" : steps < 5 ? "1-4" : ">=5");
        }

        void verify() {
            assertSameObservableState(model, rocks);
        }

        @Override
        public void close() {
            try {
                rocks.close();
                model.close();
            } finally {
                deleteRecursively(dir);
            }
        }

        @Override
        public String toString() {
            return "Stores[" + dir + ", index " + index + "]";
        }
    }

    /** Everything a client can observe, compared between the model and an implementation. */
    static void assertSameObservableState(MvccStore model, MvccStore actual) {
        assertThat(actual.appliedPosition()).as("applied position").isEqualTo(model.appliedPosition());
        long current = model.currentRevision();
        long compact = model.compactRevision();
        assertThat(actual.currentRevision()).as("current revision").isEqualTo(current);
        assertThat(actual.compactRevision()).as("compact revision").isEqualTo(compact);
        RangeRequest all = RangeRequest.builder(Bytes.ZERO).rangeEnd(Bytes.ZERO).build();
        for (long rev = Math.max(1, compact); rev <= current; rev++) {
            RangeRequest at = all.toBuilder().revision(rev).build();
            assertThat(actual.range(at)).as("every key at revision %d", rev).isEqualTo(model.range(at));
            assertThat(actual.hashKv(rev)).as("hashKv(%d)", rev).isEqualTo(model.hashKv(rev));
        }
        for (String k : Gen.KEYS) {
            RangeRequest one = RangeRequest.get(Bytes.of(k));
            assertThat(actual.range(one)).as("key %s", k).isEqualTo(model.range(one));
        }
        assertThat(actual.hashKv(0)).as("hashKv(0)").isEqualTo(model.hashKv(0));
        for (boolean prevKv : new boolean[] {true, false}) {
            assertThat(actual.events(compact, current, Integer.MAX_VALUE, prevKv))
                    .as("events(%d, %d, prevKv=%s)", compact, current, prevKv)
                    .isEqualTo(model.events(compact, current, Integer.MAX_VALUE, prevKv));
        }
        long from = compact;
        for (int pages = 0; ; pages++) {
            assertThat(pages).isLessThan(10_000);
            EventBatch expected = model.events(from, current, 2, true);
            assertThat(actual.events(from, current, 2, true)).as("events page from %d", from).isEqualTo(expected);
            if (expected.reachedCurrent()) {
                break;
            }
            from = expected.nextRevision();
        }
        assertThat(actual.leases()).as("leases").isEqualTo(model.leases());
        for (long id = 0; id <= 5; id++) {
            assertThat(actual.lease(id)).as("lease %d", id).isEqualTo(model.lease(id));
            assertThat(actual.leaseKeys(id)).as("keys of lease %d", id).isEqualTo(model.leaseKeys(id));
        }
    }

    /** A read's value, or the etcd error (or the exception type) it failed with. */
    static Object outcome(Supplier<?> read) {
        try {
            return read.get();
        } catch (KvException e) {
            return e.error();
        } catch (IllegalArgumentException e) {
            return IllegalArgumentException.class.getSimpleName();
        }
    }

    // ==== generators =============================================================================

    /** Random requests over a five-key space; revisions are drawn around the store's current window. */
    static final class Gen {
        static final List<String> KEYS = List.of("a", "a1", "a2", "b", "c");

        static Arbitrary<Bytes> key() {
            return Arbitraries.of(KEYS).map(Bytes::of);
        }

        static Arbitrary<Bytes> boundary() {
            return Arbitraries.of("a", "a0", "a1", "a2", "a3", "b", "bb", "c", "d").map(Bytes::of);
        }

        static Arbitrary<Bytes> value() {
            return Arbitraries.of("", "x", "y", "z").map(Bytes::of);
        }

        static Arbitrary<KeyRange> keyRange() {
            return Arbitraries.frequencyOf(
                    Tuple.of(5, key().map(KeyRange::single)),
                    Tuple.of(2, Arbitraries.of("a", "b", "c").map(p -> KeyRange.prefix(Bytes.of(p)))),
                    Tuple.of(2, Combinators.combine(boundary(), boundary()).as(KeyRange::new)),
                    Tuple.of(1, boundary().map(k -> new KeyRange(k, Bytes.ZERO))),
                    Tuple.of(1, Arbitraries.just(new KeyRange(Bytes.ZERO, Bytes.ZERO))));
        }

        static Arbitrary<Long> lease() {
            return Arbitraries.frequency(Tuple.of(12, 0L), Tuple.of(3, 1L), Tuple.of(2, 2L), Tuple.of(1, 3L),
                    Tuple.of(1, 99L));
        }

        static Arbitrary<PutRequest> put() {
            Arbitrary<Integer> flags = Arbitraries.frequency(Tuple.of(20, 0), Tuple.of(2, 1), Tuple.of(2, 2),
                    Tuple.of(1, 3));
            return Combinators.combine(key(), value(), lease(), Arbitraries.of(true, false), flags,
                            Arbitraries.integers().between(0, 7))
                    .as((k, v, l, prevKv, f, noise) -> {
                        boolean ignoreValue = (f & 1) != 0;
                        boolean ignoreLease = (f & 2) != 0;
                        // Mostly valid flag combinations; noise 0 leaves the value/lease in to exercise validation.
                        Bytes value = ignoreValue && noise != 0 ? Bytes.EMPTY : v;
                        long lease = ignoreLease && noise != 0 ? 0 : l;
                        return new PutRequest(k, value, lease, prevKv, ignoreValue, ignoreLease);
                    });
        }

        static Arbitrary<DeleteRangeRequest> delete() {
            return Combinators.combine(keyRange(), Arbitraries.of(true, false))
                    .as((r, prevKv) -> new DeleteRangeRequest(r.key(), r.rangeEnd(), prevKv));
        }

        static Arbitrary<Long> revision(long current, long compact) {
            return Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(0L)),
                    Tuple.of(2, Arbitraries.longs().between(compact - 1, current + 1)));
        }

        static Arbitrary<Long> revisionFilter(long current) {
            return Arbitraries.frequencyOf(
                    Tuple.of(5, Arbitraries.just(0L)),
                    Tuple.of(1, Arbitraries.longs().between(1, current + 1)));
        }

        static Arbitrary<Tuple2<SortOrder, SortTarget>> sort() {
            return Combinators.combine(Arbitraries.of(SortOrder.class), Arbitraries.of(SortTarget.class))
                    .as(Tuple::of);
        }

        static Arbitrary<RangeRequest> range(long current, long compact) {
            Arbitrary<long[]> filters = Combinators.combine(revisionFilter(current), revisionFilter(current),
                    revisionFilter(current), revisionFilter(current)).as((a, b, c, d) -> new long[] {a, b, c, d});
            Arbitrary<Tuple2<SortOrder, SortTarget>> sort = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(Tuple.of(SortOrder.NONE, SortTarget.KEY))),
                    Tuple.of(2, sort()));
            return Combinators.combine(keyRange(), Arbitraries.of(0L, 0L, 1L, 2L, 3L), revision(current, compact), sort,
                            Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)),
                            Arbitraries.frequency(Tuple.of(6, false), Tuple.of(1, true)), filters)
                    .as((r, limit, rev, s, keysOnly, countOnly, f) -> RangeRequest.builder(r.key()).rangeEnd(r.rangeEnd())
                            .limit(limit)
                            .revision(rev).sort(s.get1(), s.get2()).keysOnly(keysOnly).countOnly(countOnly)
                            .minModRevision(f[0]).maxModRevision(f[1]).minCreateRevision(f[2]).maxCreateRevision(f[3])
                            .build());
        }

        static Arbitrary<Compare> compare(long current) {
            Arbitrary<KeyRange> where = Arbitraries.frequencyOf(
                    Tuple.of(4, key().map(KeyRange::single)), Tuple.of(1, keyRange()));
            return Combinators.combine(where, Arbitraries.of(Compare.Target.class), Arbitraries.of(Operator.class),
                            Arbitraries.longs().between(0, current + 1), value())
                    .as((r, target, op, n, v) -> new Compare(r.key(), r.rangeEnd(), target, op,
                            target == Compare.Target.LEASE ? n % 4 : n, v));
        }

        static Arbitrary<Op> op(int depth, long current, long compact) {
            List<Tuple2<Integer, Arbitrary<? extends Op>>> choices = new ArrayList<>(List.of(
                    Tuple.of(2, range(current, compact)), Tuple.of(4, put()), Tuple.of(2, delete())));
            if (depth > 0) {
                choices.add(Tuple.of(1, txn(depth - 1, current, compact)));
            }
            @SuppressWarnings("unchecked")
            Tuple2<Integer, Arbitrary<? extends Op>>[] array = choices.toArray(new Tuple2[0]);
            return Arbitraries.frequencyOf(array);
        }

        private static Arbitrary<List<Op>> branch(Arbitrary<Op> op) {
            // Mostly within the options' 3 ops; sometimes one more, which must be rejected alike.
            return Arbitraries.frequencyOf(Tuple.of(12, op.list().ofMaxSize(3)), Tuple.of(1, op.list().ofSize(4)));
        }

        static Arbitrary<TxnRequest> txn(int depth, long current, long compact) {
            Arbitrary<Op> op = op(depth, current, compact);
            return Combinators.combine(compare(current).list().ofMaxSize(2), branch(op), branch(op))
                    .as(TxnRequest::new);
        }

        static Arbitrary<TxnRequest> readOnlyTxn(int depth, long current, long compact) {
            Arbitrary<Op> op = depth == 0 ? range(current, compact).map(r -> (Op) r)
                    : Arbitraries.frequencyOf(Tuple.of(4, range(current, compact)),
                            Tuple.of(1, readOnlyTxn(depth - 1, current, compact)));
            return Combinators.combine(compare(current).list().ofMaxSize(2), op.list().ofMaxSize(3),
                    op.list().ofMaxSize(3)).as(TxnRequest::new);
        }

        /** A txn that changes one key twice in its revision: a nested put, then a later nested delete of it. */
        static Arbitrary<Mutation> changeTwice() {
            return Combinators.combine(key(), value(), Arbitraries.of(true, false))
                    .as((k, v, prefix) -> new TxnRequest(List.of(), List.of(
                            new TxnRequest(List.of(), List.of(PutRequest.of(k, v)), List.of()),
                            new TxnRequest(List.of(), List.of(prefix
                                    ? DeleteRangeRequest.prefix(Bytes.of(k.toStringUtf8().substring(0, 1)))
                                    : DeleteRangeRequest.key(k)), List.of())), List.of()));
        }

        static Arbitrary<Mutation> compact(long current, long compact) {
            return Arbitraries.frequencyOf(
                    Tuple.of(4, Arbitraries.longs().between(compact + 1, Math.max(compact + 1, current))),
                    Tuple.of(1, Arbitraries.longs().between(compact - 1, current + 1)))
                    .map(CompactRequest::new);
        }

        static Arbitrary<Mutation> grant() {
            Arbitrary<Long> ttl = Arbitraries.frequencyOf(
                    Tuple.of(10, Arbitraries.longs().between(1, 100)),
                    Tuple.of(1, Arbitraries.just(LeaseGrantRequest.MAX_TTL_SECONDS)),
                    Tuple.of(1, Arbitraries.just(LeaseGrantRequest.MAX_TTL_SECONDS + 1)));
            return Combinators.combine(Arbitraries.frequency(Tuple.of(1, 0L), Tuple.of(6, 1L), Tuple.of(4, 2L),
                    Tuple.of(3, 3L), Tuple.of(1, 4L)), ttl).as(LeaseGrantRequest::new);
        }

        static Arbitrary<Mutation> revoke() {
            return Arbitraries.longs().between(1, 4).map(LeaseRevokeRequest::new);
        }

        static Arbitrary<Mutation> checkpoint() {
            return Combinators.combine(Arbitraries.longs().between(1, 5), Arbitraries.longs().between(0, 100))
                    .as(LeaseCheckpointRequest.Checkpoint::new)
                    .list().ofMaxSize(3)
                    .map(LeaseCheckpointRequest::new);
        }

        static Arbitrary<Mutation> mutation(long current, long compact) {
            return Arbitraries.frequencyOf(
                    Tuple.of(8, put()),
                    Tuple.of(2, delete()),
                    Tuple.of(5, txn(2, current, compact)),
                    Tuple.of(1, changeTwice()),
                    Tuple.of(1, compact(current, compact)),
                    Tuple.of(2, grant()),
                    Tuple.of(1, revoke()),
                    Tuple.of(1, checkpoint()));
        }
    }

    // ==== files ==================================================================================

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the files of a live RocksDB directory one by one, as a crash would leave them (no checkpoint,
     * no flush). A file RocksDB deletes meanwhile (a finished compaction's input) makes the copy start over.
     */
    static Path rawCopy(Path source) {
        for (int attempt = 0; ; attempt++) {
            Path target = tempDir("caravel-crash-copy-");
            try {
                Files.walkFileTree(source, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                        Files.createDirectories(target.resolve(source.relativize(d)));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                        Files.copy(f, target.resolve(source.relativize(f)));
                        return FileVisitResult.CONTINUE;
                    }
                });
                return target;
            } catch (NoSuchFileException e) {
                deleteRecursively(target);
                if (attempt >= 10) {
                    throw new UncheckedIOException("the directory kept changing while copying it", e);
                }
            } catch (IOException e) {
                deleteRecursively(target);
                throw new UncheckedIOException(e);
            }
        }
    }

    static void deleteRecursively(Path dir) {
        Objects.requireNonNull(dir, "dir == null");
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
