package io.caravel.jepsen;

import java.util.List;
import java.util.Objects;

/**
 * Walks a command line in the forms every launcher here accepts: {@code --name value}, {@code --name=value},
 * a bare flag {@code --name}, and bare words. One pass, front to back: {@link #next()} moves to the next
 * argument, {@link #name()} is its flag name (the part before the first '=' of a {@code --name=value}, else
 * the whole argument), and {@link #value()} is the flag's value, taking the following argument when none
 * was given inline. Not thread-safe.
 */
public final class CommandLine {
  private final List<String> args;
  private int index;
  private String arg;
  private String name;
  private String inline;

  /** A walk over {@code args} from {@code start} (0 for the first argument). */
  public CommandLine(List<String> args, int start) {
    this.args = Objects.requireNonNull(args, "args == null");
    this.index = start - 1;
  }

  /** Moves to the next argument; false when there is none. */
  public boolean next() {
    if (index + 1 >= args.size()) {
      return false;
    }
    arg = args.get(++index);
    int eq = arg.indexOf('=');
    if (arg.startsWith("--") && eq > 0) {
      name = arg.substring(0, eq);
      inline = arg.substring(eq + 1);
    } else {
      name = arg;
      inline = null;
    }
    return true;
  }

  /** The current argument as given. */
  public String arg() {
    return arg;
  }

  /** The current argument's flag name ({@code --name} of {@code --name=value}), or the argument itself. */
  public String name() {
    return name;
  }

  /**
   * The current flag's value: the inline one of {@code --name=value}, else the following argument, which the
   * walk then skips.
   *
   * @throws IllegalArgumentException "NAME needs a value" when there is neither
   */
  public String value() {
    if (inline != null) {
      return inline;
    }
    if (index + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args.get(++index);
  }
}
