package dev.o2c.infra.cassandra;

import dev.o2c.infra.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Apache Cassandra node in a child JVM, started from the cassandra-all artifact the build
 * resolved (see config/cassandra/pom.xml), with its data kept under a directory of its own.
 *
 * <p>{@link #start} returns once the node answers on its CQL port; {@link #stop} shuts it down
 * cleanly (Cassandra drains on exit). If this JVM dies first, the node notices through
 * {@link CassandraMain} and exits on its own.
 */
public final class EmbeddedCassandra implements AutoCloseable, NodeSupervisor.Node {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);

  /** What Cassandra's own conf/jvm17-server.options opens and exports for Java 17. */
  private static final List<String> JAVA17_MODULE_FLAGS =
      List.of(
          "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.base/java.io=ALL-UNNAMED",
          "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "--add-opens", "java.base/java.util=ALL-UNNAMED",
          "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens", "java.base/java.net=ALL-UNNAMED",
          "--add-opens", "java.base/java.math=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private static final Duration POLL = Duration.ofMillis(250);

  private final EmbeddedCassandraSettings settings;
  private final String cassandraClasspath;
  private final FileChannel lockChannel;
  private final FileLock lock;
  // The node's current process: replaced when it is started again after dying.
  private volatile Process process;
  private volatile OutputStream parentPipe;
  private volatile boolean stopping;

  private EmbeddedCassandra(EmbeddedCassandraSettings settings, String cassandraClasspath, FileChannel lockChannel, FileLock lock) {
    this.settings = settings;
    this.cassandraClasspath = cassandraClasspath;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Starts the node and blocks (on the calling thread, never a Pekko dispatcher) until it answers
   * CQL, or fails with a message that says why: a port taken, a data directory in use by another
   * node, a missing classpath file, or the node's own last log lines.
   */
  public static EmbeddedCassandra start(EmbeddedCassandraSettings settings) {
    Ports.requireFree(
        List.of(
            new Ports.Need(
                "127.0.0.1",
                settings.cqlPort(),
                "CQL of the embedded Cassandra node",
                "o2c.cassandra.embedded.cql-port (env O2C_CASSANDRA_CQL_PORT)"),
            new Ports.Need(
                "127.0.0.1",
                settings.storagePort(),
                "storage (inter-node) port of the embedded Cassandra node",
                "o2c.cassandra.embedded.storage-port (env O2C_CASSANDRA_STORAGE_PORT)"),
            new Ports.Need(
                "127.0.0.1",
                settings.jmxPort(),
                "JMX of the embedded Cassandra node",
                "o2c.cassandra.embedded.jmx-port (env O2C_CASSANDRA_JMX_PORT)")));
    String cassandraClasspath = readClasspath(settings.classpathFile());
    Path dir = settings.dataDir();
    try {
      for (String sub : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw", "conf", "logs")) {
        Files.createDirectories(dir.resolve(sub));
      }
      FileChannel lockChannel =
          FileChannel.open(dir.resolve("o2c.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = lockChannel.tryLock();
      if (lock == null) {
        lockChannel.close();
        throw new IllegalStateException(
            "The Cassandra data directory "
                + dir
                + " is in use by another O2C server. Stop it, or choose another directory with "
                + "o2c.cassandra.embedded.data-dir (env O2C_CASSANDRA_DATA_DIR).");
      }
      Files.writeString(dir.resolve("conf/cassandra.yaml"), renderYaml(resource("/cassandra/cassandra.yaml"), settings));
      Files.writeString(dir.resolve("conf/logback.xml"), resource("/cassandra/logback.xml"));
      EmbeddedCassandra node = new EmbeddedCassandra(settings, cassandraClasspath, lockChannel, lock);
      try {
        node.launch();
      } catch (RuntimeException e) {
        node.stop();
        throw e;
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded Cassandra node in " + dir, e);
    }
  }

  /** Starts a process of the node and waits until it answers CQL. */
  private void launch() {
    Path dir = settings.dataDir();
    ProcessBuilder builder =
        new ProcessBuilder(command(settings, cassandraClasspath))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs/stdout.log").toFile()));
    log.info("Starting embedded Cassandra node: data in {}, CQL on {}", dir, settings.contactPoint());
    long started = System.nanoTime();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded Cassandra node in " + dir, e);
    }
    parentPipe = process.getOutputStream();
    awaitCql();
    log.info(
        "Embedded Cassandra node answers CQL on {} after {} ms (pid {})",
        settings.contactPoint(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        process.pid());
  }

  /**
   * Starts the node again after its process died (same data directory, ports and lock), and waits
   * until it answers CQL; a process that does not get there is killed before this throws.
   */
  @Override
  public synchronized void restart() {
    if (stopping) {
      throw new IllegalStateException("The embedded Cassandra node is being stopped");
    }
    if (process.isAlive()) {
      return;
    }
    try {
      launch();
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  @Override
  public int awaitExit() throws InterruptedException {
    Process current = process;
    return current.waitFor();
  }

  @Override
  public boolean stopping() {
    return stopping;
  }

  /** The contact point ("host:port") of this node's CQL listener. */
  public String contactPoint() {
    return settings.contactPoint();
  }

  /** The child JVM's process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Stops the node and waits for it: closing the pipe makes it exit through Cassandra's shutdown
   * hook, which drains; a node that outlives the stop timeout gets SIGTERM, then SIGKILL.
   */
  public void stop() {
    stopping = true;
    stopProcess();
  }

  private synchronized void stopProcess() {
    Process process = this.process;
    try {
      if (process == null) {
        return;
      }
      if (process.isAlive()) {
        log.info("Stopping embedded Cassandra node (pid {})", process.pid());
        try {
          parentPipe.close();
        } catch (IOException e) {
          log.debug("Closing the embedded node's pipe failed; falling back to a signal", e);
        }
        if (!process.waitFor(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("Embedded Cassandra node did not stop within {}; sending SIGTERM", settings.stopTimeout());
          process.destroy();
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
        log.info("Embedded Cassandra node stopped");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      releaseLock();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void releaseLock() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      log.debug("Releasing the data directory lock failed", e);
    }
  }

  private void awaitCql() {
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (stopping) {
        throw new IllegalStateException("The embedded Cassandra node was stopped while starting");
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The embedded Cassandra node exited with code "
                + process.exitValue()
                + " while starting. Last lines of "
                + settings.dataDir().resolve("logs")
                + ":\n"
                + logTail());
      }
      if (answers(settings.cqlPort())) {
        return;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the embedded Cassandra node", e);
      }
    }
    throw new IllegalStateException(
        "The embedded Cassandra node did not answer CQL on "
            + settings.contactPoint()
            + " within "
            + settings.startTimeout()
            + " (o2c.cassandra.embedded.start-timeout). Last lines of its log:\n"
            + logTail());
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logTail() {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("logs/system.log", "logs/stdout.log")) {
      Path file = settings.dataDir().resolve(name);
      try {
        if (Files.exists(file)) {
          List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
          lines.add("--- " + name);
          lines.addAll(all.subList(Math.max(0, all.size() - 20), all.size()));
        }
      } catch (IOException e) {
        lines.add("(could not read " + file + ": " + e.getMessage() + ")");
      }
    }
    return String.join("\n", lines);
  }

  static List<String> command(EmbeddedCassandraSettings settings, String cassandraClasspath) {
    Path dir = settings.dataDir();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xms" + settings.heap());
    cmd.add("-Xmx" + settings.heap());
    cmd.add("-Xss256k");
    cmd.add("-XX:+UseG1GC");
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-Djdk.attach.allowAttachSelf=true");
    cmd.addAll(JAVA17_MODULE_FLAGS);
    cmd.add("-Dcassandra.config=" + dir.resolve("conf/cassandra.yaml").toUri());
    cmd.add("-Dcassandra-foreground=yes");
    cmd.add("-Dcassandra.storagedir=" + dir);
    cmd.add("-Dcassandra.logdir=" + dir.resolve("logs"));
    cmd.add("-Dcassandra.jmx.local.port=" + settings.jmxPort());
    cmd.add("-Dlogback.configurationFile=" + dir.resolve("conf/logback.xml"));
    // One node that is its own seed: nothing to wait for in gossip.
    cmd.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    cmd.add("-Dcassandra.ring_delay_ms=100");
    cmd.add("-cp");
    cmd.add(cassandraClasspath + java.io.File.pathSeparator + ownLocation());
    cmd.add(CassandraMain.class.getName());
    return cmd;
  }

  /**
   * The server's cassandra.yaml with the ports and directories of these settings. Each key is
   * replaced exactly once; a template that lost one of them is an error rather than a silently
   * ignored setting.
   */
  static String renderYaml(String template, EmbeddedCassandraSettings settings) {
    Path dir = settings.dataDir();
    String yaml = template;
    yaml = replaceOnce(yaml, "(?m)^(data_file_directories:\\s*\\n\\s*- ).*$", dir.resolve("data").toString());
    yaml = replaceOnce(yaml, "(?m)^(commitlog_directory: ).*$", dir.resolve("commitlog").toString());
    yaml = replaceOnce(yaml, "(?m)^(saved_caches_directory: ).*$", dir.resolve("saved_caches").toString());
    yaml = replaceOnce(yaml, "(?m)^(hints_directory: ).*$", dir.resolve("hints").toString());
    yaml = replaceOnce(yaml, "(?m)^(cdc_raw_directory: ).*$", dir.resolve("cdc_raw").toString());
    yaml = replaceOnce(yaml, "(?m)^(\\s*- seeds: ).*$", "\"127.0.0.1:" + settings.storagePort() + "\"");
    yaml = replaceOnce(yaml, "(?m)^(storage_port: ).*$", String.valueOf(settings.storagePort()));
    yaml = replaceOnce(yaml, "(?m)^(native_transport_port: ).*$", String.valueOf(settings.cqlPort()));
    return yaml;
  }

  /** Replaces the single match of {@code regex}, keeping its group 1 and appending {@code value}. */
  private static String replaceOnce(String text, String regex, String value) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    if (count != 1) {
      throw new IllegalStateException(
          "cassandra.yaml must contain exactly one match of " + regex + ", found " + count);
    }
    return matcher.replaceFirst(match -> Matcher.quoteReplacement(match.group(1) + value));
  }

  private static String readClasspath(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The embedded Cassandra node's classpath file "
              + file
              + " does not exist. Build the server first (`mvn -B -DskipTests package` writes it), "
              + "set o2c.cassandra.embedded.classpath-file (env O2C_CASSANDRA_CLASSPATH_FILE), or use an "
              + "external cluster with O2C_CASSANDRA_CONTACT_POINTS=host:port,...");
    }
    try {
      String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!classpath.contains("cassandra-all")) {
        throw new IllegalStateException(file + " does not name cassandra-all; rebuild with `mvn -B package`.");
      }
      return classpath;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EmbeddedCassandra.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String ownLocation() {
    try {
      return Path.of(CassandraMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
