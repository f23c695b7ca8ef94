package io.caravel.jepsen.run;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * jetcd clients as the workloads use them, and the classification of their errors into Jepsen
 * outcomes.
 *
 * <p>jetcd retries a request only when it is safe: reads (Range) on {@code UNAVAILABLE}, and writes
 * (Put, Txn, DeleteRange) only when their {@code autoRetry} option is set, which the workloads never
 * set (jetcd's {@code Errors.isRetryableForNoSafeRedoOp}); so no write is ever resent behind the
 * history's back (the client-side retry that made etcd issue #14890 look like lost updates). Each
 * request is bounded by the caller's timeout ({@link #await}).
 */
public final class Clients {

  private Clients() {}

  /** A client pinned to one endpoint, failing fast when the node is unreachable. */
  public static Client open(String endpoint, Duration opTimeout) {
    return Client.builder()
        .endpoints(endpoint)
        .connectTimeout(Duration.ofSeconds(2))
        .waitForReady(false)
        .retryMaxAttempts(2)
        .retryDelay(50)
        .retryMaxDelay(200)
        .retryChronoUnit(java.time.temporal.ChronoUnit.MILLIS)
        .retryMaxDuration(opTimeout)
        .keepaliveTime(Duration.ofSeconds(5))
        .keepaliveTimeout(Duration.ofSeconds(3))
        .build();
  }

  /** UTF-8 bytes. */
  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** UTF-8 text. */
  public static String text(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /**
   * Waits for a request's result.
   *
   * @throws ClientError for every failure, classified
   */
  public static <T> T await(CompletableFuture<T> future, Duration timeout) throws InterruptedException, ClientError {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ClientError(false, "timeout");
    } catch (ExecutionException | CompletionException e) {
      throw classify(e.getCause() == null ? e : e.getCause());
    } catch (CancellationException e) {
      throw new ClientError(false, "cancelled");
    } catch (RuntimeException e) {
      throw classify(e);
    }
  }

  /**
   * Classifies a client failure: definite (the request certainly had no effect) or indefinite.
   *
   * <p>Definite only when the server rejected the request as invalid (INVALID_ARGUMENT,
   * OUT_OF_RANGE, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED) or when the connection was
   * refused before anything was sent. Everything else, notably UNAVAILABLE ("no leader", "request
   * timed out", "leader changed"), DEADLINE_EXCEEDED and resets, is indefinite: the request may have
   * been proposed and may still commit.
   */
  public static ClientError classify(Throwable t) {
    String code = null;
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return new ClientError(true, "connection refused");
      }
      if (code == null && c instanceof EtcdException ee) {
        code = ee.getErrorCode().name();
        message = ee.getMessage();
      }
      if (code == null && c instanceof StatusRuntimeException sre) {
        code = sre.getStatus().getCode().name();
        message = sre.getStatus().getDescription();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    String text = message != null ? message : String.valueOf(t.getMessage());
    if (text.toLowerCase(Locale.ROOT).contains("connection refused")) {
      return new ClientError(true, "connection refused");
    }
    boolean definite = code != null && switch (code) {
      case "INVALID_ARGUMENT", "OUT_OF_RANGE", "PERMISSION_DENIED", "UNAUTHENTICATED", "UNIMPLEMENTED" -> true;
      default -> false;
    };
    String description = (code == null ? t.getClass().getSimpleName() : code) + ": " + text;
    return new ClientError(definite, description.length() > 200 ? description.substring(0, 200) : description);
  }

  /** A classified client failure. */
  public static final class ClientError extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean definite;

    ClientError(boolean definite, String message) {
      super(message, null, false, false);
      this.definite = definite;
    }

    /** Whether the request certainly had no effect. */
    public boolean definite() {
      return definite;
    }
  }
}
