package io.caravel.server.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-range-bytes}: a read whose ranges would fetch more keys and values than the bound fails
 * with RESOURCE_EXHAUSTED and Caravel's message, through jetcd and etcdctl; the same keys read in pages
 * with a limit are all there, and the member keeps serving.
 */
@Timeout(120)
class RangeLimitIT {
    private static final String TOO_LARGE = "caravel: range is too large to read at once; read it in pages with a limit";

    @Test
    void aRangeOverTheBoundFailsAndPagesReadEverything() throws Exception {
        try (ProcessCluster c = ProcessCluster.start("rangelimit", 1, "--max-range-bytes", "4096");
             Client client = Client.builder().endpoints(c.endpoints()).build()) {
            KV kv = client.getKVClient();
            byte[] value = new byte[200];
            Arrays.fill(value, (byte) 'v');
            for (int i = 0; i < 40; i++) { // 40 x (7 + 200) bytes: about twice the bound
                kv.put(b(String.format("big/%03d", i)), ByteSequence.from(value)).get(20, TimeUnit.SECONDS);
            }
            GetOption prefix = GetOption.builder().isPrefix(true).build();
            SingleNodeIT.assertError(() -> kv.get(b("big/"), prefix).get(20, TimeUnit.SECONDS),
                    Status.Code.RESOURCE_EXHAUSTED, TOO_LARGE);
            SingleNodeIT.assertError(() -> kv.get(b("big/"), GetOption.builder().isPrefix(true).withSerializable(true).build())
                    .get(20, TimeUnit.SECONDS), Status.Code.RESOURCE_EXHAUSTED, TOO_LARGE);
            // A count reads no values; a single key is never refused.
            assertThat(kv.get(b("big/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(20, TimeUnit.SECONDS).getCount()).isEqualTo(40);
            assertThat(kv.get(b("big/007")).get(20, TimeUnit.SECONDS).getKvs()).hasSize(1);

            // Pages of 10, each starting after the last key of the one before, read all 40 keys.
            List<String> keys = new ArrayList<>();
            ByteSequence from = b("big/");
            while (true) {
                GetResponse page = kv.get(from, GetOption.builder().withRange(b("big0")).withLimit(10).build())
                        .get(20, TimeUnit.SECONDS);
                page.getKvs().forEach(k -> keys.add(k.getKey().toString(UTF_8)));
                if (!page.isMore()) {
                    break;
                }
                from = b(keys.get(keys.size() - 1) + "\0");
            }
            assertThat(keys).hasSize(40).startsWith("big/000").endsWith("big/039");

            if (Etcdctl.available()) {
                Etcdctl.Result all = Etcdctl.run(c.endpoints(), "get", "big/", "--prefix");
                assertThat(all.exit()).isNotZero();
                assertThat(all.err()).contains(TOO_LARGE);
                Etcdctl.Result limited = Etcdctl.run(c.endpoints(), "get", "big/", "--prefix", "--limit", "10", "--keys-only");
                assertThat(limited.ok().out()).contains("big/000", "big/009").doesNotContain("big/010");
            }
            assertThat(c.member("n1").healthy()).isTrue();
        }
    }

    private static ByteSequence b(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}
