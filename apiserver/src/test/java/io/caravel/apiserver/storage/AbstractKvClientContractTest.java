package io.caravel.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link KvClient} contract, run against each implementation by a subclass that supplies {@link #client()}. */
@Timeout(60)
public abstract class AbstractKvClientContractTest {
    protected abstract KvClient client();

    private final String p = "/contract/" + UUID.randomUUID() + "/";

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void createSucceedsOnceThenReturnsTheExistingKey() throws Exception {
        WriteResult first = await(client().create(p + "a", b("1")));
        assertThat(first.succeeded()).isTrue();
        assertThat(first.kv().modRevision()).isEqualTo(first.revision());
        assertThat(first.kv().createRevision()).isEqualTo(first.revision());
        assertThat(first.kv().version()).isEqualTo(1);
        WriteResult second = await(client().create(p + "a", b("2")));
        assertThat(second.succeeded()).isFalse();
        assertThat(second.kv().valueUtf8()).isEqualTo("1");
        assertThat(second.kv().modRevision()).isEqualTo(first.revision());
        assertThat(await(client().get(p + "a")).orElseThrow().valueUtf8()).isEqualTo("1");
        assertThat(await(client().get(p + "missing"))).isEmpty();
    }

    @Test
    void updateComparesModRevision() throws Exception {
        WriteResult c = await(client().create(p + "u", b("1")));
        WriteResult u = await(client().update(p + "u", b("2"), c.revision()));
        assertThat(u.succeeded()).isTrue();
        assertThat(u.kv().version()).isEqualTo(2);
        assertThat(u.kv().createRevision()).isEqualTo(c.revision());
        assertThat(u.kv().modRevision()).isEqualTo(u.revision()).isGreaterThan(c.revision());
        WriteResult stale = await(client().update(p + "u", b("3"), c.revision()));
        assertThat(stale.succeeded()).isFalse();
        assertThat(stale.kv().valueUtf8()).isEqualTo("2");
        WriteResult absent = await(client().update(p + "nope", b("3"), c.revision()));
        assertThat(absent.succeeded()).isFalse();
        assertThat(absent.kv()).isNull();
    }

    @Test
    void deleteWithAndWithoutPrecondition() throws Exception {
        WriteResult c = await(client().create(p + "d", b("1")));
        WriteResult wrong = await(client().delete(p + "d", c.revision() + 1000));
        assertThat(wrong.succeeded()).isFalse();
        assertThat(wrong.kv().valueUtf8()).isEqualTo("1");
        WriteResult ok = await(client().delete(p + "d", c.revision()));
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.kv().valueUtf8()).isEqualTo("1");
        assertThat(ok.revision()).isGreaterThan(c.revision());
        WriteResult gone = await(client().delete(p + "d", 0));
        assertThat(gone.succeeded()).isFalse();
        assertThat(gone.kv()).isNull();
        await(client().create(p + "d2", b("x")));
        assertThat(await(client().delete(p + "d2", 0)).succeeded()).isTrue();
    }

    @Test
    void listPagesAtOneRevisionAndReadsThePast() throws Exception {
        for (int i = 0; i < 5; i++) {
            await(client().create(p + "l/" + i, b("v" + i)));
        }
        await(client().create(p + "l0", b("outside the prefix")));
        KvPage first = await(client().list(p + "l/", 0, 2, null));
        assertThat(first.items()).extracting(KeyValue::key).containsExactly(p + "l/0", p + "l/1");
        assertThat(first.more()).isTrue();
        assertThat(first.count()).isEqualTo(5);
        long rev = first.revision();
        await(client().create(p + "l/2a", b("later")));
        KvPage second = await(client().list(p + "l/", rev, 10, first.items().get(1).key() + "\0"));
        assertThat(second.items()).extracting(KeyValue::key).containsExactly(p + "l/2", p + "l/3", p + "l/4");
        assertThat(second.more()).isFalse();
        assertThat(second.revision()).isEqualTo(rev);
        KvPage now = await(client().list(p + "l/", 0, 0, null));
        assertThat(now.items()).hasSize(6);
        assertThat(now.revision()).isGreaterThan(rev);
    }

    @Test
    void readsBelowTheCompactionPointOrInTheFutureFail() throws Exception {
        WriteResult a = await(client().create(p + "c", b("1")));
        await(client().update(p + "c", b("2"), a.revision()));
        long cur = await(client().currentRevision());
        assertThat(cur).isGreaterThan(a.revision());
        await(client().compact(cur));
        assertThatThrownBy(() -> await(client().list(p, a.revision(), 0, null)))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(KvException.Compacted.class);
        assertThatThrownBy(() -> await(client().list(p, cur + 1000, 0, null)))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(KvException.FutureRevision.class);
        assertThat(await(client().list(p, cur, 0, null)).items()).extracting(KeyValue::valueUtf8).containsExactly("2");
    }

    @Test
    void watchReplaysFromARevisionWithPreviousValues() throws Exception {
        WriteResult c = await(client().create(p + "w/a", b("1")));
        WriteResult u = await(client().update(p + "w/a", b("2"), c.revision()));
        await(client().create(p + "other", b("not watched")));
        WriteResult d = await(client().delete(p + "w/a", 0));
        LinkedBlockingQueue<KvEvent> events = new LinkedBlockingQueue<>();
        try (KvWatch w = client().watch(p + "w/", u.revision(), listener(events))) {
            KvEvent put = events.poll(10, TimeUnit.SECONDS);
            assertThat(put.type()).isEqualTo(KvEvent.Type.PUT);
            assertThat(put.kv().valueUtf8()).isEqualTo("2");
            assertThat(put.prevKv().valueUtf8()).isEqualTo("1");
            KvEvent del = events.poll(10, TimeUnit.SECONDS);
            assertThat(del.type()).isEqualTo(KvEvent.Type.DELETE);
            assertThat(del.revision()).isEqualTo(d.revision());
            assertThat(del.prevKv().valueUtf8()).isEqualTo("2");
            WriteResult live = await(client().create(p + "w/b", b("3")));
            KvEvent next = events.poll(10, TimeUnit.SECONDS);
            assertThat(next.kv().key()).isEqualTo(p + "w/b");
            assertThat(next.revision()).isEqualTo(live.revision());
            assertThat(next.prevKv()).isNull();
        }
    }

    @Test
    void watchFromACompactedRevisionIsSignalledAsCompaction() throws Exception {
        WriteResult c = await(client().create(p + "wc", b("1")));
        await(client().update(p + "wc", b("2"), c.revision()));
        long cur = await(client().currentRevision());
        await(client().compact(cur));
        CompletableFuture<Long> compacted = new CompletableFuture<>();
        try (KvWatch w = client().watch(p, c.revision(), new KvWatchListener() {
            @Override
            public void onEvents(List<KvEvent> events) {
                compacted.completeExceptionally(new AssertionError("events from a compacted revision: " + events));
            }

            @Override
            public void onCompacted(long compactRevision) {
                compacted.complete(compactRevision);
            }

            @Override
            public void onError(Throwable error) {
                compacted.completeExceptionally(error);
            }
        })) {
            assertThat(compacted.get(10, TimeUnit.SECONDS)).isEqualTo(cur);
        }
    }

    @Test
    void revisionsAreOneCounterForAllWrites() throws Exception {
        long before = await(client().currentRevision());
        List<Long> revs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            revs.add(await(client().create(p + "r" + i, b("x"))).revision());
        }
        assertThat(revs.get(0)).isGreaterThan(before);
        assertThat(revs).isSorted().doesNotHaveDuplicates();
        assertThat(await(client().currentRevision())).isGreaterThanOrEqualTo(revs.get(2));
    }

    static KvWatchListener listener(LinkedBlockingQueue<KvEvent> events) {
        return new KvWatchListener() {
            @Override
            public void onEvents(List<KvEvent> batch) {
                events.addAll(batch);
            }

            @Override
            public void onCompacted(long compactRevision) {
            }

            @Override
            public void onError(Throwable error) {
            }
        };
    }
}
