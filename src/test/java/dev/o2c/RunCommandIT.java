package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.infra.Ports;
import dev.o2c.support.Http;
import dev.o2c.support.TestCassandra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run command's artifact, as a user runs it: {@code java -jar target/o2c-server.jar} with an
 * embedded Cassandra node of its own. It gets ready within 120 s, prints the base URL and the
 * development key, stops on Ctrl-C (SIGINT) and SIGTERM without leaving a Java process behind,
 * serves the data written before on the next start, and even a SIGKILL leaves no orphan
 * Cassandra node.
 */
class RunCommandIT {

  private final Path dir = Path.of("target/run-command-it").toAbsolutePath();
  private final Map<String, String> env = new HashMap<>();
  private final List<Process> started = new ArrayList<>();
  private int httpPort;
  private int cqlPort;

  @BeforeEach
  void ports() {
    TestCassandra.deleteRecursively(dir);
    httpPort = Ports.freePort();
    cqlPort = Ports.freePort();
    env.put("O2C_HTTP_PORT", String.valueOf(httpPort));
    env.put("O2C_MANAGEMENT_PORT", String.valueOf(Ports.freePort()));
    env.put("O2C_REMOTE_PORT", String.valueOf(Ports.freePort()));
    env.put("O2C_CASSANDRA_CQL_PORT", String.valueOf(cqlPort));
    env.put("O2C_CASSANDRA_STORAGE_PORT", String.valueOf(Ports.freePort()));
    env.put("O2C_CASSANDRA_JMX_PORT", String.valueOf(Ports.freePort()));
    env.put("O2C_CASSANDRA_DATA_DIR", dir.resolve("data").toString());
    env.put("O2C_CASSANDRA_HEAP", "768m");
  }

  @AfterEach
  void noLeftovers() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private Process start(String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    if (resetsSigint()) {
      // A process started in the background inherits an ignored SIGINT; a terminal's Ctrl-C
      // reaches a process that has not. Reset it, as a shell in a terminal would.
      command.add("env");
      command.add("--default-signal=INT");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add("target/o2c-server.jar");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private static boolean resetsSigint() {
    try {
      return new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
  }

  private Http.Response awaitReady() {
    return new Http("http://127.0.0.1:" + httpPort).await("/health/ready", r -> r.status() == 200, Duration.ofSeconds(120));
  }

  /** The embedded node is the server JVM's only child process. */
  private static List<ProcessHandle> cassandraNodes(Process server) {
    return server.children().toList();
  }

  private static void signal(Process process, String signal) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor());
  }

  private static void assertGone(List<ProcessHandle> processes, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    for (ProcessHandle process : processes) {
      while (process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertFalse(process.isAlive(), "process " + process.pid() + " is still running");
    }
  }

  @Test
  void the_packaged_server_starts_stops_cleanly_and_keeps_its_data() throws Exception {
    // First start: ready within 120 s, with the base URL and the development key printed.
    Process first = start("first");
    long startedAt = System.nanoTime();
    awaitReady();
    assertTrue(System.nanoTime() - startedAt < TimeUnit.SECONDS.toNanos(120));
    String printed = log("first");
    assertTrue(printed.contains("API base URL:  http://127.0.0.1:" + httpPort), printed);
    assertTrue(printed.contains("o2c-dev-key"), printed);
    List<ProcessHandle> firstNode = cassandraNodes(first);
    assertEquals(1, firstNode.size(), "one embedded Cassandra node");

    Http http = new Http("http://127.0.0.1:" + httpPort);
    var created = http.send(http.request("/v1/customers").header("X-API-Key", "o2c-dev-key")
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"customerId\":\"kept\",\"name\":\"Kept Ltd\",\"currency\":\"EUR\",\"creditLimit\":\"10\",\"paymentTermsDays\":7}")));
    assertEquals(201, created.status(), created.body());

    // Ctrl-C: coordinated shutdown, then the embedded node stops; nothing is left running.
    signal(first, "INT");
    assertTrue(first.waitFor(90, TimeUnit.SECONDS), "the server exits on SIGINT");
    assertGone(firstNode, Duration.ofSeconds(10));
    assertTrue(log("first").contains("Embedded Cassandra node stopped"));

    // Second start finds the data of the first.
    Process second = start("second");
    awaitReady();
    var kept = http.send(http.request("/v1/customers/kept").header("X-API-Key", "o2c-dev-key").GET());
    assertEquals(200, kept.status(), kept.body());
    assertEquals("Kept Ltd", kept.json().get("name").asText());
    List<ProcessHandle> secondNode = cassandraNodes(second);
    second.destroy(); // SIGTERM
    assertTrue(second.waitFor(90, TimeUnit.SECONDS), "the server exits on SIGTERM");
    assertGone(secondNode, Duration.ofSeconds(10));

    // Even when the server is killed outright, its Cassandra node notices and exits.
    Process third = start("third");
    awaitReady();
    List<ProcessHandle> thirdNode = cassandraNodes(third);
    third.destroyForcibly(); // SIGKILL
    assertTrue(third.waitFor(30, TimeUnit.SECONDS));
    assertGone(thirdNode, Duration.ofSeconds(90));
  }

  @Test
  void a_server_whose_cassandra_node_dies_more_often_than_allowed_exits_with_code_4() throws Exception {
    env.put("O2C_CASSANDRA_MAX_RESTARTS", "0");
    Process server = start("give-up");
    awaitReady();
    List<ProcessHandle> node = cassandraNodes(server);
    assertEquals(1, node.size());
    node.get(0).destroyForcibly(); // kill -9 of the node; no restart is allowed
    assertTrue(server.waitFor(120, TimeUnit.SECONDS), "the server exits when it may not restart its node");
    assertEquals(4, server.exitValue(), log("give-up"));
    assertTrue(log("give-up").contains("giving up"), log("give-up"));
  }

  @Test
  void a_taken_port_stops_the_start_at_once_naming_port_and_setting() throws Exception {
    try (var taken = new java.net.ServerSocket(httpPort, 0, java.net.InetAddress.getByName("127.0.0.1"))) {
      Process process = start("taken");
      assertTrue(process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(1, process.exitValue());
      String printed = log("taken");
      assertTrue(printed.contains("Port " + httpPort + " on 127.0.0.1 (HTTP API) is already in use"), printed);
      assertTrue(printed.contains("o2c.http.port (env O2C_HTTP_PORT)"), printed);
    }
  }
}
