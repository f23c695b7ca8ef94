package io.caravel.jepsen.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PeerNetworkTest {

  private ServerSocket echo;
  private PeerNetwork network;
  private Thread echoThread;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket();
    echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    echoThread = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread t = new Thread(() -> {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
              byte[] buf = new byte[1024];
              int n;
              while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
              }
            } catch (IOException ignored) {
              // closed
            }
          });
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    echoThread.setDaemon(true);
    echoThread.start();
    // node 2 is the echo server; node 1's port is never dialled in this test
    int unused;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = s.getLocalPort();
    }
    network = new PeerNetwork(Map.of(1, unused, 2, echo.getLocalPort()));
  }

  @AfterEach
  void stop() throws IOException {
    network.close();
    echo.close();
  }

  private Socket dial() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(PeerNetwork.listenHost(new Link(1, 2)), echo.getLocalPort()), 2000);
    s.setSoTimeout(700);
    return s;
  }

  private static String exchange(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
    byte[] buf = new byte[text.length()];
    int got = 0;
    while (got < buf.length) {
      int n = s.getInputStream().read(buf, got, buf.length - got);
      if (n < 0) {
        throw new IOException("closed");
      }
      got += n;
    }
    return new String(buf, StandardCharsets.UTF_8);
  }

  @Test
  void forwardsThroughThePerLinkAddress() throws IOException {
    try (Socket s = dial()) {
      assertThat(exchange(s, "hello")).isEqualTo("hello");
    }
    assertThat(network.bytesForwarded().get(new Link(1, 2))).isEqualTo(10L);
    assertThat(network.connectionsAccepted().get(new Link(1, 2))).isEqualTo(1L);
  }

  @Test
  void aCutFreezesEstablishedAndNewConnectionsUntilHealed() throws IOException {
    try (Socket s = dial()) {
      assertThat(exchange(s, "before")).isEqualTo("before");
      network.setCut(Set.of(new Link(1, 2), new Link(2, 1)));
      assertThat(network.cut()).hasSize(2);
      s.getOutputStream().write("during".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      long bytesAtCut = network.bytesForwarded().get(new Link(1, 2));
      boolean timedOut = false;
      try {
        s.getInputStream().read();
      } catch (SocketTimeoutException e) {
        timedOut = true;
      }
      assertThat(timedOut).as("no byte crosses a cut link").isTrue();
      // a connection opened during the cut is not served either
      try (Socket late = dial()) {
        late.getOutputStream().write('x');
        boolean lateTimedOut = false;
        try {
          late.getInputStream().read();
        } catch (SocketTimeoutException e) {
          lateTimedOut = true;
        }
        assertThat(lateTimedOut).isTrue();
      }
      assertThat(network.bytesForwarded().get(new Link(1, 2))).isEqualTo(bytesAtCut);
      network.heal();
      // frozen, not dropped: the bytes sent during the cut arrive after the heal
      s.setSoTimeout(5000);
      byte[] buf = new byte[6];
      int got = 0;
      while (got < 6) {
        got += s.getInputStream().read(buf, got, 6 - got);
      }
      assertThat(new String(buf, StandardCharsets.UTF_8)).isEqualTo("during");
      assertThat(exchange(s, "after")).isEqualTo("after");
    }
  }

  @Test
  void cuttingAnotherLinkLeavesThisOneFlowing() throws IOException {
    network.setCut(Set.of(new Link(2, 1)));
    try (Socket s = dial()) {
      assertThat(exchange(s, "free")).isEqualTo("free");
    }
  }

  @Test
  void allLinksAreBothDirectionsOfEveryPair() {
    assertThat(PeerNetwork.allLinks(java.util.List.of(1, 2, 3))).hasSize(6).contains(new Link(3, 1), new Link(1, 3));
  }
}
