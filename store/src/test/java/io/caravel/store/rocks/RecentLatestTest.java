package io.caravel.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravel.store.Bytes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentLatestTest {
    private static Bytes key(int i) {
        return Bytes.of("k" + i);
    }

    @Test
    void knowsCommittedValuesAndAbsences() {
        RecentLatest r = new RecentLatest(1 << 20);
        Map<Bytes, byte[]> seen = new HashMap<>();
        seen.put(key(1), new byte[] {1});
        seen.put(key(2), null); // read ahead and found absent, or deleted by the batch
        r.committed(seen);
        assertThat(r.lookup(key(1))).containsExactly(1);
        assertThat(r.lookup(key(2))).as("known absent").isNull();
        assertThat(r.lookup(key(3))).isSameAs(RecentLatest.UNKNOWN);
        // A later batch overwrites: a delete of k1, a put of k2.
        Map<Bytes, byte[]> next = new HashMap<>();
        next.put(key(1), null);
        next.put(key(2), new byte[] {2, 2});
        r.committed(next);
        assertThat(r.lookup(key(1))).as("deleted: known absent").isNull();
        assertThat(r.lookup(key(2))).containsExactly(2, 2);
    }

    @Test
    void evictsLeastRecentlyUsedBeyondTheBudget() {
        // each entry costs 96 + 2 (key) + 100 (value) = 198 bytes; a budget of 1,000 holds 5
        RecentLatest r = new RecentLatest(1_000);
        for (int i = 0; i < 5; i++) {
            r.committed(Map.of(key(i), new byte[100]));
        }
        assertThat(r.size()).isEqualTo(5);
        r.lookup(key(0)); // k0 is now the most recently used
        r.committed(Map.of(key(5), new byte[100]));
        assertThat(r.size()).isEqualTo(5);
        assertThat(r.lookup(key(1))).as("the least recently used goes first").isSameAs(RecentLatest.UNKNOWN);
        assertThat(r.lookup(key(0))).hasSize(100);
        assertThat(r.lookup(key(5))).hasSize(100);
        // Replacing a value re-counts its bytes instead of adding them twice.
        for (int i = 0; i < 20; i++) {
            Map<Bytes, byte[]> m = new LinkedHashMap<>();
            m.put(key(5), new byte[100]);
            r.committed(m);
        }
        assertThat(r.size()).isEqualTo(5);
        // Absent keys cost their key and overhead only: 96 + 2 = 98 bytes; 10 fit in 1,000.
        RecentLatest absences = new RecentLatest(1_000);
        for (int i = 0; i < 12; i++) {
            Map<Bytes, byte[]> m = new HashMap<>();
            m.put(key(i), null);
            absences.committed(m);
        }
        assertThat(absences.size()).isEqualTo(10);
        assertThat(absences.lookup(key(0))).isSameAs(RecentLatest.UNKNOWN);
        assertThat(absences.lookup(key(11))).isNull();
    }

    @Test
    void aZeroBudgetKeepsNothing() {
        RecentLatest r = new RecentLatest(0);
        r.committed(Map.of(key(1), new byte[] {1}));
        assertThat(r.lookup(key(1))).isSameAs(RecentLatest.UNKNOWN);
    }
}
