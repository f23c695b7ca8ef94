package io.caravel.jepsen.history;

import io.caravel.jepsen.edn.Edn;
import io.caravel.jepsen.edn.Keyword;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recorded history event (one line of {@code history.edn}), as written by {@link Recorder}.
 *
 * @param index 0-based position in the history (line {@code index + 1} of the file)
 * @param time nanoseconds since the run's origin, from one monotonic clock
 * @param process the client process ({@code Long}), or {@link #NEMESIS} for fault events
 * @param type {@code invoke}, {@code ok}, {@code fail} or {@code info}
 * @param f the operation, e.g. {@code write}
 * @param key the key, or {@code null}
 * @param value the value (EDN-printable: {@code Long}, {@code String}, {@code List}, {@code Map},
 *     {@code Keyword}, {@code Boolean} or {@code null})
 * @param error an error description for failed or indeterminate operations, else {@code null}
 * @param node the node the client talked to, or {@code null}
 */
public record Event(int index, long time, Object process, String type, String f, Object key, Object value,
    String error, String node) {

  /** The process of nemesis events. */
  public static final Keyword NEMESIS = Keyword.of("nemesis");

  /** Whether this is a client event (its process is a number). */
  public boolean isClient() {
    return process instanceof Long;
  }

  /** The event as an EDN map on one line, keys in Jepsen's usual order. */
  public String toEdn() {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    m.put(Keyword.of("index"), (long) index);
    m.put(Keyword.of("time"), time);
    m.put(Keyword.of("type"), Keyword.of(type));
    m.put(Keyword.of("process"), process);
    m.put(Keyword.of("f"), Keyword.of(f));
    if (key != null) {
      m.put(Keyword.of("key"), key);
    }
    m.put(Keyword.of("value"), value);
    if (error != null) {
      m.put(Keyword.of("error"), error);
    }
    if (node != null) {
      m.put(Keyword.of("node"), node);
    }
    return Edn.print(m);
  }
}
