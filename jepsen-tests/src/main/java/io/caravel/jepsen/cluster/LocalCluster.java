package io.caravel.jepsen.cluster;

import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.StatusResponse;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of Caravel or etcd nodes running as separate local processes, with the controls the
 * nemeses need: kill -9 and restart, SIGSTOP/SIGCONT, a cuttable peer network ({@link
 * PeerNetwork}), membership changes and leader transfer.
 *
 * <h2>Layout</h2>
 * Node {@code i} (1-based) is named {@code ni}; it serves clients on {@code 127.0.0.1:<client
 * port>} and listens for peers on {@code 127.0.0.1:<peer port>}. Its advertised peer URL is {@code
 * http://ni:<peer port>} in every node's {@code --initial-cluster}, so all nodes agree on member ids
 * and on the replicated configuration. What {@code nj} resolves to differs per node: in node {@code
 * i}'s own resolver, {@code ni} is {@code 127.0.0.1} and {@code nj} is {@code 127.0.i.j}, the
 * proxy of link {@code i->j}. For Caravel the resolver is the JVM's {@code -Djdk.net.hosts.file};
 * etcd (Go) reads {@code /etc/hosts}, so each etcd process runs in a private mount namespace
 * ({@code unshare --mount}, or {@code unshare --user --map-root-user --mount} without root) with its
 * own file bound over {@code /etc/hosts}. If neither works, etcd runs with plain {@code 127.0.0.1}
 * peer URLs and partitions are unavailable ({@link #partitionsSupported()}).
 *
 * <h2>Threads</h2>
 * Control methods may be called from several threads (the nemesis, the runner's final heal); each
 * node's state changes under that node's lock.
 */
public final class LocalCluster implements Closeable {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);

  private final ClusterOptions options;
  private final Path nodesDir;
  private final String token;
  private final Map<Integer, Node> nodes = new LinkedHashMap<>();
  private final Map<Integer, Admin> admins = new ConcurrentHashMap<>();
  private String classpath;
  private List<String> etcdWrapper;
  private PeerNetwork network;
  private boolean hostNames;
  private String buildDescription = "";

  /** Lays out (but does not start) a cluster. */
  public LocalCluster(ClusterOptions options) {
    this.options = options;
    this.nodesDir = options.dir().resolve("nodes");
    this.token = "jepsen-" + Long.toHexString(System.nanoTime());
    for (int i = 1; i <= options.nodes(); i++) {
      nodes.put(i, new Node(i, freePort(), freePort()));
    }
  }

  /** The options the cluster was made with. */
  public ClusterOptions options() {
    return options;
  }

  /** The node numbers, 1..n. */
  public List<Integer> nodeIds() {
    return List.copyOf(nodes.keySet());
  }

  /** Node {@code i}. */
  public Node node(int i) {
    Node n = nodes.get(i);
    if (n == null) {
      throw new IllegalArgumentException("no node " + i);
    }
    return n;
  }

  /** The client endpoint of node {@code i}, e.g. {@code http://127.0.0.1:23791}. */
  public String clientEndpoint(int i) {
    return "http://127.0.0.1:" + node(i).clientPort;
  }

  /** Whether the peer network can be cut (see the class comment). */
  public boolean partitionsSupported() {
    return network != null;
  }

  /** The peer network, if partitions are supported. */
  public Optional<PeerNetwork> network() {
    return Optional.ofNullable(network);
  }

  /** How peers reach each other, for reports. */
  public String networkDescription() {
    if (network == null) {
      return "direct 127.0.0.1 peer URLs (no proxies: partitions unavailable)";
    }
    return "per-link TCP proxies 127.0.i.j -> 127.0.0.1, peers resolved per node ("
        + (options.db() == Db.CARAVEL ? "jdk.net.hosts.file" : "private /etc/hosts via " + String.join(" ", etcdWrapper))
        + ")";
  }

  /** Which server build runs (Caravel: git commit, tree state, private copy), for reports. */
  public String buildDescription() {
    return options.db() == Db.CARAVEL ? buildDescription : etcdVersion();
  }

  private static String describeBuild(Path home, String classpath) {
    String head = git(home, "rev-parse", "--short", "HEAD");
    String dirty = git(home, "status", "--porcelain", "--", "store", "watch", "raft", "server", "pom.xml");
    return "git " + head + (dirty.isBlank() ? "" : " + uncommitted changes in store/watch/raft/server")
        + ", copy " + Path.of(classpath.split(java.io.File.pathSeparator)[0]).getParent().getFileName();
  }

  private static String etcdVersion() {
    String v = run(List.of("etcd", "--version"));
    return v.lines().findFirst().orElse("etcd");
  }

  private static String git(Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", home.toString()));
    cmd.addAll(List.of(args));
    return run(cmd).trim();
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  // ---- start ---------------------------------------------------------------------------------

  /**
   * Prepares binaries, host files and the peer network, starts every node as a new cluster, and
   * waits until each serves a linearizable read.
   *
   * @throws IOException if something cannot be prepared or the cluster does not come up in time
   */
  public void start() throws IOException {
    Files.createDirectories(nodesDir);
    if (options.db() == Db.CARAVEL) {
      Path home = options.caravelHome();
      classpath = CaravelDist.prepare(home, home.resolve("jepsen-tests").resolve("target").resolve("caravel-dist"),
          options.dir().resolve("build.log"), options.buildServer());
      buildDescription = describeBuild(home, classpath);
      hostNames = options.peerProxies();
    } else {
      etcdWrapper = options.peerProxies() ? probeEtcdWrapper() : null;
      hostNames = etcdWrapper != null;
      if (!hostNames) {
        etcdWrapper = List.of();
      }
    }
    if (hostNames) {
      Map<Integer, Integer> peerPorts = new HashMap<>();
      nodes.forEach((i, n) -> peerPorts.put(i, n.peerPort));
      network = new PeerNetwork(peerPorts);
      for (Node n : nodes.values()) {
        writeHostsFile(n);
      }
    }
    String initialCluster = initialCluster(nodes.values().stream().map(n -> n.index).toList());
    for (Node n : nodes.values()) {
      n.member = true;
      n.start(initialCluster, "new");
    }
    awaitReady(options.startTimeout());
    for (Node n : nodes.values()) {
      n.memberId = admin(n.index).status(ADMIN_TIMEOUT).getHeader().getMemberId();
    }
  }

  /**
   * Waits until every running, unpaused member serves a linearizable read.
   *
   * @throws IOException if that does not happen within {@code timeout}
   */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastProblem = "";
    while (System.nanoTime() < deadline) {
      lastProblem = "";
      for (Node n : nodes.values()) {
        if (!n.member || !n.isRunning() || n.paused) {
          continue;
        }
        if (!n.process.isAlive()) {
          lastProblem = n.name + " exited with " + n.process.exitValue() + " (see " + n.log + ")";
          break;
        }
        try {
          admin(n.index).read("jepsen/ready", ADMIN_TIMEOUT);
        } catch (RuntimeException e) {
          lastProblem = n.name + ": " + e.getMessage();
          break;
        }
      }
      if (lastProblem.isEmpty()) {
        return;
      }
      sleep(500);
    }
    throw new IOException("the cluster did not serve reads within " + timeout.toSeconds() + " s: " + lastProblem);
  }

  private List<String> probeEtcdWrapper() {
    List<List<String>> candidates = List.of(
        List.of("unshare", "--mount", "--propagation", "private"),
        List.of("unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"));
    for (List<String> c : candidates) {
      List<String> cmd = new ArrayList<>(c);
      cmd.addAll(List.of("sh", "-c", "mount --bind /etc/hostname /etc/hosts && true"));
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return c;
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void writeHostsFile(Node n) throws IOException {
    StringBuilder sb = new StringBuilder("# peer names as node ").append(n.name).append(" resolves them\n");
    sb.append("127.0.0.1 localhost\n");
    for (Node peer : nodes.values()) {
      String address = peer == n ? "127.0.0.1" : PeerNetwork.listenHost(new Link(n.index, peer.index));
      sb.append(address).append(' ').append(peer.name).append('\n');
    }
    Files.writeString(n.hostsFile, sb.toString(), StandardCharsets.UTF_8);
  }

  /** {@code --initial-cluster} for the given members. */
  public String initialCluster(List<Integer> members) {
    return members.stream().sorted().map(i -> node(i).name + "=" + node(i).peerUrl()).collect(Collectors.joining(","));
  }

  // ---- process faults ------------------------------------------------------------------------

  /** kill -9 node {@code i} (a paused node is killed too) and waits until it is gone. */
  public void kill(int i) {
    node(i).kill();
  }

  /** Restarts a killed member with the flags of its last start, from its data directory. */
  public void restart(int i) throws IOException {
    node(i).restart();
  }

  /** SIGSTOP. */
  public void pause(int i) {
    node(i).signal("STOP");
  }

  /** SIGCONT. */
  public void resume(int i) {
    node(i).signal("CONT");
  }

  /** Cuts exactly the given links (and heals every other); see {@link PeerNetwork#setCut}. */
  public void cut(Set<Link> links) {
    if (network == null) {
      throw new UnsupportedOperationException("partitions need the peer proxies: " + networkDescription());
    }
    network.setCut(links);
  }

  /** Lets all links flow. */
  public void healNetwork() {
    if (network != null) {
      network.heal();
    }
  }

  /** Resumes paused nodes, restarts killed members and heals the network. */
  public void healAll() throws IOException {
    healNetwork();
    for (Node n : nodes.values()) {
      if (n.paused) {
        n.signal("CONT");
      }
    }
    for (Node n : nodes.values()) {
      if (n.member && !n.isRunning()) {
        n.restart();
      }
    }
  }

  // ---- queries ---------------------------------------------------------------------------------

  /**
   * The leader, as reported by the running, unpaused members (the answer most of them give).
   *
   * @return the leader's node number, or empty if no member reports one
   */
  public OptionalInt leader() {
    Map<Long, Integer> votes = new HashMap<>();
    for (Node n : nodes.values()) {
      if (!n.member || !n.isRunning() || n.paused) {
        continue;
      }
      try {
        StatusResponse s = admin(n.index).status(Duration.ofSeconds(1));
        if (s.getLeader() != 0) {
          votes.merge(s.getLeader(), 1, Integer::sum);
        }
      } catch (RuntimeException e) {
        // unreachable members do not vote
      }
    }
    Optional<Long> id = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    if (id.isEmpty()) {
      return OptionalInt.empty();
    }
    Optional<Integer> node = byMemberId(id.get());
    if (node.isEmpty()) {
      // a member whose id the harness has not learnt yet (etcd gives re-added members new ids)
      for (Node n : nodes.values()) {
        if (n.member && n.memberId == 0 && n.isRunning() && !n.paused) {
          try {
            n.memberId = admin(n.index).status(Duration.ofSeconds(1)).getHeader().getMemberId();
          } catch (RuntimeException e) {
            // not up yet
          }
        }
      }
      node = byMemberId(id.get());
    }
    return node.map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  /** The node whose member id is {@code id}, if known. */
  public Optional<Integer> byMemberId(long id) {
    return nodes.values().stream().filter(n -> n.memberId == id).map(n -> n.index).findFirst();
  }

  /**
   * The members as the leader reports them (else as some running member does); empty if none
   * answers. The leader first: a node that never really joined may answer from its own idea of the
   * cluster.
   */
  public List<Member> members() {
    OptionalInt leader = leader();
    if (leader.isPresent()) {
      try {
        return admin(leader.getAsInt()).members(ADMIN_TIMEOUT);
      } catch (RuntimeException e) {
        // ask the others
      }
    }
    for (Node n : nodes.values()) {
      if (!n.member || !n.isRunning() || n.paused) {
        continue;
      }
      try {
        return admin(n.index).members(ADMIN_TIMEOUT);
      } catch (RuntimeException e) {
        // ask the next one
      }
    }
    return List.of();
  }

  /** The numbers of the nodes that are members (as the harness tracks them). */
  public List<Integer> memberNodes() {
    return nodes.values().stream().filter(n -> n.member).map(n -> n.index).toList();
  }

  /** The administrative connection to node {@code i}. */
  public Admin admin(int i) {
    return admins.computeIfAbsent(i, k -> new Admin(node(k).clientPort));
  }

  // ---- membership ------------------------------------------------------------------------------

  /**
   * Removes node {@code i} from the cluster (asking another member), then kills it and wipes its
   * data directory, as a removed member must never come back with its old state (etcd's and
   * Jepsen's rule).
   *
   * @throws IllegalStateException if no other member accepted the removal
   */
  public void removeMember(int i) throws IOException {
    Node target = node(i);
    RuntimeException last = null;
    for (Node n : nodes.values()) {
      if (n == target || !n.member || !n.isRunning() || n.paused) {
        continue;
      }
      try {
        admin(n.index).removeMember(target.memberId, Duration.ofSeconds(10));
        last = null;
        break;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    if (last != null) {
      throw new IllegalStateException("member remove of " + target.name + " failed: " + last.getMessage(), last);
    }
    target.member = false;
    target.memberId = 0; // etcd gives a re-added member a new id
    target.kill();
    target.wipe();
  }

  /**
   * Marks node {@code i} as no longer a member without asking the cluster (which no longer lists
   * it), then kills it and wipes its data directory.
   */
  public void forgetMember(int i) {
    Node target = node(i);
    target.member = false;
    target.memberId = 0;
    target.kill();
    target.wipe();
  }

  /**
   * Adds node {@code i} (not currently a member) as a voter or learner through another member, then
   * starts it with {@code --initial-cluster-state existing} and an empty data directory.
   */
  public void addMember(int i, boolean learner) throws IOException {
    Node target = node(i);
    if (target.member) {
      throw new IllegalStateException(target.name + " is already a member");
    }
    List<Integer> members = new ArrayList<>(memberNodes());
    RuntimeException last = null;
    boolean added = false;
    for (int m : members) {
      Node n = node(m);
      if (!n.isRunning() || n.paused) {
        continue;
      }
      try {
        admin(m).addMember(target.peerUrl(), learner, Duration.ofSeconds(10));
        added = true;
        break;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    if (!added) {
      throw new IllegalStateException("member add of " + target.name + " failed: "
          + (last == null ? "no member running" : last.getMessage()), last);
    }
    target.member = true;
    members.add(i);
    target.wipe();
    target.start(initialCluster(members), "existing");
  }

  /** Learns the member id of node {@code i} from its own status (after it joined). */
  public boolean refreshMemberId(int i) {
    try {
      node(i).memberId = admin(i).status(ADMIN_TIMEOUT).getHeader().getMemberId();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Promotes learner node {@code i} through the leader (or any member that accepts it). */
  public void promote(int i) {
    long id = memberIdOf(i);
    RuntimeException last = null;
    for (int m : memberNodes()) {
      if (m == i || !node(m).isRunning() || node(m).paused) {
        continue;
      }
      try {
        admin(m).promoteMember(id, Duration.ofSeconds(10));
        return;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("promote of " + node(i).name + " failed: "
        + (last == null ? "no member running" : last.getMessage()), last);
  }

  /** Asks the current leader to hand leadership to node {@code to}. */
  public void moveLeader(int to) {
    int leader = leader().orElseThrow(() -> new IllegalStateException("no leader"));
    admin(leader).moveLeader(memberIdOf(to), Duration.ofSeconds(10));
  }

  /** The member id of node {@code i}, from the cluster's member list when the harness lacks it. */
  public long memberIdOf(int i) {
    Node n = node(i);
    if (n.memberId != 0) {
      return n.memberId;
    }
    for (Member m : members()) {
      if (m.getPeerURLsList().contains(n.peerUrl())) {
        n.memberId = m.getID();
        return n.memberId;
      }
    }
    throw new IllegalStateException("member id of " + n.name + " unknown");
  }

  // ---- shutdown ------------------------------------------------------------------------------

  @Override
  public void close() {
    for (Node n : nodes.values()) {
      try {
        if (n.paused) {
          n.signal("CONT");
        }
      } catch (RuntimeException ignored) {
        // best effort
      }
      n.kill();
    }
    admins.values().forEach(Admin::close);
    admins.clear();
    if (network != null) {
      network.close();
    }
  }

  /** Deletes the nodes' data directories (logs stay). */
  public void deleteData() {
    for (Node n : nodes.values()) {
      n.wipe();
    }
  }

  private static int freePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = s.getLocalPort();
        if (port < 60000 && USED.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port");
  }

  private static final Set<Integer> USED = ConcurrentHashMap.newKeySet();

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** One node slot: its ports, files and (at most one) process. */
  public final class Node {
    final int index;
    final String name;
    final int clientPort;
    final int peerPort;
    final Path dataDir;
    final Path log;
    final Path hostsFile;
    private Process process;
    private volatile boolean paused;
    private volatile boolean member;
    private volatile long memberId;
    private String lastInitialCluster;
    private String lastState;
    private int starts;

    Node(int index, int clientPort, int peerPort) {
      this.index = index;
      this.name = "n" + index;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      this.dataDir = nodesDir.resolve(name + "-data");
      this.log = nodesDir.resolve(name + ".log");
      this.hostsFile = nodesDir.resolve(name + ".hosts");
    }

    /** The node's name, {@code n<index>}. */
    public String name() {
      return name;
    }

    /** The 1-based node number. */
    public int index() {
      return index;
    }

    /** The advertised peer URL (a host name when the peer proxies are in use). */
    public String peerUrl() {
      return "http://" + (hostNames ? name : "127.0.0.1") + ":" + peerPort;
    }

    /** The client port on 127.0.0.1. */
    public int clientPort() {
      return clientPort;
    }

    /** The node's log file. */
    public Path log() {
      return log;
    }

    /** Whether the node's process is running (possibly paused). */
    public synchronized boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** Whether the node is paused (SIGSTOP). */
    public boolean isPaused() {
      return paused;
    }

    /** Whether the harness counts the node as a cluster member. */
    public boolean isMember() {
      return member;
    }

    /** The OS process id, or -1 when not running. */
    public synchronized long pid() {
      return isRunning() ? process.pid() : -1;
    }

    synchronized void start(String initialCluster, String state) throws IOException {
      if (isRunning()) {
        throw new IllegalStateException(name + " is running");
      }
      lastInitialCluster = initialCluster;
      lastState = state;
      List<String> cmd = command(initialCluster, state);
      starts++;
      Files.writeString(log, "==== " + Instant.now() + " start " + starts + ": " + String.join(" ", cmd) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      paused = false;
      process = pb.start();
    }

    synchronized void restart() throws IOException {
      if (lastInitialCluster == null) {
        throw new IllegalStateException(name + " was never started");
      }
      start(lastInitialCluster, lastState);
    }

    synchronized void kill() {
      if (process == null) {
        return;
      }
      process.destroyForcibly();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException(name + " (pid " + process.pid() + ") survived kill -9");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      paused = false;
      note("killed (kill -9)");
    }

    synchronized void signal(String signal) {
      if (!isRunning()) {
        paused = false;
        return;
      }
      try {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      paused = signal.equals("STOP");
      note(paused ? "paused (SIGSTOP)" : "resumed (SIGCONT)");
    }

    synchronized void wipe() {
      if (isRunning()) {
        throw new IllegalStateException(name + " is running");
      }
      deleteTree(dataDir);
    }

    private void note(String what) {
      try {
        Files.writeString(log, "==== " + Instant.now() + " harness: " + name + " " + what + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException ignored) {
        // the note is only for humans
      }
    }

    private List<String> command(String initialCluster, String state) {
      List<String> cmd = new ArrayList<>();
      String clientUrl = "http://127.0.0.1:" + clientPort;
      List<String> flags = List.of("--name", name, "--data-dir", dataDir.toString(),
          "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
          "--listen-peer-urls", "http://127.0.0.1:" + peerPort, "--initial-advertise-peer-urls", peerUrl(),
          "--initial-cluster", initialCluster, "--initial-cluster-state", state,
          "--initial-cluster-token", token,
          "--election-timeout", Integer.toString(options.electionTimeoutMs()),
          "--heartbeat-interval", Integer.toString(Math.max(10, options.electionTimeoutMs() / 10)));
      if (options.db() == Db.CARAVEL) {
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options.nodeJvmOptions());
        cmd.add("-Djdk.net.hosts.file=" + hostsFile);
        cmd.addAll(options.extraJvmOptions());
        cmd.addAll(List.of("-cp", classpath, "io.caravel.server.Main", "server"));
        cmd.addAll(flags);
      } else {
        if (hostNames) {
          cmd.addAll(etcdWrapper);
          // sh execs etcd, so the process we hold (and signal) is etcd itself
          cmd.addAll(List.of("sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"", hostsFile.toString()));
        }
        cmd.add("etcd");
        cmd.addAll(flags);
        cmd.addAll(List.of("--logger", "zap", "--log-outputs", "stderr"));
      }
      return cmd;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
