package io.caravel.raft;

import static io.caravel.raft.MiniCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravel.store.Bytes;
import io.caravel.store.Compare;
import io.caravel.store.DeleteRangeRequest;
import io.caravel.store.KvError;
import io.caravel.store.KvException;
import io.caravel.store.LeaseGrantResult;
import io.caravel.store.PutRequest;
import io.caravel.store.PutResult;
import io.caravel.store.RangeRequest;
import io.caravel.store.RangeResult;
import io.caravel.store.TxnRequest;
import io.caravel.store.TxnResult;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SingleNodeIT {
    @TempDir
    Path dir;

    @Test
    void writesReadsAndSurvivesRestart() {
        try (MiniCluster c = MiniCluster.start(1, dir)) {
            c.awaitLeader();
            RatisReplicatedKv kv = c.kv(0);
            PutResult p = await(kv.put(PutRequest.of("a", "1")));
            assertThat(p.revision()).isEqualTo(2);
            await(kv.put(PutRequest.of("b", "2")));
            RangeResult r = await(kv.range(RangeRequest.get(Bytes.of("a")), Consistency.LINEARIZABLE));
            assertThat(r.kvs()).hasSize(1);
            assertThat(r.kvs().get(0).value().toStringUtf8()).isEqualTo("1");
            assertThat(r.revision()).isEqualTo(3);
            assertThatThrownBy(() -> await(kv.range(RangeRequest.get(Bytes.EMPTY), Consistency.SERIALIZABLE)))
                    .isInstanceOf(KvException.class).hasMessage(KvError.KEY_NOT_PROVIDED.message());
            RangeResult all = await(kv.range(RangeRequest.builder(Bytes.ZERO).rangeEnd(Bytes.ZERO).build(), Consistency.SERIALIZABLE));
            assertThat(all.count()).isEqualTo(2);

            TxnRequest txn = new TxnRequest(List.of(Compare.value(Bytes.of("a"), Compare.Operator.EQUAL, Bytes.of("1"))),
                    List.of(PutRequest.of("a", "10")), List.of());
            TxnResult t = await(kv.txn(txn, Consistency.LINEARIZABLE));
            assertThat(t.succeeded()).isTrue();
            TxnResult t2 = await(kv.txn(txn, Consistency.LINEARIZABLE));
            assertThat(t2.succeeded()).isFalse();

            assertThat(await(kv.deleteRange(DeleteRangeRequest.key(Bytes.of("b")))).deleted()).isEqualTo(1);
            assertThatThrownBy(() -> await(kv.put(PutRequest.of(Bytes.EMPTY, Bytes.of("x")))))
                    .isInstanceOf(KvException.class).hasMessage(KvError.KEY_NOT_PROVIDED.message());

            long rev = kv.currentRevision();
            assertThat(await(kv.compact(rev - 1, true)).compactRevision()).isEqualTo(rev - 1);
            assertThatThrownBy(() -> await(kv.range(RangeRequest.builder(Bytes.of("a")).revision(2).build(), Consistency.LINEARIZABLE)))
                    .isInstanceOf(KvException.class).hasMessage(KvError.COMPACTED.message());

            LeaseGrantResult g = await(kv.leaseGrant(0, 60));
            assertThat(g.lease().id()).isPositive();
            assertThat(await(kv.leaseKeepAlive(g.lease().id()))).isEqualTo(60);
            assertThat(await(kv.leaseTimeToLive(g.lease().id(), false)).grantedTtlSeconds()).isEqualTo(60);
            assertThat(await(kv.leaseTimeToLive(12345, false)).remainingTtlSeconds()).isEqualTo(-1);
            assertThat(await(kv.leases())).containsExactly(g.lease().id());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            await(kv.snapshot(out));
            assertThat(out.size()).isGreaterThan(100);
            assertThat(kv.status().raftAppliedIndex()).isPositive();
            assertThat(kv.storeMemory().memtableBytes()).as("the writes above sit in the store's memtables").isPositive();
            assertThat(kv.header().clusterId()).isEqualTo(kv.clusterId());
            MiniCluster.waitUntil(() -> await(kv.memberList()).get(0).name().equals("m0"), MiniCluster.WAIT, "publish");

            long revBefore = kv.currentRevision();
            c.restart(0);
            c.awaitLeader();
            RatisReplicatedKv again = c.kv(0);
            assertThat(again.currentRevision()).isEqualTo(revBefore);
            RangeResult after = await(again.range(RangeRequest.get(Bytes.of("a")), Consistency.LINEARIZABLE));
            assertThat(after.kvs().get(0).value().toStringUtf8()).isEqualTo("10");
            assertThat(await(again.put(PutRequest.of("c", "3"))).revision()).isEqualTo(revBefore + 1);
        }
    }
}
