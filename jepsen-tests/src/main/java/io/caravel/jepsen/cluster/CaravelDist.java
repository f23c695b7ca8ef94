package io.caravel.jepsen.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A private copy of the Caravel server's runtime classpath for one or more runs.
 *
 * <p>Nodes are restarted many times during a run; if they ran from {@code server/target} directly, a
 * concurrent {@code mvn package} (other engineers build in the same tree) could replace a jar under a
 * running or restarting node. So {@link #prepare} builds the server if needed (through {@code
 * ./caravel}, which rebuilds when sources changed), then copies the jar and {@code lib/} once into a
 * cache directory named after their names, sizes and modification times, and every node runs from
 * that copy.
 */
public final class CaravelDist {

  private CaravelDist() {}

  /**
   * Returns the classpath of a private copy of the server.
   *
   * @param caravelHome the repository root holding {@code ./caravel} and {@code server/}
   * @param cacheDir where copies are kept (one subdirectory per distinct build)
   * @param log where the build output goes
   * @param build whether to run {@code ./caravel} first, which rebuilds the server when a source is
   *     newer than the last build; without it the last build in {@code server/target} is used
   * @throws IOException if the build fails or produced no jar
   */
  public static String prepare(Path caravelHome, Path cacheDir, Path log, boolean build) throws IOException {
    Path script = caravelHome.resolve("caravel");
    if (build && Files.isExecutable(script)) {
      ProcessBuilder pb = new ProcessBuilder(script.toString(), "server", "--help")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process p = pb.start();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while building the server", e);
      }
    }
    Path target = caravelHome.resolve("server").resolve("target");
    Path jar = serverJar(target);
    Path lib = target.resolve("lib");
    if (jar == null || !Files.isDirectory(lib)) {
      throw new IOException("no server build in " + target + " (see " + log + ")");
    }
    List<Path> files = new ArrayList<>();
    files.add(jar);
    try (Stream<Path> s = Files.list(lib)) {
      s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(files::add);
    }
    String key = fingerprint(files);
    Path copy = cacheDir.resolve(key);
    if (!Files.isDirectory(copy)) {
      Path tmp = cacheDir.resolve(key + ".tmp-" + ProcessHandle.current().pid());
      Files.createDirectories(tmp.resolve("lib"));
      Files.copy(jar, tmp.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      for (Path f : files.subList(1, files.size())) {
        Files.copy(f, tmp.resolve("lib").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
      // a jar rewritten while it was copied shows up as a broken zip
      try (Stream<Path> s = Files.walk(tmp)) {
        for (Path f : s.filter(x -> x.toString().endsWith(".jar")).toList()) {
          try (ZipFile z = new ZipFile(f.toFile())) {
            z.size();
          }
        }
      }
      try {
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isDirectory(copy)) {
          throw e;
        }
      }
    }
    return copy.resolve(jar.getFileName()) + File.pathSeparator + copy.resolve("lib") + File.separator + "*";
  }

  private static Path serverJar(Path target) throws IOException {
    if (!Files.isDirectory(target)) {
      return null;
    }
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().matches("caravel-server-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar"))
          .findFirst().orElse(null);
    }
  }

  private static String fingerprint(List<Path> files) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path f : files) {
        md.update((f.getFileName() + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis() + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
