package io.caravel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.caravel.store.Compare.Operator;
import io.caravel.store.Compare.Target;
import io.caravel.store.RangeRequest.SortOrder;
import io.caravel.store.RangeRequest.SortTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link MvccStore}, with etcd's semantics, as explicit expected values. Every
 * implementation runs it through a subclass that says how to create (and, where it persists, reopen)
 * a store. Each test starts with a new empty store in {@link #store}; positions are handed out by
 * {@link #nextPosition()}.
 *
 * <p>Where etcd's behaviour is subtle, the test names the etcd code it follows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractMvccStoreContractTest {

    /** A new, empty store with these options. The suite closes it. */
    protected abstract MvccStore newStore(StoreOptions options);

    /** True when {@link #reopen} is implemented (the store persists its state). */
    protected boolean supportsReopen() {
        return false;
    }

    /** Closes {@code store} and opens the same data again with the same options. */
    protected MvccStore reopen(MvccStore store) {
        throw new UnsupportedOperationException("this store does not persist");
    }

    protected MvccStore store;
    private final List<MvccStore> opened = new ArrayList<>();
    private long nextIndex = 1;

    @BeforeEach
    void openStore() {
        store = open(StoreOptions.defaults());
    }

    @AfterEach
    void closeStores() {
        for (MvccStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    // ==== helpers ================================================================================

    protected MvccStore open(StoreOptions options) {
        MvccStore s = newStore(options);
        opened.add(s);
        return s;
    }

    private void reopenStore() {
        store = reopen(store);
        opened.add(store);
    }

    protected static Bytes b(String s) {
        return Bytes.of(s);
    }

    protected static KeyValue kv(String key, long create, long mod, long version, String value, long lease) {
        return new KeyValue(b(key), create, mod, version, b(value), lease);
    }

    protected static KeyValue kv(String key, long create, long mod, long version, String value) {
        return kv(key, create, mod, version, value, 0);
    }

    protected LogPosition nextPosition() {
        return new LogPosition(1, nextIndex++);
    }

    protected ApplyResult apply(Mutation m) {
        return store.apply(nextPosition(), m);
    }

    protected <T extends MutationResult> T ok(Mutation m, Class<T> type) {
        return apply(m).resultAs(type);
    }

    protected PutResult put(String key, String value) {
        return ok(PutRequest.of(key, value), PutResult.class);
    }

    protected PutResult put(String key, String value, long lease) {
        return ok(PutRequest.of(key, value).withLease(lease), PutResult.class);
    }

    protected DeleteRangeResult delete(String key) {
        return ok(DeleteRangeRequest.key(b(key)), DeleteRangeResult.class);
    }

    protected TxnResult txn(TxnRequest t) {
        return ok(t, TxnResult.class);
    }

    protected void grant(long id, long ttl) {
        ok(new LeaseGrantRequest(id, ttl), LeaseGrantResult.class);
    }

    protected static TxnRequest txnOf(List<Compare> compares, List<Op> success, List<Op> failure) {
        return new TxnRequest(compares, success, failure);
    }

    protected static TxnRequest then(Op... ops) {
        return new TxnRequest(List.of(), List.of(ops), List.of());
    }

    protected static RangeRequest.Builder rangeOf(String key) {
        return RangeRequest.builder(b(key));
    }

    protected static RangeRequest all() {
        return RangeRequest.builder(Bytes.ZERO).rangeEnd(Bytes.ZERO).build();
    }

    protected List<KeyValue> allKvs() {
        return store.range(all()).kvs();
    }

    protected List<KeyValue> kvs(RangeRequest r) {
        return store.range(r).kvs();
    }

    protected List<String> keys(RangeRequest r) {
        return store.range(r).kvs().stream().map(kv -> kv.key().toStringUtf8()).toList();
    }

    protected static PutRequest putReq(String key, String value) {
        return PutRequest.of(key, value);
    }

    protected static DeleteRangeRequest delRange(String key, String end) {
        return new DeleteRangeRequest(b(key), b(end), false);
    }

    /** Everything observable about the data, to check that a rejection or a compaction step changed nothing. */
    protected record Observed(long revision, long compactRevision, List<KeyValue> kvs, List<Lease> leases,
                              HashResult hash, List<Event> history) {
    }

    protected Observed observe() {
        long compact = store.compactRevision();
        return new Observed(store.currentRevision(), compact, allKvs(), store.leases(), store.hashKv(0),
                store.events(compact, store.currentRevision(), Integer.MAX_VALUE, true).events());
    }

    /** Applies {@code m}, checks it is rejected with {@code error} and etcd's {@code message}, and that nothing changed. */
    protected void assertRejected(Mutation m, KvError error, String message) {
        Observed before = observe();
        LogPosition position = nextPosition();
        ApplyResult r = store.apply(position, m);
        assertThat(r.result()).isEqualTo(new MutationResult.Rejected(error));
        assertThat(error.message()).isEqualTo(message);
        assertThat(r.revision()).isEqualTo(before.revision());
        assertThat(r.events()).isEmpty();
        assertThat(r.position()).isEqualTo(position);
        assertThat(observe()).isEqualTo(before);
        // The position advances even for a rejected mutation.
        assertThat(store.appliedPosition()).isEqualTo(position);
        KvException thrown = catchThrowableOfType(KvException.class, () -> r.resultAs(PutResult.class));
        assertThat(thrown.getMessage()).isEqualTo(message);
    }

    protected static void assertThrowsKv(Runnable call, KvError error, String message) {
        KvException e = catchThrowableOfType(KvException.class, call::run);
        assertThat(e).as("expected %s", error).isNotNull();
        assertThat(e.error()).isEqualTo(error);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    private static long hash(Function<HashKvDigest, HashKvDigest> feed) {
        return feed.apply(new HashKvDigest()).value();
    }

    private static HashKvDigest add(HashKvDigest d, long main, long sub, KeyValue kv, boolean delete) {
        d.add(main, sub, kv, delete);
        return d;
    }

    // ==== initial state ==========================================================================

    @Test
    void newStoreIsEmptyAtRevisionOne() {
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.compactRevision()).isEqualTo(0);
        assertThat(store.appliedPosition()).isEqualTo(LogPosition.NONE);
        assertThat(store.range(all())).isEqualTo(new RangeResult(List.of(), false, 0, 1));
        assertThat(store.leases()).isEmpty();
        assertThat(store.options()).isEqualTo(StoreOptions.defaults());
        assertThat(store.events(1, 1, 10, true)).isEqualTo(new EventBatch(List.of(), 2, 1));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(new HashKvDigest().value(), 0, 1));
    }

    @Test
    void optionsAreTheOnesGiven() {
        StoreOptions options = StoreOptions.defaults().withMaxTxnOps(7).withCompactionBatchSize(3);
        assertThat(open(options).options()).isEqualTo(options);
    }

    @Test
    void closeIsIdempotent() {
        store.close();
        store.close();
    }

    // ==== put ====================================================================================

    @Test
    void putCreatesKeyAtNextRevision() {
        ApplyResult r = apply(putReq("a", "1"));
        assertThat(r.result()).isEqualTo(new PutResult(2, null));
        assertThat(r.revision()).isEqualTo(2);
        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(store.range(RangeRequest.get(b("a")))).isEqualTo(
                new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 2));
    }

    @Test
    void putOverwriteKeepsCreateRevisionAndBumpsVersion() {
        put("a", "1");
        put("b", "x");
        assertThat(put("a", "2")).isEqualTo(new PutResult(4, null));
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 4, 2, "2"));
    }

    @Test
    void putSameValueStillMakesARevision() {
        put("a", "1");
        assertThat(put("a", "1")).isEqualTo(new PutResult(3, null));
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 3, 2, "1"));
    }

    @Test
    void putPrevKvReturnsReplacedVersion() {
        put("a", "1");
        assertThat(ok(putReq("a", "2").withPrevKv(), PutResult.class))
                .isEqualTo(new PutResult(3, kv("a", 2, 2, 1, "1")));
        assertThat(ok(putReq("b", "1").withPrevKv(), PutResult.class)).isEqualTo(new PutResult(4, null));
        assertThat(put("a", "3")).isEqualTo(new PutResult(5, null));
    }

    @Test
    void putIgnoreValueKeepsValueAndTakesNewLease() {
        grant(5, 60);
        put("a", "v1", 5);
        PutResult r = ok(new PutRequest(b("a"), Bytes.EMPTY, 0, true, true, false), PutResult.class);
        assertThat(r).isEqualTo(new PutResult(3, kv("a", 2, 2, 1, "v1", 5)));
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 3, 2, "v1", 0));
        assertThat(store.leaseKeys(5)).isEmpty();
    }

    @Test
    void putIgnoreLeaseKeepsLeaseAndTakesNewValue() {
        grant(5, 60);
        put("a", "v1", 5);
        ok(new PutRequest(b("a"), b("v2"), 0, false, false, true), PutResult.class);
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 3, 2, "v2", 5));
        assertThat(store.leaseKeys(5)).containsExactly(b("a"));
    }

    @Test
    void putWithBothIgnoreFlagsRewritesTheSameContent() {
        grant(5, 60);
        put("a", "v1", 5);
        ok(new PutRequest(b("a"), Bytes.EMPTY, 0, false, true, true), PutResult.class);
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 3, 2, "v1", 5));
    }

    @Test
    void keysWithArbitraryBytesAreOrderedUnsigned() {
        Bytes high = Bytes.wrap(new byte[] {(byte) 0xff, 1});
        Bytes low = Bytes.wrap(new byte[] {0x7f});
        Bytes zero = Bytes.wrap(new byte[] {0});
        ok(PutRequest.of(high, b("h")), PutResult.class);
        ok(PutRequest.of(low, b("l")), PutResult.class);
        ok(PutRequest.of(zero, b("z")), PutResult.class);
        assertThat(allKvs()).extracting(KeyValue::key).containsExactly(zero, low, high);
        assertThat(kvs(RangeRequest.prefix(Bytes.wrap(new byte[] {(byte) 0xff}))))
                .extracting(KeyValue::key).containsExactly(high);
    }

    // ==== errors: every KvError the store produces, with etcd's message ==========================

    @Test
    void emptyKeyIsRejectedEverywhere() {
        put("a", "1");
        String msg = "etcdserver: key is not provided";
        assertRejected(PutRequest.of(Bytes.EMPTY, b("v")), KvError.KEY_NOT_PROVIDED, msg);
        assertRejected(DeleteRangeRequest.key(Bytes.EMPTY), KvError.KEY_NOT_PROVIDED, msg);
        assertRejected(txnOf(List.of(Compare.version(Bytes.EMPTY, Operator.EQUAL, 0)), List.of(putReq("b", "1")),
                List.of()), KvError.KEY_NOT_PROVIDED, msg);
        assertRejected(then(putReq("b", "1"), RangeRequest.get(Bytes.EMPTY)), KvError.KEY_NOT_PROVIDED, msg);
        assertRejected(then(putReq("b", "1"), then(DeleteRangeRequest.key(Bytes.EMPTY))),
                KvError.KEY_NOT_PROVIDED, msg);
        assertRejected(txnOf(List.of(), List.of(), List.of(PutRequest.of(Bytes.EMPTY, b("x")))),
                KvError.KEY_NOT_PROVIDED, msg);
        assertThrowsKv(() -> store.range(RangeRequest.get(Bytes.EMPTY)), KvError.KEY_NOT_PROVIDED, msg);
        assertThrowsKv(() -> store.readTxn(txnOf(List.of(Compare.version(Bytes.EMPTY, Operator.EQUAL, 0)),
                List.of(), List.of())), KvError.KEY_NOT_PROVIDED, msg);
    }

    @Test
    void ignoreFlagsOnMissingKeyAreKeyNotFound() {
        put("a", "1");
        String msg = "etcdserver: key not found";
        assertRejected(new PutRequest(b("x"), Bytes.EMPTY, 0, false, true, false), KvError.KEY_NOT_FOUND, msg);
        assertRejected(new PutRequest(b("x"), b("v"), 0, false, false, true), KvError.KEY_NOT_FOUND, msg);
        assertRejected(then(putReq("b", "1"), new PutRequest(b("x"), Bytes.EMPTY, 0, false, true, false)),
                KvError.KEY_NOT_FOUND, msg);
        delete("a");
        assertRejected(new PutRequest(b("a"), Bytes.EMPTY, 0, false, true, false), KvError.KEY_NOT_FOUND, msg);
    }

    @Test
    void ignoreValueWithValueIsValueProvided() {
        put("a", "1");
        assertRejected(new PutRequest(b("a"), b("x"), 0, false, true, false), KvError.VALUE_PROVIDED,
                "etcdserver: value is provided");
        assertRejected(then(new PutRequest(b("a"), b("x"), 0, false, true, false)), KvError.VALUE_PROVIDED,
                "etcdserver: value is provided");
    }

    @Test
    void ignoreLeaseWithLeaseIsLeaseProvided() {
        grant(5, 10);
        put("a", "1", 5);
        assertRejected(new PutRequest(b("a"), b("x"), 5, false, false, true), KvError.LEASE_PROVIDED,
                "etcdserver: lease is provided");
    }

    @Test
    void unknownLeaseIsLeaseNotFound() {
        put("a", "1");
        grant(5, 10);
        String msg = "etcdserver: requested lease not found";
        assertRejected(putReq("b", "1").withLease(6), KvError.LEASE_NOT_FOUND, msg);
        assertRejected(putReq("a", "2").withLease(6), KvError.LEASE_NOT_FOUND, msg);
        assertRejected(new LeaseRevokeRequest(6), KvError.LEASE_NOT_FOUND, msg);
        // A lease id of 0 means "no lease"; granting it is refused.
        assertRejected(new LeaseGrantRequest(0, 10), KvError.LEASE_NOT_FOUND, msg);
        assertThat(store.leases()).containsExactly(new Lease(5, 10, 0));
    }

    /** etcd checks a put's lease before its ignore flags, alone and in a txn ({@code txn/put.go checkPut}). */
    @Test
    protected void unknownLeaseIsCheckedBeforeIgnoreFlags() {
        put("a", "1");
        String msg = "etcdserver: requested lease not found";
        assertRejected(new PutRequest(b("x"), Bytes.EMPTY, 7, false, true, false), KvError.LEASE_NOT_FOUND, msg);
        assertRejected(then(putReq("b", "1"), new PutRequest(b("x"), Bytes.EMPTY, 7, false, true, false)),
                KvError.LEASE_NOT_FOUND, msg);
    }

    @Test
    void grantingAnExistingLeaseIsLeaseExists() {
        grant(5, 10);
        assertRejected(new LeaseGrantRequest(5, 20), KvError.LEASE_EXISTS, "etcdserver: lease already exists");
        assertThat(store.lease(5)).contains(new Lease(5, 10, 0));
    }

    @Test
    void leaseTtlAboveMaximumIsTooLarge() {
        assertRejected(new LeaseGrantRequest(5, LeaseGrantRequest.MAX_TTL_SECONDS + 1), KvError.LEASE_TTL_TOO_LARGE,
                "etcdserver: too large lease TTL");
        grant(6, LeaseGrantRequest.MAX_TTL_SECONDS);
        assertThat(store.lease(6)).contains(new Lease(6, LeaseGrantRequest.MAX_TTL_SECONDS, 0));
    }

    @Test
    void readsOutsideTheRetainedHistoryFail() {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        ok(new CompactRequest(3), CompactResult.class);
        String compacted = "etcdserver: mvcc: required revision has been compacted";
        String future = "etcdserver: mvcc: required revision is a future revision";
        assertThrowsKv(() -> store.range(rangeOf("a").revision(2).build()), KvError.COMPACTED, compacted);
        assertThrowsKv(() -> store.range(rangeOf("a").revision(5).build()), KvError.FUTURE_REVISION, future);
        assertThrowsKv(() -> store.events(2, 4, 10, false), KvError.COMPACTED, compacted);
        assertThrowsKv(() -> store.hashKv(2), KvError.COMPACTED, compacted);
        assertThrowsKv(() -> store.hashKv(5), KvError.FUTURE_REVISION, future);
        assertThrowsKv(() -> store.readTxn(then(rangeOf("a").revision(2).build())), KvError.COMPACTED, compacted);
        assertThrowsKv(() -> store.readTxn(then(rangeOf("a").revision(5).build())), KvError.FUTURE_REVISION, future);
        assertThat(kvs(rangeOf("a").revision(3).build())).containsExactly(kv("a", 2, 3, 2, "2"));
        assertThat(kvs(rangeOf("a").revision(4).build())).containsExactly(kv("a", 2, 4, 3, "3"));
    }

    @Test
    void compactOutsideTheHistoryIsRejected() {
        put("a", "1");
        put("a", "2");
        String compacted = "etcdserver: mvcc: required revision has been compacted";
        assertRejected(new CompactRequest(0), KvError.COMPACTED, compacted);
        assertRejected(new CompactRequest(4), KvError.FUTURE_REVISION,
                "etcdserver: mvcc: required revision is a future revision");
        ok(new CompactRequest(2), CompactResult.class);
        assertRejected(new CompactRequest(2), KvError.COMPACTED, compacted);
        assertRejected(new CompactRequest(1), KvError.COMPACTED, compacted);
    }

    // ==== txn limits and duplicate keys ==========================================================

    private static List<Op> puts(String prefix, int n) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(putReq(prefix + i, "v"));
        }
        return ops;
    }

    @Test
    void txnOpLimitIs128ByDefault() {
        String msg = "etcdserver: too many operations in txn request";
        assertRejected(txnOf(List.of(), puts("k", 129), List.of()), KvError.TOO_MANY_OPS, msg);
        assertRejected(txnOf(List.of(), List.of(), puts("k", 129)), KvError.TOO_MANY_OPS, msg);
        assertRejected(then(txnOf(List.of(), puts("k", 129), List.of())), KvError.TOO_MANY_OPS, msg);
        ApplyResult r = apply(txnOf(List.of(), puts("k", 128), List.of()));
        assertThat(r.revision()).isEqualTo(2);
        assertThat(r.events()).hasSize(128);
        assertThat(store.range(RangeRequest.prefix(b("k"))).count()).isEqualTo(128);
    }

    @Test
    void txnOpLimitFollowsTheOptions() {
        store = open(StoreOptions.defaults().withMaxTxnOps(3));
        assertRejected(txnOf(List.of(), puts("k", 4), List.of()), KvError.TOO_MANY_OPS,
                "etcdserver: too many operations in txn request");
        assertThat(txn(txnOf(List.of(), puts("k", 3), List.of())).responses()).hasSize(3);
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    /**
     * StoreOptions.maxRangeBytes: a client read whose range ops fetch more bytes of keys and values than
     * the bound fails with RANGE_TOO_LARGE; a limit keeps it under, compares and writes do not count.
     */
    @Test
    void rangeReadsAreBoundedByMaxRangeBytes() {
        store = open(StoreOptions.defaults().withMaxRangeBytes(100));
        String msg = "caravel: range is too large to read at once; read it in pages with a limit";
        for (int i = 0; i < 10; i++) {
            put("k" + i, "0123456789"); // 12 bytes each: 120 in all
        }
        put("k0", "0123456789"); // revision 12: revision 11 is now in the past
        RangeRequest everything = RangeRequest.prefix(b("k"));
        assertThrowsKv(() -> store.range(everything), KvError.RANGE_TOO_LARGE, msg);
        assertThrowsKv(() -> store.range(everything.toBuilder().revision(11).build()), KvError.RANGE_TOO_LARGE, msg);
        // A limit of 5 fetches 6 kvs (72 bytes); sorting by anything but the key fetches all of them.
        RangeResult page = store.range(everything.toBuilder().limit(5).build());
        assertThat(page.kvs()).hasSize(5);
        assertThat(page.more()).isTrue();
        assertThat(store.range(everything.toBuilder().limit(5).revision(11).build()).kvs()).hasSize(5);
        assertThrowsKv(() -> store.range(everything.toBuilder().limit(1)
                .sort(RangeRequest.SortOrder.DESCEND, RangeRequest.SortTarget.MOD).build()), KvError.RANGE_TOO_LARGE, msg);
        assertThat(store.range(everything.toBuilder().countOnly(true).build()).count()).isEqualTo(10);
        // A read-only txn's ranges add up; its compares do not count.
        RangeRequest firstSix = everything.toBuilder().limit(5).build();
        assertThrowsKv(() -> store.readTxn(then(firstSix, firstSix)), KvError.RANGE_TOO_LARGE, msg);
        Compare allHaveTheValue = new Compare(b("k"), b("l"), Compare.Target.VALUE, Operator.EQUAL, 0, b("0123456789"));
        TxnResult read = store.readTxn(txnOf(List.of(allHaveTheValue), List.of(firstSix), List.of()));
        assertThat(read.succeeded()).isTrue();
        // A write's ranges are part of the apply and are not bounded.
        TxnResult write = txn(then(putReq("z", "1"), everything));
        assertThat(((RangeResult) write.responses().get(1)).kvs()).hasSize(10);
        // Nothing was lost: the whole range in pages.
        assertThat(keys(everything.toBuilder().limit(5).build())).containsExactly("k0", "k1", "k2", "k3", "k4");
        assertThat(keys(rangeOf("k5").rangeEnd(b("l")).build())).containsExactly("k5", "k6", "k7", "k8", "k9");
    }

    /**
     * etcd's {@code checkTxnRequest}: a txn's size is the largest of its compare count and branch lengths,
     * and a nested txn gets the budget its parent left.
     */
    @Test
    void txnOpBudgetCountsComparesAndShrinksForNestedTxns() {
        store = open(StoreOptions.defaults().withMaxTxnOps(4));
        String msg = "etcdserver: too many operations in txn request";
        List<Compare> fiveCompares = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fiveCompares.add(Compare.version(b("c" + i), Compare.Operator.EQUAL, 0));
        }
        assertRejected(txnOf(fiveCompares, puts("k", 1), List.of()), KvError.TOO_MANY_OPS, msg);
        // The parent has size 2 (two ops), so a nested txn may have at most 4 - 2 = 2.
        assertRejected(txnOf(List.of(), List.of(putReq("a", "1"), txnOf(List.of(), puts("n", 3), List.of())), List.of()),
                KvError.TOO_MANY_OPS, msg);
        TxnResult ok = txn(txnOf(List.of(), List.of(putReq("a", "1"), txnOf(List.of(), puts("n", 2), List.of())), List.of()));
        assertThat(ok.succeeded()).isTrue();
        assertThat(store.range(RangeRequest.prefix(b("n"))).count()).isEqualTo(2);
    }

    @Test
    void puttingAKeyTwiceInATxnIsDuplicate() {
        String msg = "etcdserver: duplicate key given in txn request";
        put("a", "0");
        assertRejected(then(putReq("a", "1"), putReq("a", "2")), KvError.DUPLICATE_KEY, msg);
        assertRejected(txnOf(List.of(), List.of(), List.of(putReq("b", "1"), putReq("b", "2"))),
                KvError.DUPLICATE_KEY, msg);
        assertRejected(then(putReq("a", "1"), then(putReq("a", "2"))), KvError.DUPLICATE_KEY, msg);
        assertRejected(then(then(putReq("a", "1")), then(putReq("a", "2"))), KvError.DUPLICATE_KEY, msg);
    }

    @Test
    void puttingAKeyADeleteOfTheSameBranchCoversIsDuplicate() {
        String msg = "etcdserver: duplicate key given in txn request";
        put("b", "0");
        assertRejected(then(delRange("a", "c"), putReq("b", "1")), KvError.DUPLICATE_KEY, msg);
        assertRejected(then(putReq("b", "1"), delRange("a", "c")), KvError.DUPLICATE_KEY, msg);
        assertRejected(then(DeleteRangeRequest.prefix(b("b")), then(putReq("bb", "1"))), KvError.DUPLICATE_KEY, msg);
        assertRejected(then(putReq("bb", "1"), then(DeleteRangeRequest.prefix(b("b")))), KvError.DUPLICATE_KEY, msg);
    }

    @Test
    void deleteInOneNestedTxnThenPutInALaterOneIsDuplicate() {
        // etcd's checkIntervals adds a nested txn's deletes before checking the puts of the next one.
        put("a", "0");
        assertRejected(then(then(DeleteRangeRequest.key(b("a"))), then(putReq("a", "1"))), KvError.DUPLICATE_KEY,
                "etcdserver: duplicate key given in txn request");
    }

    @Test
    void sameKeyInBothBranchesOfANestedTxnIsAllowed() {
        put("a", "0");
        TxnRequest nested = txnOf(List.of(Compare.value(b("a"), Operator.EQUAL, b("0"))),
                List.of(putReq("a", "then")), List.of(putReq("a", "else")));
        assertThat(txn(then(nested))).isEqualTo(
                new TxnResult(3, true, List.of(new TxnResult(3, true, List.of(new PutResult(3, null))))));
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 2, 3, 2, "then"));
    }

    @Test
    void overlappingDeletesAreAllowed() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        TxnResult r = txn(then(delRange("a", "c"), DeleteRangeRequest.key(b("b")), new DeleteRangeRequest(b("a"),
                Bytes.ZERO, true)));
        assertThat(r).isEqualTo(new TxnResult(5, true, List.of(
                new DeleteRangeResult(5, 2, List.of()),
                new DeleteRangeResult(5, 0, List.of()),
                new DeleteRangeResult(5, 1, List.of(kv("c", 4, 4, 1, "3"))))));
        assertThat(allKvs()).isEmpty();
    }

    // ==== range ==================================================================================

    /** r2 a=1, r3 ab=2, r4 abc=3, r5 b=4, r6 c=5, r7 a=6. */
    private void rangeFixture() {
        put("a", "1");
        put("ab", "2");
        put("abc", "3");
        put("b", "4");
        put("c", "5");
        put("a", "6");
    }

    @Test
    void rangeSingleKey() {
        rangeFixture();
        assertThat(store.range(RangeRequest.get(b("a"))))
                .isEqualTo(new RangeResult(List.of(kv("a", 2, 7, 2, "6")), false, 1, 7));
        assertThat(store.range(RangeRequest.get(b("zz")))).isEqualTo(new RangeResult(List.of(), false, 0, 7));
    }

    @Test
    void rangePrefixIntervalFromKeyAndAll() {
        rangeFixture();
        assertThat(keys(RangeRequest.prefix(b("ab")))).containsExactly("ab", "abc");
        assertThat(keys(RangeRequest.prefix(b("a")))).containsExactly("a", "ab", "abc");
        assertThat(keys(rangeOf("ab").rangeEnd(b("b")).build())).containsExactly("ab", "abc");
        assertThat(keys(rangeOf("ab").rangeEnd(b("c")).build())).containsExactly("ab", "abc", "b");
        assertThat(keys(rangeOf("b").rangeEnd(Bytes.ZERO).build())).containsExactly("b", "c");
        assertThat(keys(all())).containsExactly("a", "ab", "abc", "b", "c");
        assertThat(store.range(rangeOf("c").rangeEnd(b("a")).build())).isEqualTo(new RangeResult(List.of(), false, 0, 7));
        assertThat(store.range(rangeOf("b").rangeEnd(b("b")).build())).isEqualTo(new RangeResult(List.of(), false, 0, 7));
    }

    @Test
    void rangeAtPastRevisionHasCurrentHeaderRevision() {
        rangeFixture();
        assertThat(store.range(all().toBuilder().revision(4).build())).isEqualTo(new RangeResult(
                List.of(kv("a", 2, 2, 1, "1"), kv("ab", 3, 3, 1, "2"), kv("abc", 4, 4, 1, "3")), false, 3, 7));
        assertThat(store.range(rangeOf("a").revision(1).build())).isEqualTo(new RangeResult(List.of(), false, 0, 7));
        assertThat(kvs(rangeOf("a").revision(0).build())).containsExactly(kv("a", 2, 7, 2, "6"));
        assertThat(kvs(rangeOf("a").revision(-3).build())).containsExactly(kv("a", 2, 7, 2, "6"));
        assertThat(kvs(rangeOf("a").revision(7).build())).containsExactly(kv("a", 2, 7, 2, "6"));
        assertThat(kvs(rangeOf("a").revision(6).build())).containsExactly(kv("a", 2, 2, 1, "1"));
    }

    @Test
    void rangeLimitSetsMoreAndCountsTheWholeRange() {
        rangeFixture();
        assertThat(store.range(all().toBuilder().limit(2).build()))
                .isEqualTo(new RangeResult(List.of(kv("a", 2, 7, 2, "6"), kv("ab", 3, 3, 1, "2")), true, 5, 7));
        assertThat(store.range(all().toBuilder().limit(5).build()).more()).isFalse();
        assertThat(store.range(all().toBuilder().limit(6).build()).more()).isFalse();
        assertThat(store.range(all().toBuilder().limit(1).revision(4).build()))
                .isEqualTo(new RangeResult(List.of(kv("a", 2, 2, 1, "1")), true, 3, 7));
    }

    @Test
    void rangeKeysOnlyAndCountOnly() {
        rangeFixture();
        assertThat(store.range(RangeRequest.prefix(b("ab")).toBuilder().keysOnly(true).build()))
                .isEqualTo(new RangeResult(List.of(kv("ab", 3, 3, 1, ""), kv("abc", 4, 4, 1, "")), false, 2, 7));
        assertThat(store.range(all().toBuilder().countOnly(true).build()))
                .isEqualTo(new RangeResult(List.of(), false, 5, 7));
        assertThat(store.range(all().toBuilder().countOnly(true).limit(1).build()))
                .isEqualTo(new RangeResult(List.of(), false, 5, 7));
        assertThat(store.range(all().toBuilder().countOnly(true).revision(3).build()))
                .isEqualTo(new RangeResult(List.of(), false, 2, 7));
    }

    /** r2 b=y, r3 a=z, r4 c=x, r5 b=w, r6 d=x. */
    private void sortFixture() {
        put("b", "y");
        put("a", "z");
        put("c", "x");
        put("b", "w");
        put("d", "x");
    }

    private List<String> sorted(SortOrder order, SortTarget target) {
        return keys(all().toBuilder().sort(order, target).build());
    }

    @Test
    void rangeSortOrdersAndTargets() {
        // a(create 3, mod 3, version 1, "z"), b(2, 5, 2, "w"), c(4, 4, 1, "x"), d(6, 6, 1, "x").
        // Ties keep ascending key order (a stable sort of the key-ordered range).
        sortFixture();
        assertThat(sorted(SortOrder.NONE, SortTarget.KEY)).containsExactly("a", "b", "c", "d");
        assertThat(sorted(SortOrder.ASCEND, SortTarget.KEY)).containsExactly("a", "b", "c", "d");
        assertThat(sorted(SortOrder.DESCEND, SortTarget.KEY)).containsExactly("d", "c", "b", "a");
        assertThat(sorted(SortOrder.NONE, SortTarget.VERSION)).containsExactly("a", "c", "d", "b");
        assertThat(sorted(SortOrder.ASCEND, SortTarget.VERSION)).containsExactly("a", "c", "d", "b");
        assertThat(sorted(SortOrder.NONE, SortTarget.CREATE)).containsExactly("b", "a", "c", "d");
        assertThat(sorted(SortOrder.ASCEND, SortTarget.CREATE)).containsExactly("b", "a", "c", "d");
        assertThat(sorted(SortOrder.DESCEND, SortTarget.CREATE)).containsExactly("d", "c", "a", "b");
        assertThat(sorted(SortOrder.NONE, SortTarget.MOD)).containsExactly("a", "c", "b", "d");
        assertThat(sorted(SortOrder.ASCEND, SortTarget.MOD)).containsExactly("a", "c", "b", "d");
        assertThat(sorted(SortOrder.DESCEND, SortTarget.MOD)).containsExactly("d", "b", "c", "a");
        assertThat(sorted(SortOrder.NONE, SortTarget.VALUE)).containsExactly("b", "c", "d", "a");
        assertThat(sorted(SortOrder.ASCEND, SortTarget.VALUE)).containsExactly("b", "c", "d", "a");
    }

    /**
     * Descending sorts keep ties in ascending key order too: a stable sort of the key-ordered range by the
     * reversed target, which is what etcd returns (Go's {@code sort.Sort(sort.Reverse(...))} is an
     * insertion sort, hence stable, for up to 12 kvs) — not the reverse of the ascending order.
     */
    @Test
    protected void rangeDescendingSortKeepsTiesInAscendingKeyOrder() {
        sortFixture();
        assertThat(sorted(SortOrder.DESCEND, SortTarget.VERSION)).containsExactly("b", "a", "c", "d");
        assertThat(sorted(SortOrder.DESCEND, SortTarget.VALUE)).containsExactly("a", "c", "d", "b");
        assertThat(store.range(all().toBuilder().sort(SortOrder.DESCEND, SortTarget.VERSION).limit(2).build()))
                .isEqualTo(new RangeResult(List.of(kv("b", 2, 5, 2, "w"), kv("a", 3, 3, 1, "z")), true, 4, 6));
    }

    /**
     * A non-key target with order NONE sorts ascending, and like every sort it applies to the whole range
     * before the limit. (etcd itself decides how many kvs to fetch from the request's order before turning
     * NONE into ASCEND, so it sorts only the first limit + 1 keys: {@code rangeLimit} in {@code txn/range.go}.)
     */
    @Test
    protected void rangeNoneOrderWithATargetSortsTheWholeRangeBeforeTheLimit() {
        put("c", "1");
        put("a", "1");
        put("b", "1");
        put("a", "2"); // mod revisions: a 5, b 4, c 2
        assertThat(store.range(all().toBuilder().sort(SortOrder.NONE, SortTarget.MOD).limit(1).build()))
                .isEqualTo(new RangeResult(List.of(kv("c", 2, 2, 1, "1")), true, 3, 5));
        assertThat(store.range(all().toBuilder().sort(SortOrder.NONE, SortTarget.CREATE).limit(2).build()))
                .isEqualTo(new RangeResult(List.of(kv("c", 2, 2, 1, "1"), kv("a", 3, 5, 2, "2")), true, 3, 5));
    }

    @Test
    void rangeSortAppliesBeforeLimit() {
        sortFixture();
        assertThat(store.range(all().toBuilder().sort(SortOrder.DESCEND, SortTarget.MOD).limit(2).build()))
                .isEqualTo(new RangeResult(List.of(kv("d", 6, 6, 1, "x"), kv("b", 2, 5, 2, "w")), true, 4, 6));
        assertThat(store.range(all().toBuilder().sort(SortOrder.DESCEND, SortTarget.KEY).limit(1).build()))
                .isEqualTo(new RangeResult(List.of(kv("d", 6, 6, 1, "x")), true, 4, 6));
    }

    @Test
    void rangeRevisionFiltersPruneBeforeSortAndLimitButNotCount() {
        sortFixture();
        assertThat(keys(all().toBuilder().minModRevision(4).build())).containsExactly("b", "c", "d");
        assertThat(keys(all().toBuilder().maxModRevision(4).build())).containsExactly("a", "c");
        assertThat(keys(all().toBuilder().minCreateRevision(3).build())).containsExactly("a", "c", "d");
        assertThat(keys(all().toBuilder().maxCreateRevision(3).build())).containsExactly("a", "b");
        assertThat(keys(all().toBuilder().minCreateRevision(3).maxCreateRevision(4).build())).containsExactly("a", "c");
        assertThat(keys(all().toBuilder().minModRevision(5).maxModRevision(5).build())).containsExactly("b");
        assertThat(store.range(all().toBuilder().minModRevision(4).limit(2).build()))
                .isEqualTo(new RangeResult(List.of(kv("b", 2, 5, 2, "w"), kv("c", 4, 4, 1, "x")), true, 4, 6));
        assertThat(store.range(all().toBuilder().minModRevision(4).limit(3).build()).more()).isFalse();
        // etcdctl lock's waitDeletes: sort by create descending, limit 1, max create revision.
        assertThat(store.range(all().toBuilder().sort(SortOrder.DESCEND, SortTarget.CREATE).limit(1)
                .maxCreateRevision(5).build()))
                .isEqualTo(new RangeResult(List.of(kv("c", 4, 4, 1, "x")), true, 4, 6));
        assertThat(store.range(all().toBuilder().minModRevision(100).build()))
                .isEqualTo(new RangeResult(List.of(), false, 4, 6));
        assertThat(store.range(all().toBuilder().maxModRevision(3).revision(3).build()))
                .isEqualTo(new RangeResult(List.of(kv("a", 3, 3, 1, "z"), kv("b", 2, 2, 1, "y")), false, 2, 6));
    }

    // ==== delete-range ===========================================================================

    @Test
    void deleteSingleKey() {
        put("a", "1");
        put("b", "2");
        ApplyResult r = apply(DeleteRangeRequest.key(b("a")));
        assertThat(r.result()).isEqualTo(new DeleteRangeResult(4, 1, List.of()));
        assertThat(r.revision()).isEqualTo(4);
        assertThat(allKvs()).containsExactly(kv("b", 3, 3, 1, "2"));
        assertThat(kvs(rangeOf("a").revision(3).build())).containsExactly(kv("a", 2, 2, 1, "1"));
    }

    @Test
    void deleteRangeWithPrevKvsInKeyOrder() {
        put("c", "3");
        put("a", "1");
        put("b", "2");
        assertThat(ok(new DeleteRangeRequest(b("a"), b("c"), true), DeleteRangeResult.class))
                .isEqualTo(new DeleteRangeResult(5, 2, List.of(kv("a", 3, 3, 1, "1"), kv("b", 4, 4, 1, "2"))));
        assertThat(keys(all())).containsExactly("c");
    }

    @Test
    void deleteFromKeyAndAll() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        assertThat(ok(new DeleteRangeRequest(b("b"), Bytes.ZERO, false), DeleteRangeResult.class))
                .isEqualTo(new DeleteRangeResult(5, 2, List.of()));
        assertThat(keys(all())).containsExactly("a");
        assertThat(ok(new DeleteRangeRequest(Bytes.ZERO, Bytes.ZERO, false), DeleteRangeResult.class))
                .isEqualTo(new DeleteRangeResult(6, 1, List.of()));
        assertThat(allKvs()).isEmpty();
    }

    @Test
    void deletingNothingMakesNoRevision() {
        put("a", "1");
        Observed before = observe();
        ApplyResult r = apply(new DeleteRangeRequest(b("x"), b("z"), true));
        assertThat(r.result()).isEqualTo(new DeleteRangeResult(2, 0, List.of()));
        assertThat(r.revision()).isEqualTo(2);
        assertThat(r.events()).isEmpty();
        assertThat(observe()).isEqualTo(before);
        assertThat(delete("a")).isEqualTo(new DeleteRangeResult(3, 1, List.of()));
        assertThat(delete("a")).isEqualTo(new DeleteRangeResult(3, 0, List.of()));
    }

    @Test
    void recreatedKeyStartsANewGeneration() {
        put("a", "1");
        put("a", "2");
        delete("a");
        put("a", "3");
        assertThat(kvs(RangeRequest.get(b("a")))).containsExactly(kv("a", 5, 5, 1, "3"));
        assertThat(kvs(rangeOf("a").revision(4).build())).isEmpty();
        assertThat(kvs(rangeOf("a").revision(3).build())).containsExactly(kv("a", 2, 3, 2, "2"));
    }

    // ==== txn ====================================================================================

    private boolean holds(Compare c) {
        return store.readTxn(txnOf(List.of(c), List.of(), List.of())).succeeded();
    }

    @Test
    void txnComparesEveryTargetAndOperator() {
        grant(7, 60);
        put("k", "v4", 7);
        put("k", "v5", 7); // k: create 2, mod 3, version 2, value v5, lease 7
        Bytes k = b("k");
        record Case(Target target, long operand, String value, boolean eq, boolean ne, boolean gt, boolean lt) {
        }
        List<Case> cases = List.of(
                new Case(Target.VERSION, 2, "", true, false, false, false),
                new Case(Target.VERSION, 1, "", false, true, true, false),
                new Case(Target.VERSION, 3, "", false, true, false, true),
                new Case(Target.CREATE, 2, "", true, false, false, false),
                new Case(Target.CREATE, 1, "", false, true, true, false),
                new Case(Target.CREATE, 3, "", false, true, false, true),
                new Case(Target.MOD, 3, "", true, false, false, false),
                new Case(Target.MOD, 2, "", false, true, true, false),
                new Case(Target.MOD, 4, "", false, true, false, true),
                new Case(Target.LEASE, 7, "", true, false, false, false),
                new Case(Target.LEASE, 6, "", false, true, true, false),
                new Case(Target.LEASE, 8, "", false, true, false, true),
                new Case(Target.VALUE, 0, "v5", true, false, false, false),
                new Case(Target.VALUE, 0, "v4", false, true, true, false),
                new Case(Target.VALUE, 0, "v6", false, true, false, true),
                new Case(Target.VALUE, 0, "", false, true, true, false));
        for (Case c : cases) {
            boolean[] expected = {c.eq(), c.ne(), c.gt(), c.lt()};
            Operator[] ops = {Operator.EQUAL, Operator.NOT_EQUAL, Operator.GREATER, Operator.LESS};
            for (int i = 0; i < ops.length; i++) {
                Compare cmp = new Compare(k, Bytes.EMPTY, c.target(), ops[i], c.operand(), b(c.value()));
                assertThat(holds(cmp)).as("%s", cmp).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void txnComparesOnAMissingKeyUseZeroValuesAndValueIsAlwaysFalse() {
        put("a", "1");
        Bytes missing = b("missing");
        for (Target t : List.of(Target.VERSION, Target.CREATE, Target.MOD, Target.LEASE)) {
            assertThat(holds(new Compare(missing, Bytes.EMPTY, t, Operator.EQUAL, 0, Bytes.EMPTY))).as("%s", t).isTrue();
            assertThat(holds(new Compare(missing, Bytes.EMPTY, t, Operator.LESS, 1, Bytes.EMPTY))).as("%s", t).isTrue();
            assertThat(holds(new Compare(missing, Bytes.EMPTY, t, Operator.GREATER, 0, Bytes.EMPTY))).as("%s", t).isFalse();
            assertThat(holds(new Compare(missing, Bytes.EMPTY, t, Operator.NOT_EQUAL, 0, Bytes.EMPTY))).as("%s", t).isFalse();
        }
        for (Operator op : Operator.values()) {
            for (String v : List.of("", "1", "zzz")) {
                assertThat(holds(Compare.value(missing, op, b(v)))).as("%s %s", op, v).isFalse();
            }
        }
        // A deleted key is missing too.
        delete("a");
        assertThat(holds(Compare.createRevision(b("a"), Operator.EQUAL, 0))).isTrue();
        assertThat(holds(Compare.value(b("a"), Operator.EQUAL, b("1")))).isFalse();
    }

    @Test
    void txnCompareOverARangeMustHoldForEveryKey() {
        put("p/1", "x");
        put("p/2", "x");
        Compare allVersion1 = new Compare(b("p/"), b("p/").prefixEnd(), Target.VERSION, Operator.EQUAL, 1, Bytes.EMPTY);
        Compare allValueX = new Compare(b("p/"), b("p/").prefixEnd(), Target.VALUE, Operator.EQUAL, 0, b("x"));
        assertThat(holds(allVersion1)).isTrue();
        assertThat(holds(allValueX)).isTrue();
        put("p/2", "x");
        assertThat(holds(allVersion1)).isFalse();
        assertThat(holds(allValueX)).isTrue();
        Compare emptyRangeVersion0 = new Compare(b("q/"), b("q/").prefixEnd(), Target.VERSION, Operator.EQUAL, 0,
                Bytes.EMPTY);
        Compare emptyRangeValue = new Compare(b("q/"), b("q/").prefixEnd(), Target.VALUE, Operator.NOT_EQUAL, 0, b("x"));
        assertThat(holds(emptyRangeVersion0)).isTrue();
        assertThat(holds(emptyRangeValue)).isFalse();
        Compare fromKey = new Compare(b("p/"), Bytes.ZERO, Target.VALUE, Operator.EQUAL, 0, b("x"));
        assertThat(holds(fromKey)).isTrue();
    }

    @Test
    void txnComparesAreAConjunction() {
        put("a", "1");
        Compare yes = Compare.version(b("a"), Operator.EQUAL, 1);
        Compare no = Compare.version(b("a"), Operator.EQUAL, 2);
        assertThat(store.readTxn(txnOf(List.of(yes, yes), List.of(), List.of())).succeeded()).isTrue();
        assertThat(store.readTxn(txnOf(List.of(yes, no), List.of(), List.of())).succeeded()).isFalse();
        assertThat(store.readTxn(txnOf(List.of(), List.of(), List.of())).succeeded()).isTrue();
    }

    @Test
    void txnSuccessBranchWritesOneRevisionWithSubRevisionsInOpOrder() {
        put("b", "old");
        ApplyResult r = apply(txnOf(List.of(Compare.version(b("b"), Operator.EQUAL, 1)),
                List.of(putReq("c", "3"), putReq("a", "1"), DeleteRangeRequest.key(b("b"))),
                List.of(putReq("z", "no"))));
        assertThat(r.result()).isEqualTo(new TxnResult(3, true, List.of(
                new PutResult(3, null), new PutResult(3, null), new DeleteRangeResult(3, 1, List.of()))));
        assertThat(r.revision()).isEqualTo(3);
        assertThat(r.events()).containsExactly(
                new Event(Event.Type.PUT, kv("c", 3, 3, 1, "3"), null),
                new Event(Event.Type.PUT, kv("a", 3, 3, 1, "1"), null),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("b"), 3), kv("b", 2, 2, 1, "old")));
        assertThat(store.events(3, 3, 100, false).events()).containsExactly(
                new Event(Event.Type.PUT, kv("c", 3, 3, 1, "3"), null),
                new Event(Event.Type.PUT, kv("a", 3, 3, 1, "1"), null),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("b"), 3), null));
        assertThat(allKvs()).containsExactly(kv("a", 3, 3, 1, "1"), kv("c", 3, 3, 1, "3"));
        // The sub-revision order is part of the hash.
        long expected = hash(d -> add(add(add(add(d,
                2, 0, kv("b", 2, 2, 1, "old"), false),
                3, 0, kv("c", 3, 3, 1, "3"), false),
                3, 1, kv("a", 3, 3, 1, "1"), false),
                3, 2, KeyValue.tombstone(b("b"), 3), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 0, 3));
    }

    @Test
    void txnFailureBranchRunsWhenACompareFails() {
        put("a", "1");
        TxnResult r = txn(txnOf(List.of(Compare.modRevision(b("a"), Operator.EQUAL, 99)),
                List.of(putReq("yes", "1")), List.of(putReq("no", "1"), RangeRequest.get(b("a")))));
        assertThat(r).isEqualTo(new TxnResult(3, false, List.of(new PutResult(3, null),
                new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 3))));
        assertThat(keys(all())).containsExactly("a", "no");
    }

    @Test
    void txnThatWritesNothingMakesNoRevision() {
        put("a", "1");
        Observed before = observe();
        ApplyResult r = apply(txnOf(List.of(Compare.version(b("a"), Operator.EQUAL, 5)),
                List.of(putReq("b", "1")), List.of(RangeRequest.get(b("a")), DeleteRangeRequest.key(b("zz")))));
        assertThat(r.result()).isEqualTo(new TxnResult(2, false, List.of(
                new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 2),
                new DeleteRangeResult(2, 0, List.of()))));
        assertThat(r.revision()).isEqualTo(2);
        assertThat(r.events()).isEmpty();
        assertThat(observe()).isEqualTo(before);
        assertThat(txn(then())).isEqualTo(new TxnResult(2, true, List.of()));
    }

    @Test
    void txnOpsReadTheTxnsEarlierWrites() {
        put("a", "1");
        put("x/1", "1");
        TxnResult r = txn(then(
                RangeRequest.get(b("a")),
                putReq("a", "2"),
                RangeRequest.get(b("a")),
                rangeOf("a").revision(3).build(),
                DeleteRangeRequest.prefix(b("x/")),
                RangeRequest.prefix(b("x/")),
                putReq("b", "1"),
                all().toBuilder().countOnly(true).build()));
        assertThat(r).isEqualTo(new TxnResult(4, true, List.of(
                new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 3),
                new PutResult(4, null),
                new RangeResult(List.of(kv("a", 2, 4, 2, "2")), false, 1, 4),
                // An explicit revision reads the history, which does not hold the txn's own writes yet.
                new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 4),
                new DeleteRangeResult(4, 1, List.of()),
                new RangeResult(List.of(), false, 0, 4),
                new PutResult(4, null),
                new RangeResult(List.of(), false, 2, 4))));
    }

    @Test
    void txnPutPrevKvAndDeletePrevKvsInsideATxn() {
        put("a", "1");
        put("b", "2");
        TxnResult r = txn(then(putReq("a", "new").withPrevKv(), new DeleteRangeRequest(b("b"), Bytes.EMPTY, true)));
        assertThat(r).isEqualTo(new TxnResult(4, true, List.of(
                new PutResult(4, kv("a", 2, 2, 1, "1")),
                new DeleteRangeResult(4, 1, List.of(kv("b", 3, 3, 1, "2"))))));
    }

    @Test
    void txnOpRevisionsAreTheRevisionSoFar() {
        // etcd's storeTxnWrite: a delete that deletes nothing reports the txn's revision once the txn has
        // written, else the current revision.
        TxnResult r = txn(then(DeleteRangeRequest.key(b("x")), putReq("a", "1"), DeleteRangeRequest.key(b("y"))));
        assertThat(r).isEqualTo(new TxnResult(2, true, List.of(
                new DeleteRangeResult(1, 0, List.of()), new PutResult(2, null), new DeleteRangeResult(2, 0, List.of()))));
    }

    @Test
    void nestedTxnsRunTheirChosenBranch() {
        put("a", "1");
        TxnRequest inner = txnOf(List.of(Compare.value(b("a"), Operator.EQUAL, b("1"))),
                List.of(putReq("in-then", "t")), List.of(putReq("in-else", "e")));
        TxnRequest innerFails = txnOf(List.of(Compare.value(b("a"), Operator.EQUAL, b("2"))),
                List.of(putReq("in2-then", "t")), List.of(putReq("in2-else", "e"), RangeRequest.get(b("a"))));
        TxnResult r = txn(txnOf(List.of(Compare.version(b("a"), Operator.GREATER, 0)),
                List.of(putReq("outer", "o"), inner, innerFails), List.of()));
        assertThat(r).isEqualTo(new TxnResult(3, true, List.of(
                new PutResult(3, null),
                new TxnResult(3, true, List.of(new PutResult(3, null))),
                new TxnResult(3, false, List.of(new PutResult(3, null),
                        new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 3))))));
        assertThat(keys(all())).containsExactly("a", "in-then", "in2-else", "outer");
        assertThat(store.events(3, 3, 10, false).events()).extracting(e -> e.kv().key().toStringUtf8())
                .containsExactly("outer", "in-then", "in2-else");
    }

    @Test
    void nestedTxnComparesSeeTheStateBeforeTheTxn() {
        // etcd's compareToPath decides every branch, nested ones included, before any op runs.
        put("k", "1");
        TxnRequest nested = txnOf(List.of(Compare.version(b("k"), Operator.EQUAL, 1)),
                List.of(putReq("yes", "y")), List.of(putReq("no", "n")));
        TxnResult r = txn(then(putReq("k", "2"), nested));
        assertThat(r.responses().get(1)).isEqualTo(new TxnResult(3, true, List.of(new PutResult(3, null))));
        assertThat(keys(all())).containsExactly("k", "yes");
        assertThat(kvs(RangeRequest.get(b("k")))).containsExactly(kv("k", 2, 3, 2, "2"));
    }

    @Test
    void txnStateErrorsRejectTheWholeTxn() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        ok(new CompactRequest(3), CompactResult.class);
        assertRejected(then(putReq("x", "1"), putReq("y", "1").withLease(99)), KvError.LEASE_NOT_FOUND,
                "etcdserver: requested lease not found");
        assertRejected(then(putReq("x", "1"), new PutRequest(b("y"), Bytes.EMPTY, 0, false, true, false)),
                KvError.KEY_NOT_FOUND, "etcdserver: key not found");
        assertRejected(then(putReq("x", "1"), new PutRequest(b("y"), b("v"), 0, false, false, true)),
                KvError.KEY_NOT_FOUND, "etcdserver: key not found");
        assertRejected(then(putReq("x", "1"), rangeOf("a").revision(5).build()), KvError.FUTURE_REVISION,
                "etcdserver: mvcc: required revision is a future revision");
        assertRejected(then(putReq("x", "1"), rangeOf("a").revision(2).build()), KvError.COMPACTED,
                "etcdserver: mvcc: required revision has been compacted");
        assertRejected(then(putReq("x", "1"), then(DeleteRangeRequest.key(b("a")), putReq("y", "1").withLease(99))),
                KvError.LEASE_NOT_FOUND, "etcdserver: requested lease not found");
        assertRejected(then(DeleteRangeRequest.key(b("a")), then(rangeOf("a").revision(2).build())),
                KvError.COMPACTED, "etcdserver: mvcc: required revision has been compacted");
    }

    @Test
    void txnRangeAtTheRevisionTheTxnWritesIsAFutureRevision() {
        // etcd's checkTxn compares against the revision before the txn.
        put("a", "1");
        assertRejected(then(putReq("a", "2"), rangeOf("a").revision(3).build()), KvError.FUTURE_REVISION,
                "etcdserver: mvcc: required revision is a future revision");
    }

    @Test
    void txnStateErrorsInTheBranchThatDoesNotRunAreIgnored() {
        put("a", "1");
        TxnResult r = txn(txnOf(List.of(Compare.version(b("a"), Operator.EQUAL, 42)),
                List.of(putReq("y", "1").withLease(99), new PutRequest(b("q"), Bytes.EMPTY, 0, false, true, false),
                        rangeOf("a").revision(100).build()),
                List.of(putReq("c", "1"))));
        assertThat(r).isEqualTo(new TxnResult(3, false, List.of(new PutResult(3, null))));
    }

    @Test
    void readTxnRefusesWritesAndReadsTheCurrentState() {
        put("a", "1");
        assertThatThrownBy(() -> store.readTxn(then(putReq("b", "1")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.readTxn(then(then(DeleteRangeRequest.key(b("b"))))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.readTxn(txnOf(List.of(Compare.version(b("a"), Operator.EQUAL, 1)),
                List.of(RangeRequest.get(b("a")), then(rangeOf("a").revision(1).build())), List.of())))
                .isEqualTo(new TxnResult(2, true, List.of(
                        new RangeResult(List.of(kv("a", 2, 2, 1, "1")), false, 1, 2),
                        new TxnResult(2, true, List.of(new RangeResult(List.of(), false, 0, 2))))));
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    // ==== compaction =============================================================================

    /** r2 a=1, r3 a=2, r4 b=1, r5 del b, r6 c=1, r7 a=3, r8 del c. */
    private void compactionFixture() {
        put("a", "1");
        put("a", "2");
        put("b", "1");
        delete("b");
        put("c", "1");
        put("a", "3");
        delete("c");
    }

    @Test
    void hashCoversTheWholeHistoryBeforeCompaction() {
        compactionFixture();
        long expected = hash(d -> add(add(add(add(add(add(add(d,
                2, 0, kv("a", 2, 2, 1, "1"), false),
                3, 0, kv("a", 2, 3, 2, "2"), false),
                4, 0, kv("b", 4, 4, 1, "1"), false),
                5, 0, KeyValue.tombstone(b("b"), 5), true),
                6, 0, kv("c", 6, 6, 1, "1"), false),
                7, 0, kv("a", 2, 7, 3, "3"), false),
                8, 0, KeyValue.tombstone(b("c"), 8), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 0, 8));
        assertThat(store.hashKv(8)).isEqualTo(new HashResult(expected, 0, 8));
        long upTo3 = hash(d -> add(add(d, 2, 0, kv("a", 2, 2, 1, "1"), false), 3, 0, kv("a", 2, 3, 2, "2"), false));
        assertThat(store.hashKv(3)).isEqualTo(new HashResult(upTo3, 0, 3));
        assertThat(store.hashKv(1)).isEqualTo(new HashResult(new HashKvDigest().value(), 0, 1));
    }

    @Test
    void compactionKeepsReadsAtAndAboveTheCompactRevision() {
        compactionFixture();
        ApplyResult r = apply(new CompactRequest(6));
        assertThat(r.result()).isEqualTo(new CompactResult(8, 6));
        assertThat(r.revision()).isEqualTo(8);
        assertThat(r.events()).isEmpty();
        assertThat(store.compactRevision()).isEqualTo(6);
        assertThat(store.currentRevision()).isEqualTo(8);
        assertThat(kvs(all().toBuilder().revision(6).build()))
                .containsExactly(kv("a", 2, 3, 2, "2"), kv("c", 6, 6, 1, "1"));
        assertThat(kvs(all().toBuilder().revision(7).build()))
                .containsExactly(kv("a", 2, 7, 3, "3"), kv("c", 6, 6, 1, "1"));
        assertThat(allKvs()).containsExactly(kv("a", 2, 7, 3, "3"));
        assertThatThrownBy(() -> store.range(all().toBuilder().revision(5).build())).isInstanceOf(KvException.class);
        assertThat(store.events(6, 8, 100, true)).isEqualTo(new EventBatch(List.of(
                new Event(Event.Type.PUT, kv("c", 6, 6, 1, "1"), null),
                new Event(Event.Type.PUT, kv("a", 2, 7, 3, "3"), kv("a", 2, 3, 2, "2")),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("c"), 8), kv("c", 6, 6, 1, "1"))), 9, 8));
        long expected = hash(d -> add(add(add(add(d,
                3, 0, kv("a", 2, 3, 2, "2"), false),
                6, 0, kv("c", 6, 6, 1, "1"), false),
                7, 0, kv("a", 2, 7, 3, "3"), false),
                8, 0, KeyValue.tombstone(b("c"), 8), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 6, 8));
        long at6 = hash(d -> add(add(d, 3, 0, kv("a", 2, 3, 2, "2"), false), 6, 0, kv("c", 6, 6, 1, "1"), false));
        assertThat(store.hashKv(6)).isEqualTo(new HashResult(at6, 6, 6));
    }

    @Test
    void compactionAtADeleteKeepsThatDeleteEvent() {
        compactionFixture();
        ok(new CompactRequest(5), CompactResult.class);
        assertThat(store.events(5, 8, 100, true).events()).containsExactly(
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("b"), 5), null),
                new Event(Event.Type.PUT, kv("c", 6, 6, 1, "1"), null),
                new Event(Event.Type.PUT, kv("a", 2, 7, 3, "3"), kv("a", 2, 3, 2, "2")),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("c"), 8), kv("c", 6, 6, 1, "1")));
        assertThat(kvs(all().toBuilder().revision(5).build())).containsExactly(kv("a", 2, 3, 2, "2"));
        long expected = hash(d -> add(add(add(add(add(d,
                3, 0, kv("a", 2, 3, 2, "2"), false),
                5, 0, KeyValue.tombstone(b("b"), 5), true),
                6, 0, kv("c", 6, 6, 1, "1"), false),
                7, 0, kv("a", 2, 7, 3, "3"), false),
                8, 0, KeyValue.tombstone(b("c"), 8), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 5, 8));
        // Compacting further drops the delete below the new compact revision.
        ok(new CompactRequest(6), CompactResult.class);
        assertThat(store.events(6, 8, 100, false).events()).hasSize(3);
    }

    @Test
    void compactionAtTheCurrentRevisionKeepsTheLatestVersions() {
        compactionFixture();
        ok(new CompactRequest(8), CompactResult.class);
        assertThat(allKvs()).containsExactly(kv("a", 2, 7, 3, "3"));
        assertThat(store.events(8, 8, 10, true).events())
                .containsExactly(new Event(Event.Type.DELETE, KeyValue.tombstone(b("c"), 8), null));
        long expected = hash(d -> add(add(d, 7, 0, kv("a", 2, 7, 3, "3"), false),
                8, 0, KeyValue.tombstone(b("c"), 8), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 8, 8));
        // Writing on after the compaction continues the generations.
        put("a", "4");
        put("c", "2");
        assertThat(allKvs()).containsExactly(kv("a", 2, 9, 4, "4"), kv("c", 10, 10, 1, "2"));
        assertThat(store.events(9, 10, 10, true).events()).containsExactly(
                new Event(Event.Type.PUT, kv("a", 2, 9, 4, "4"), kv("a", 2, 7, 3, "3")),
                new Event(Event.Type.PUT, kv("c", 10, 10, 1, "2"), null));
    }

    @Test
    void compactionOfAnEmptyStoreAtRevisionOne() {
        assertThat(ok(new CompactRequest(1), CompactResult.class)).isEqualTo(new CompactResult(1, 1));
        assertThat(store.compactRevision()).isEqualTo(1);
        assertThat(store.range(all())).isEqualTo(new RangeResult(List.of(), false, 0, 1));
        put("a", "1");
        assertThat(allKvs()).containsExactly(kv("a", 2, 2, 1, "1"));
    }

    /**
     * Two nested txns may put and then delete one key (etcd's {@code checkIntervals} allows it), so one
     * revision can change a key twice. Each event carries the version it replaced, in {@code apply}'s
     * result and from {@link MvccStore#events} alike; compacting at that revision retains both changes
     * (every change at the compact revision is retained, as {@link HashKvDigest} defines), the put's
     * previous version is gone, and compaction steps change nothing.
     */
    @Test
    protected void keyChangedTwiceInOneRevision() {
        put("k", "0");
        ApplyResult r = apply(then(then(putReq("k", "1")), then(DeleteRangeRequest.key(b("k")))));
        Event put = new Event(Event.Type.PUT, kv("k", 2, 3, 2, "1"), kv("k", 2, 2, 1, "0"));
        Event del = new Event(Event.Type.DELETE, KeyValue.tombstone(b("k"), 3), kv("k", 2, 3, 2, "1"));
        assertThat(r.events()).containsExactly(put, del);
        assertThat(store.events(3, 3, 10, true).events()).containsExactly(put, del);
        assertThat(allKvs()).isEmpty();
        ok(new CompactRequest(3), CompactResult.class);
        Observed before = observe();
        long expected = hash(d -> add(add(d, 3, 0, kv("k", 2, 3, 2, "1"), false), 3, 1, KeyValue.tombstone(b("k"), 3), true));
        assertThat(before.hash()).isEqualTo(new HashResult(expected, 3, 3));
        assertThat(before.history()).containsExactly(put.withoutPrevKv(), del);
        int steps = 0;
        while (store.compactStep()) {
            assertThat(++steps).isLessThan(10_000);
        }
        assertThat(observe()).isEqualTo(before);
    }

    @Test
    void compactStepsChangeNothingObservable() {
        store = open(StoreOptions.defaults().withCompactionBatchSize(1));
        for (int i = 0; i < 20; i++) {
            put("k" + (i % 3), "v" + i);
        }
        delete("k1");
        ok(new CompactRequest(15), CompactResult.class);
        Observed before = observe();
        int steps = 0;
        while (store.compactStep()) {
            assertThat(observe()).isEqualTo(before);
            assertThat(++steps).as("compactStep keeps returning true").isLessThan(10_000);
        }
        assertThat(store.compactStep()).isFalse();
        assertThat(observe()).isEqualTo(before);
    }

    // ==== leases =================================================================================

    @Test
    void leaseGrantMakesNoRevisionAndLeasesAreOrderedById() {
        put("a", "1");
        ApplyResult r = apply(new LeaseGrantRequest(5, 60));
        assertThat(r.result()).isEqualTo(new LeaseGrantResult(2, new Lease(5, 60, 0)));
        assertThat(r.revision()).isEqualTo(2);
        assertThat(r.events()).isEmpty();
        grant(3, 30);
        grant(9, 90);
        assertThat(store.leases()).containsExactly(new Lease(3, 30, 0), new Lease(5, 60, 0), new Lease(9, 90, 0));
        assertThat(store.lease(5)).contains(new Lease(5, 60, 0));
        assertThat(store.lease(4)).isEmpty();
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void keysAttachToAndDetachFromLeases() {
        grant(5, 60);
        grant(3, 60);
        put("a", "1", 5);
        put("b", "1", 5);
        put("c", "1", 3);
        assertThat(store.leaseKeys(5)).containsExactly(b("a"), b("b"));
        assertThat(store.leaseKeys(3)).containsExactly(b("c"));
        assertThat(store.leaseKeys(4)).isEmpty();
        put("a", "2", 3); // moves a from lease 5 to lease 3
        assertThat(store.leaseKeys(5)).containsExactly(b("b"));
        assertThat(store.leaseKeys(3)).containsExactly(b("a"), b("c"));
        put("c", "2"); // a put without a lease detaches
        assertThat(store.leaseKeys(3)).containsExactly(b("a"));
        assertThat(kvs(RangeRequest.get(b("c")))).containsExactly(kv("c", 4, 6, 2, "2", 0));
        ok(new PutRequest(b("b"), b("2"), 0, false, false, true), PutResult.class); // ignore_lease keeps it
        assertThat(store.leaseKeys(5)).containsExactly(b("b"));
        delete("a"); // a delete detaches
        assertThat(store.leaseKeys(3)).isEmpty();
        put("a", "3");
        assertThat(store.leaseKeys(3)).isEmpty();
        txn(then(putReq("t", "1").withLease(3)));
        assertThat(store.leaseKeys(3)).containsExactly(b("t"));
    }

    @Test
    void leaseRevokeDeletesAttachedKeysInOneRevisionInKeyOrder() {
        grant(5, 60);
        put("z", "1", 5);
        put("m", "1", 5);
        put("other", "1");
        ApplyResult r = apply(new LeaseRevokeRequest(5));
        assertThat(r.result()).isEqualTo(new LeaseRevokeResult(5, 2));
        assertThat(r.revision()).isEqualTo(5);
        assertThat(r.events()).containsExactly(
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("m"), 5), kv("m", 3, 3, 1, "1", 5)),
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("z"), 5), kv("z", 2, 2, 1, "1", 5)));
        assertThat(keys(all())).containsExactly("other");
        assertThat(store.lease(5)).isEmpty();
        assertThat(store.leases()).isEmpty();
        assertThat(store.leaseKeys(5)).isEmpty();
        long expected = hash(d -> add(add(add(add(add(d,
                2, 0, kv("z", 2, 2, 1, "1", 5), false),
                3, 0, kv("m", 3, 3, 1, "1", 5), false),
                4, 0, kv("other", 4, 4, 1, "1"), false),
                5, 0, KeyValue.tombstone(b("m"), 5), true),
                5, 1, KeyValue.tombstone(b("z"), 5), true));
        assertThat(store.hashKv(0)).isEqualTo(new HashResult(expected, 0, 5));
        assertRejected(new LeaseRevokeRequest(5), KvError.LEASE_NOT_FOUND, "etcdserver: requested lease not found");
    }

    @Test
    void leaseRevokeWithoutKeysMakesNoRevision() {
        put("a", "1");
        grant(5, 60);
        ApplyResult r = apply(new LeaseRevokeRequest(5));
        assertThat(r.result()).isEqualTo(new LeaseRevokeResult(2, 0));
        assertThat(r.events()).isEmpty();
        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(store.leases()).isEmpty();
    }

    @Test
    void leaseCheckpointsRecordRemainingTtlOfKnownLeases() {
        grant(11, 100);
        grant(12, 50);
        ApplyResult r = apply(new LeaseCheckpointRequest(List.of(
                new LeaseCheckpointRequest.Checkpoint(11, 40), new LeaseCheckpointRequest.Checkpoint(13, 10))));
        assertThat(r.result()).isEqualTo(new LeaseCheckpointResult(1, 1));
        assertThat(r.events()).isEmpty();
        assertThat(store.leases()).containsExactly(new Lease(11, 100, 40), new Lease(12, 50, 0));
        assertThat(store.currentRevision()).isEqualTo(1);
    }

    // ==== events =================================================================================

    @Test
    void applyReturnsTheEventsOfItsRevision() {
        ApplyResult first = apply(putReq("a", "1"));
        assertThat(first.events()).containsExactly(new Event(Event.Type.PUT, kv("a", 2, 2, 1, "1"), null));
        ApplyResult second = apply(putReq("a", "2"));
        assertThat(second.events())
                .containsExactly(new Event(Event.Type.PUT, kv("a", 2, 3, 2, "2"), kv("a", 2, 2, 1, "1")));
        ApplyResult del = apply(DeleteRangeRequest.key(b("a")));
        assertThat(del.events()).containsExactly(
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("a"), 4), kv("a", 2, 3, 2, "2")));
        assertThat(del.events().get(0).revision()).isEqualTo(4);
    }

    /** r2 put a; r3 txn [put b, put c, delete a]; r4 put d. */
    private void eventsFixture() {
        put("a", "1");
        txn(then(putReq("b", "2"), putReq("c", "3"), DeleteRangeRequest.key(b("a"))));
        put("d", "4");
    }

    @Test
    void eventsReturnsTheHistoryInOrderWithOrWithoutPrevKv() {
        eventsFixture();
        Event a = new Event(Event.Type.PUT, kv("a", 2, 2, 1, "1"), null);
        Event bb = new Event(Event.Type.PUT, kv("b", 3, 3, 1, "2"), null);
        Event c = new Event(Event.Type.PUT, kv("c", 3, 3, 1, "3"), null);
        Event delA = new Event(Event.Type.DELETE, KeyValue.tombstone(b("a"), 3), kv("a", 2, 2, 1, "1"));
        Event d = new Event(Event.Type.PUT, kv("d", 4, 4, 1, "4"), null);
        assertThat(store.events(1, 4, 100, true)).isEqualTo(new EventBatch(List.of(a, bb, c, delA, d), 5, 4));
        assertThat(store.events(2, 4, 100, false))
                .isEqualTo(new EventBatch(List.of(a, bb, c, delA.withoutPrevKv(), d), 5, 4));
        assertThat(store.events(3, 3, 100, true)).isEqualTo(new EventBatch(List.of(bb, c, delA), 4, 4));
        assertThat(store.events(2, 2, 100, true)).isEqualTo(new EventBatch(List.of(a), 3, 4));
        assertThat(store.events(4, 100, 100, true)).isEqualTo(new EventBatch(List.of(d), 5, 4));
        assertThat(store.events(5, 100, 100, true)).isEqualTo(new EventBatch(List.of(), 5, 4));
        assertThat(store.events(5, 100, 100, true).reachedCurrent()).isTrue();
        assertThat(store.events(2, 2, 100, true).reachedCurrent()).isFalse();
    }

    @Test
    void eventsNeverSplitARevision() {
        eventsFixture();
        EventBatch first = store.events(2, 4, 2, false);
        assertThat(first.events()).extracting(e -> e.kv().key().toStringUtf8() + "@" + e.revision())
                .containsExactly("a@2", "b@3", "c@3", "a@3");
        assertThat(first.nextRevision()).isEqualTo(4);
        assertThat(first.reachedCurrent()).isFalse();
        EventBatch one = store.events(3, 4, 1, false);
        assertThat(one.events()).hasSize(3);
        assertThat(one.nextRevision()).isEqualTo(4);
        EventBatch exact = store.events(2, 4, 1, false);
        assertThat(exact.events()).hasSize(1);
        assertThat(exact.nextRevision()).isEqualTo(3);
        EventBatch rest = store.events(4, 4, 1, false);
        assertThat(rest.events()).hasSize(1);
        assertThat(rest.nextRevision()).isEqualTo(5);
        assertThat(rest.reachedCurrent()).isTrue();
    }

    // ==== applying ===============================================================================

    @Test
    void applyAllMakesOneRevisionPerChangingMutationAndRecordsThePosition() {
        LogPosition position = new LogPosition(3, 7);
        List<ApplyResult> results = store.applyAll(position, List.of(
                putReq("a", "1"), putReq("b", "2"), DeleteRangeRequest.key(b("a")), new LeaseGrantRequest(5, 10),
                putReq("c", "3").withLease(5), DeleteRangeRequest.key(b("nothing"))));
        assertThat(results).extracting(ApplyResult::revision).containsExactly(2L, 3L, 4L, 4L, 5L, 5L);
        assertThat(results).extracting(ApplyResult::position).containsOnly(position);
        assertThat(results).extracting(ApplyResult::result).containsExactly(
                new PutResult(2, null), new PutResult(3, null), new DeleteRangeResult(4, 1, List.of()),
                new LeaseGrantResult(4, new Lease(5, 10, 0)), new PutResult(5, null),
                new DeleteRangeResult(5, 0, List.of()));
        assertThat(results.get(2).events()).containsExactly(
                new Event(Event.Type.DELETE, KeyValue.tombstone(b("a"), 4), kv("a", 2, 2, 1, "1")));
        assertThat(store.appliedPosition()).isEqualTo(position);
        assertThat(store.currentRevision()).isEqualTo(5);
        assertThat(allKvs()).containsExactly(kv("b", 3, 3, 1, "2"), kv("c", 5, 5, 1, "3", 5));
    }

    /**
     * An entry of puts only (which the RocksDB store writes without an indexed batch): each put sees the
     * puts before it in the entry — versions, create revision, ignore flags, lease moves and prev_kv —
     * and a rejected put in the middle writes nothing.
     */
    @Test
    void putsOfOneEntrySeeEachOther() {
        grant(7, 100);
        grant(8, 100);
        put("a", "0", 7);
        List<ApplyResult> results = store.applyAll(nextPosition(), List.of(
                putReq("a", "1").withPrevKv(),
                new PutRequest(b("a"), Bytes.EMPTY, 8, true, true, false),
                putReq("b", "1").withLease(99),
                new PutRequest(b("b"), Bytes.EMPTY, 0, true, true, false),
                putReq("b", "2").withLease(7),
                new PutRequest(b("a"), b("3"), 0, false, false, true),
                putReq("b", "3").withPrevKv()));
        assertThat(results).extracting(ApplyResult::result).containsExactly(
                new PutResult(3, kv("a", 2, 2, 1, "0", 7)),
                new PutResult(4, kv("a", 2, 3, 2, "1", 0)),
                new MutationResult.Rejected(KvError.LEASE_NOT_FOUND),
                new MutationResult.Rejected(KvError.KEY_NOT_FOUND),
                new PutResult(5, null),
                new PutResult(6, null),
                new PutResult(7, kv("b", 5, 5, 1, "2", 7)));
        assertThat(results.get(5).events()).containsExactly(
                new Event(Event.Type.PUT, kv("a", 2, 6, 4, "3", 8), kv("a", 2, 4, 3, "1", 8)));
        assertThat(allKvs()).containsExactly(kv("a", 2, 6, 4, "3", 8), kv("b", 5, 7, 2, "3", 0));
        assertThat(store.leaseKeys(7)).isEmpty();
        assertThat(store.leaseKeys(8)).containsExactly(b("a"));
        assertThat(kvs(rangeOf("a").revision(4).build())).containsExactly(kv("a", 2, 4, 3, "1", 8));
        assertThat(kvs(rangeOf("b").revision(5).build())).containsExactly(kv("b", 5, 5, 1, "2", 7));
        assertThat(store.events(3, 7, 100, true).events()).hasSize(5);
    }

    @Test
    void rejectedMutationsInABatchLeaveTheOthersApplied() {
        List<ApplyResult> results = store.applyAll(new LogPosition(1, 1), List.of(
                putReq("a", "1"), PutRequest.of(Bytes.EMPTY, b("x")), putReq("b", "2"), new LeaseRevokeRequest(4)));
        assertThat(results).extracting(ApplyResult::result).containsExactly(
                new PutResult(2, null), new MutationResult.Rejected(KvError.KEY_NOT_PROVIDED), new PutResult(3, null),
                new MutationResult.Rejected(KvError.LEASE_NOT_FOUND));
        assertThat(results).extracting(ApplyResult::revision).containsExactly(2L, 2L, 3L, 3L);
        assertThat(results.get(1).isRejected()).isTrue();
        assertThat(store.appliedPosition()).isEqualTo(new LogPosition(1, 1));
        assertThat(keys(all())).containsExactly("a", "b");
    }

    @Test
    void positionsAtOrBelowTheAppliedOneAreAlreadyApplied() {
        store.apply(new LogPosition(2, 10), putReq("a", "1"));
        Observed before = observe();
        for (LogPosition p : List.of(new LogPosition(2, 10), new LogPosition(2, 9), new LogPosition(5, 10),
                new LogPosition(1, 1))) {
            List<ApplyResult> results = store.applyAll(p, List.of(putReq("a", "2"), new CompactRequest(2)));
            assertThat(results).hasSize(2);
            for (ApplyResult r : results) {
                assertThat(r.result()).isEqualTo(new MutationResult.AlreadyApplied());
                assertThat(r.events()).isEmpty();
                assertThat(r.revision()).isEqualTo(2);
                assertThatThrownBy(() -> r.resultAs(PutResult.class)).isInstanceOf(IllegalStateException.class);
            }
            assertThat(observe()).isEqualTo(before);
            assertThat(store.appliedPosition()).isEqualTo(new LogPosition(2, 10));
        }
        assertThat(store.apply(new LogPosition(2, 11), putReq("a", "2")).result()).isEqualTo(new PutResult(3, null));
        assertThat(store.appliedPosition()).isEqualTo(new LogPosition(2, 11));
    }

    @Test
    void emptyBatchAdvancesThePosition() {
        assertThat(store.applyAll(new LogPosition(1, 4), List.of())).isEmpty();
        assertThat(store.appliedPosition()).isEqualTo(new LogPosition(1, 4));
        assertThat(store.currentRevision()).isEqualTo(1);
    }

    @Test
    void commitListenerIsToldOncePerBatchAfterTheDataIsReadable() {
        List<List<ApplyResult>> told = new CopyOnWriteArrayList<>();
        List<Long> revisionsSeen = new CopyOnWriteArrayList<>();
        store.addCommitListener(results -> {
            told.add(results);
            revisionsSeen.add(store.currentRevision());
        });
        List<ApplyResult> first = store.applyAll(new LogPosition(1, 1),
                List.of(putReq("a", "1"), putReq("b", "1"), new LeaseGrantRequest(1, 5)));
        assertThat(told).hasSize(1);
        assertThat(told.get(0)).isEqualTo(first);
        assertThat(revisionsSeen).containsExactly(3L);
        List<ApplyResult> second = store.applyAll(new LogPosition(1, 2), List.of(PutRequest.of(Bytes.EMPTY, b("x"))));
        assertThat(told).hasSize(2);
        assertThat(told.get(1)).isEqualTo(second);
        assertThat(told.get(1).get(0).isRejected()).isTrue();
    }

    @Test
    void readsRunningDuringAppliesSeeWholeBatches() throws Exception {
        int keys = 5;
        int txns = 300;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                futures.add(readers.submit(() -> {
                    while (!done.get() || reads.get() < 10) {
                        RangeResult r = store.range(RangeRequest.prefix(b("k")));
                        reads.incrementAndGet();
                        if (r.kvs().isEmpty()) {
                            continue;
                        }
                        assertThat(r.kvs()).hasSize(keys);
                        long rev = r.kvs().get(0).modRevision();
                        // One txn writes every key: all of them must come from the same revision.
                        assertThat(r.kvs()).allSatisfy(kv -> assertThat(kv.modRevision()).isEqualTo(rev));
                        assertThat(r.kvs()).allSatisfy(kv -> assertThat(kv.value()).isEqualTo(r.kvs().get(0).value()));
                        assertThat(r.revision()).isGreaterThanOrEqualTo(rev);
                    }
                    return null;
                }));
            }
            for (int i = 0; i < txns; i++) {
                List<Op> ops = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    ops.add(putReq("k" + k, "v" + i));
                }
                txn(txnOf(List.of(), ops, List.of()));
            }
            done.set(true);
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
            assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(store.currentRevision()).isEqualTo(1 + txns);
    }

    // ==== persistence ============================================================================

    @Test
    void reopenRestoresEverything() {
        assumeTrue(supportsReopen(), "this store does not persist");
        grant(5, 60);
        put("a", "1", 5);
        put("b", "1");
        txn(then(putReq("c", "1"), DeleteRangeRequest.key(b("b"))));
        put("a", "2", 5);
        ok(new CompactRequest(3), CompactResult.class);
        ok(new LeaseCheckpointRequest(List.of(new LeaseCheckpointRequest.Checkpoint(5, 30))), LeaseCheckpointResult.class);
        grant(6, 10);
        LogPosition last = new LogPosition(4, nextIndex++);
        store.applyAll(last, List.of(putReq("d", "1"), new LeaseRevokeRequest(6)));
        Observed before = observe();
        List<Event> allEvents = store.events(3, 100, 1000, true).events();

        reopenStore();

        assertThat(observe()).isEqualTo(before);
        assertThat(store.appliedPosition()).isEqualTo(last);
        assertThat(store.leases()).containsExactly(new Lease(5, 60, 30));
        assertThat(store.leaseKeys(5)).containsExactly(b("a"));
        assertThat(store.events(3, 100, 1000, true).events()).isEqualTo(allEvents);
        assertThat(kvs(all().toBuilder().revision(3).build())).containsExactly(kv("a", 2, 2, 1, "1", 5),
                kv("b", 3, 3, 1, "1"));
        assertThat(store.apply(last, putReq("x", "1")).result()).isEqualTo(new MutationResult.AlreadyApplied());
        assertThat(put("e", "1")).isEqualTo(new PutResult(7, null));
        assertThatThrownBy(() -> store.range(all().toBuilder().revision(2).build())).isInstanceOf(KvException.class);
    }

    @Test
    void reopenAfterCompactStepsKeepsTheRetainedHistory() {
        assumeTrue(supportsReopen(), "this store does not persist");
        store = open(StoreOptions.defaults().withCompactionBatchSize(2));
        for (int i = 0; i < 12; i++) {
            put("k" + (i % 4), "v" + i);
        }
        delete("k2");
        ok(new CompactRequest(10), CompactResult.class);
        store.compactStep(); // some progress before the restart
        Observed before = observe();
        reopenStore();
        assertThat(observe()).isEqualTo(before);
        int steps = 0;
        while (store.compactStep()) {
            assertThat(++steps).isLessThan(10_000);
        }
        assertThat(observe()).isEqualTo(before);
    }
}
