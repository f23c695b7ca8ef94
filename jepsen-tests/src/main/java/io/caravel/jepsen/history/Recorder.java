package io.caravel.jepsen.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a history as it happens, in Jepsen's op model, and writes it as {@code history.edn} (one
 * EDN map per line, readable by {@link HistoryParser} and by Jepsen's tools).
 *
 * <p>Every event gets its index and its time (nanoseconds since this recorder was made, from {@link
 * System#nanoTime()}) under one lock, together with its position in the file, so the order of the
 * lines is the real-time order the checkers rely on and times never decrease along the file. A
 * client records {@code invoke} <em>before</em> it sends a request and the completion <em>after</em>
 * the answer (or the timeout), so every operation's real effect lies inside its recorded interval.
 *
 * <p>Thread-safe.
 */
public final class Recorder implements Closeable {

  private final long origin = System.nanoTime();
  private final BufferedWriter out;
  private final List<Event> events = new ArrayList<>();

  /** Records into {@code file} (created or truncated). */
  public Recorder(Path file) throws IOException {
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /** Nanoseconds since the origin. */
  public long now() {
    return System.nanoTime() - origin;
  }

  /** Records the invocation of an operation by client {@code process}. */
  public Event invoke(long process, String f, Object key, Object value, String node) {
    return append(process, "invoke", f, key, value, null, node);
  }

  /** Records an operation's completion: {@code ok}, {@code fail} or {@code info}. */
  public Event complete(long process, Outcome outcome, String f, Object key, Object value, String error, String node) {
    String type = switch (outcome) {
      case OK -> "ok";
      case FAIL -> "fail";
      case INFO -> "info";
    };
    return append(process, type, f, key, value, error, node);
  }

  /** Records a fault event ({@code :process :nemesis, :type :info}). */
  public Event nemesis(String f, Object value) {
    return append(Event.NEMESIS, "info", f, null, value, null, null);
  }

  private synchronized Event append(Object process, String type, String f, Object key, Object value,
      String error, String node) {
    Event e = new Event(events.size(), now(), process, type, f, key, value, error, node);
    events.add(e);
    try {
      out.write(e.toEdn());
      out.write('\n');
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write the history", ex);
    }
    return e;
  }

  /** A copy of the events so far. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Flushes the file. */
  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
