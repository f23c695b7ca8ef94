package io.caravel.jepsen.cluster;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer network of a local cluster, made of one TCP proxy per directed link, so that a partition
 * needs no root.
 *
 * <p>Node {@code i} reaches peer {@code j} by a host name ({@code nj}) that only node {@code i}'s
 * resolver maps to {@code 127.0.i.j} (a JVM {@code jdk.net.hosts.file}, or a private {@code
 * /etc/hosts} in a mount namespace for etcd; see {@link LocalCluster}). The proxy of link {@code
 * i->j} listens on {@code 127.0.i.j:<peer port of j>} and forwards to node {@code j}'s real listener
 * on {@code 127.0.0.1}. All of 127.0.0.0/8 is routed to the loopback interface on Linux, so these
 * addresses need no configuration. Every byte between two nodes therefore crosses the proxy of the
 * link whose node dialled the connection, whichever way the byte goes.
 *
 * <p>Cutting a link <em>freezes</em> it, which is what a packet-dropping firewall does: its listener
 * stops accepting (new connections sit in the kernel's backlog and see no data, like SYNs that get no
 * answer), and its established connections stop being read or written in both directions, so the
 * senders' TCP windows fill up and their writes stall. Healing resumes both; a connection that an
 * endpoint gave up on meanwhile is then closed as the proxy notices. A partition between nodes
 * {@code i} and {@code j} cuts both {@code i->j} and {@code j->i}: Raft over gRPC uses long-lived
 * connections dialled by either side, and cutting one direction only leaves the other side's streams
 * (and the replies on them) flowing.
 *
 * <p>All sockets are served by one selector thread. {@link #setCut} and {@link #close} may be called
 * from any thread; {@link #setCut} returns once the new cut is in force.
 */
public final class PeerNetwork implements Closeable {

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Map<Integer, Integer> peerPorts;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<Link, ServerSocketChannel> listeners = new HashMap<>();
  private final Set<Pipe> pipes = new HashSet<>();
  private final Map<Link, AtomicLong> bytes = new ConcurrentHashMap<>();
  private final Map<Link, AtomicLong> accepted = new ConcurrentHashMap<>();
  private volatile Set<Link> cut = Set.of();
  private volatile boolean running = true;

  /**
   * Binds one listener per directed link between the given nodes and starts the selector thread.
   *
   * @param peerPorts node number to the port its peer listener uses on 127.0.0.1; the proxies of
   *     links towards a node listen on the same port number
   * @throws UncheckedIOException if a listener cannot be bound
   */
  public PeerNetwork(Map<Integer, Integer> peerPorts) {
    this.peerPorts = Map.copyOf(peerPorts);
    try {
      selector = Selector.open();
      for (int from : this.peerPorts.keySet()) {
        for (int to : this.peerPorts.keySet()) {
          if (from != to) {
            Link link = new Link(from, to);
            ServerSocketChannel ssc = ServerSocketChannel.open();
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ssc.bind(new InetSocketAddress(listenHost(link), this.peerPorts.get(to)), 128);
            ssc.configureBlocking(false);
            ssc.register(selector, SelectionKey.OP_ACCEPT, link);
            listeners.put(link, ssc);
            bytes.put(link, new AtomicLong());
            accepted.put(link, new AtomicLong());
          }
        }
      }
    } catch (IOException e) {
      closeQuietly();
      throw new UncheckedIOException("cannot bind the peer proxies: " + e.getMessage(), e);
    }
    thread = new Thread(this::loop, "peer-network");
    thread.setDaemon(true);
    thread.start();
  }

  /** The address the proxy of {@code link} listens on: {@code 127.0.<from>.<to>}. */
  public static String listenHost(Link link) {
    return "127.0." + link.from() + "." + link.to();
  }

  /** Every directed link between two distinct nodes among {@code nodes}. */
  public static Set<Link> allLinks(Collection<Integer> nodes) {
    Set<Link> out = new HashSet<>();
    for (int a : nodes) {
      for (int b : nodes) {
        if (a != b) {
          out.add(new Link(a, b));
        }
      }
    }
    return out;
  }

  /**
   * Makes exactly the given links cut (frozen) and every other link flow; returns once in force.
   *
   * @throws IllegalStateException if the network is closed or the selector does not answer in 10 s
   */
  public void setCut(Collection<Link> links) {
    Set<Link> next = Set.copyOf(links);
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(() -> {
      cut = next;
      for (Map.Entry<Link, ServerSocketChannel> e : listeners.entrySet()) {
        SelectionKey key = e.getValue().keyFor(selector);
        if (key != null && key.isValid()) {
          key.interestOps(next.contains(e.getKey()) ? 0 : SelectionKey.OP_ACCEPT);
        }
      }
      for (Pipe p : new ArrayList<>(pipes)) {
        p.updateInterest();
      }
      done.complete(null);
    });
    selector.wakeup();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while changing the network", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the peer network did not apply the cut", e);
    }
  }

  /** Lets every link flow again. */
  public void heal() {
    setCut(Set.of());
  }

  /** The links cut now. */
  public Set<Link> cut() {
    return cut;
  }

  /** Bytes forwarded so far on each link (both directions of the connections it carries). */
  public Map<Link, Long> bytesForwarded() {
    Map<Link, Long> out = new TreeMap<>((a, b) -> a.from() != b.from() ? a.from() - b.from() : a.to() - b.to());
    bytes.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Connections accepted so far on each link. */
  public Map<Link, Long> connectionsAccepted() {
    Map<Link, Long> out = new TreeMap<>((a, b) -> a.from() != b.from() ? a.from() - b.from() : a.to() - b.to());
    accepted.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
  }

  private void closeQuietly() {
    for (ServerSocketChannel ssc : listeners.values()) {
      try {
        ssc.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    for (Pipe p : new ArrayList<>(pipes)) {
      p.close();
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private void loop() {
    while (running) {
      try {
        selector.select(500);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          handle(key);
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          System.err.println("peer-network: " + e);
        }
      }
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.attachment() instanceof Link link) {
      if (key.isAcceptable()) {
        accept(link, (ServerSocketChannel) key.channel());
      }
      return;
    }
    Pipe pipe = ((Side) key.attachment()).pipe;
    try {
      pipe.handle(key);
    } catch (IOException e) {
      pipe.close();
    }
  }

  private void accept(Link link, ServerSocketChannel ssc) {
    SocketChannel down = null;
    try {
      down = ssc.accept();
      if (down == null) {
        return;
      }
      accepted.get(link).incrementAndGet();
      down.configureBlocking(false);
      down.setOption(StandardSocketOptions.TCP_NODELAY, true);
      SocketChannel up = SocketChannel.open();
      up.configureBlocking(false);
      up.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean connected = up.connect(new InetSocketAddress("127.0.0.1", peerPorts.get(link.to())));
      Pipe pipe = new Pipe(link, down, up, connected);
      pipes.add(pipe);
      pipe.updateInterest();
    } catch (IOException e) {
      if (down != null) {
        try {
          down.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
  }

  /** One end of a pipe, attached to its selection key. */
  private record Side(Pipe pipe, boolean up) {}

  /** One proxied connection: {@code down} was accepted from the dialling node, {@code up} goes to the target. */
  private final class Pipe {
    final Link link;
    final SocketChannel down;
    final SocketChannel up;
    final SelectionKey downKey;
    final SelectionKey upKey;
    /** Bytes from down to up, and from up to down; both kept in fill mode. */
    final ByteBuffer toUp = ByteBuffer.allocate(BUFFER_BYTES);
    final ByteBuffer toDown = ByteBuffer.allocate(BUFFER_BYTES);
    boolean upConnected;
    boolean downEof;
    boolean upEof;
    boolean upShut;
    boolean downShut;
    boolean closed;

    Pipe(Link link, SocketChannel down, SocketChannel up, boolean upConnected) throws IOException {
      this.link = link;
      this.down = down;
      this.up = up;
      this.upConnected = upConnected;
      this.downKey = down.register(selector, 0, new Side(this, false));
      this.upKey = up.register(selector, 0, new Side(this, true));
    }

    void handle(SelectionKey key) throws IOException {
      boolean isUp = ((Side) key.attachment()).up();
      if (isUp && key.isConnectable()) {
        up.finishConnect();
        upConnected = true;
      }
      if (cut.contains(link)) {
        updateInterest();
        return;
      }
      if (key.isValid() && key.isReadable()) {
        if (isUp) {
          int n = up.read(toDown);
          if (n < 0) {
            upEof = true;
          } else {
            bytes.get(link).addAndGet(n);
          }
        } else {
          int n = down.read(toUp);
          if (n < 0) {
            downEof = true;
          } else {
            bytes.get(link).addAndGet(n);
          }
        }
      }
      if (key.isValid() && key.isWritable()) {
        if (isUp) {
          drain(toUp, up);
        } else {
          drain(toDown, down);
        }
      }
      // opportunistic writes: data just read can often go out at once
      if (upConnected && toUp.position() > 0) {
        drain(toUp, up);
      }
      if (toDown.position() > 0) {
        drain(toDown, down);
      }
      if (downEof && toUp.position() == 0 && upConnected && !upShut) {
        up.shutdownOutput();
        upShut = true;
      }
      if (upEof && toDown.position() == 0 && !downShut) {
        down.shutdownOutput();
        downShut = true;
      }
      if (upShut && downShut) {
        close();
        return;
      }
      updateInterest();
    }

    private void drain(ByteBuffer buffer, SocketChannel channel) throws IOException {
      buffer.flip();
      try {
        channel.write(buffer);
      } finally {
        buffer.compact();
      }
    }

    void updateInterest() {
      if (closed || !downKey.isValid() || !upKey.isValid()) {
        return;
      }
      if (cut.contains(link)) {
        downKey.interestOps(0);
        upKey.interestOps(upConnected ? 0 : SelectionKey.OP_CONNECT);
        return;
      }
      int downOps = 0;
      if (!downEof && toUp.hasRemaining()) {
        downOps |= SelectionKey.OP_READ;
      }
      if (toDown.position() > 0) {
        downOps |= SelectionKey.OP_WRITE;
      }
      int upOps;
      if (!upConnected) {
        upOps = SelectionKey.OP_CONNECT;
      } else {
        upOps = 0;
        if (!upEof && toDown.hasRemaining()) {
          upOps |= SelectionKey.OP_READ;
        }
        if (toUp.position() > 0) {
          upOps |= SelectionKey.OP_WRITE;
        }
      }
      downKey.interestOps(downOps);
      upKey.interestOps(upOps);
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      pipes.remove(this);
      for (SocketChannel ch : List.of(down, up)) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(link) * 31 + System.identityHashCode(this);
    }
  }
}
