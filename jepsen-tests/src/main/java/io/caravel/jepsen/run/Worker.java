package io.caravel.jepsen.run;

import io.etcd.jetcd.Client;
import java.util.List;
import java.util.Random;

/**
 * One client thread and the logical process it currently acts as.
 *
 * <p>Jepsen's rule: a process is single-threaded and, once one of its operations ended {@code
 * :info} (outcome unknown), it is retired: the worker continues as process {@code p +
 * concurrency}, with a new client, so the unknown operation stays open in the history for ever and
 * is never resent. Process {@code p} talks to node {@code p mod n} (of the cluster's node list).
 *
 * <p>Used by its own thread only.
 */
public final class Worker {

  private final int index;
  private final int concurrency;
  private final Random random;
  private long process;
  private Client client;

  /** Worker {@code index} of {@code concurrency}, acting first as process {@code index}. */
  public Worker(int index, int concurrency, Random random) {
    this.index = index;
    this.concurrency = concurrency;
    this.random = random;
    this.process = index;
  }

  /** The worker's number. */
  public int index() {
    return index;
  }

  /** The current process id. */
  public long process() {
    return process;
  }

  /** The worker's seeded random source. */
  public Random random() {
    return random;
  }

  /** The node number the current process talks to. */
  public int node(List<Integer> nodeIds) {
    return nodeIds.get((int) (process % nodeIds.size()));
  }

  /** The current process's client (opened on first use). */
  public Client client(RunContext ctx) {
    if (client == null) {
      client = Clients.open(ctx.cluster().clientEndpoint(node(ctx.cluster().nodeIds())), ctx.options().opTimeout());
    }
    return client;
  }

  /** The current process's node name. */
  public String nodeName(RunContext ctx) {
    return ctx.cluster().node(node(ctx.cluster().nodeIds())).name();
  }

  /** Retires the current process after an {@code :info}: a new process id and a new client. */
  public void retire() {
    closeClient();
    process += concurrency;
  }

  /** Closes the client, if open. */
  public void closeClient() {
    if (client != null) {
      Client c = client;
      client = null;
      // closing a jetcd client can block on a paused node; do it off the worker's thread
      Thread t = new Thread(c::close, "client-close");
      t.setDaemon(true);
      t.start();
    }
  }
}
