import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fault test: a server of this build on 127.0.0.1 under load from a client that counts what
 * was acknowledged, a fault, and a check afterwards that every acknowledged order is there and
 * that no retry made a second one. Scenarios:
 *
 * <ul>
 *   <li>{@code server-kill}: kill -9 of the server JVM, then a new start on the same data;
 *   <li>{@code cassandra-kill}: kill -9 of the embedded Cassandra node (the server restarts it);
 *   <li>{@code cassandra-stop}: an external Cassandra node (started by this test) stopped for
 *       {@code --down} seconds and started again, the server left running.
 * </ul>
 *
 * Runs with the JDK alone: {@code java ops/FaultTest.java <scenario|all> [--clients=16]
 * [--before=20] [--after=30] [--down=30]} from the project directory, after {@code mvn -B
 * -DskipTests package}. ops/fault-test.sh does both. Exit code 0 when every check holds.
 *
 * <p>Each client owns a customer and places orders of 1.00 one after another, each with an
 * Idempotency-Key of its own; a request that fails (connection refused, timeout, 5xx) is sent
 * again with the same key and body until it is acknowledged (201). Afterwards: every acknowledged
 * order is read back (200, same id), the same key sent once more answers the same order, and each
 * customer's credit used equals the orders acknowledged for it — a duplicate would show as more.
 */
public final class FaultTest {

  private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"([a-z0-9_]+)\"");
  private static final Pattern CREDIT_USED = Pattern.compile("\"creditUsed\":\"([0-9.]+)\"");
  private static final String KEY = "o2c-dev-key";

  private final String scenario;
  private final int clients;
  private final Duration before;
  private final Duration after;
  private final Duration down;
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> processes = new ArrayList<>();
  private String base;
  private Process server;
  private Process cassandra;

  // What the clients saw.
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // Idempotency-Key -> orderId
  private final Map<String, Integer> ackedPerCustomer = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> failureTimes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
  private long repairedAt; // when the fault was undone: the server started again, the node started again
  private final Map<String, AtomicLong> failuresByKind = new ConcurrentHashMap<>();
  private final AtomicLong maxLatencyNanos = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong unfinished = new AtomicLong();

  private FaultTest(String scenario, Map<String, String> options) {
    this.scenario = scenario;
    this.clients = Integer.parseInt(options.getOrDefault("clients", "16"));
    this.before = Duration.ofSeconds(Long.parseLong(options.getOrDefault("before", "20")));
    this.after = Duration.ofSeconds(Long.parseLong(options.getOrDefault("after", "30")));
    this.down = Duration.ofSeconds(Long.parseLong(options.getOrDefault("down", "30")));
    this.dir = Path.of(options.getOrDefault("dir", "target/fault-test")).toAbsolutePath().resolve(scenario);
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: java ops/FaultTest.java server-kill|cassandra-kill|cassandra-stop|all [--clients=16] [--before=20]"
          + " [--after=30] [--down=30] [--dir=target/fault-test]");
      System.exit(64);
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    List<String> scenarios = args[0].equals("all") ? List.of("server-kill", "cassandra-kill", "cassandra-stop") : List.of(args[0]);
    boolean passed = true;
    List<String> reports = new ArrayList<>();
    for (String scenario : scenarios) {
      FaultTest test = new FaultTest(scenario, options);
      try {
        String report = test.run();
        reports.add(report);
        passed &= report.contains("RESULT: PASS");
      } finally {
        test.cleanUp();
      }
    }
    System.out.println("\n" + String.join("\n", reports));
    System.exit(passed ? 0 : 1);
  }

  private String run() throws Exception {
    deleteRecursively(dir);
    Files.createDirectories(dir);
    env.put("O2C_HTTP_PORT", String.valueOf(freePort()));
    env.put("O2C_MANAGEMENT_PORT", String.valueOf(freePort()));
    env.put("O2C_REMOTE_PORT", String.valueOf(freePort()));
    env.put("O2C_CASSANDRA_CQL_PORT", String.valueOf(freePort()));
    env.put("O2C_CASSANDRA_STORAGE_PORT", String.valueOf(freePort()));
    env.put("O2C_CASSANDRA_JMX_PORT", String.valueOf(freePort()));
    env.put("O2C_CASSANDRA_DATA_DIR", dir.resolve("cassandra").toString());
    env.put("O2C_CASSANDRA_HEAP", "768m");
    env.put("O2C_PROFILE", "development");
    base = "http://127.0.0.1:" + env.get("O2C_HTTP_PORT");
    boolean external = scenario.equals("cassandra-stop");
    if (external) {
      cassandra = startCassandra("cassandra-1");
      env.put("O2C_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + env.get("O2C_CASSANDRA_CQL_PORT"));
      env.put("O2C_CASSANDRA_APPLY_SCHEMA", "on");
      env.put("O2C_CASSANDRA_ALLOW_RF1", "on"); // one node: StartGuards refuses one copy otherwise
    } else if (!scenario.equals("server-kill") && !scenario.equals("cassandra-kill")) {
      throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    log("starting the server (" + (external ? "external Cassandra node" : "embedded Cassandra node") + "), data in " + dir);
    server = startServer("server-1");
    awaitReady(Duration.ofSeconds(300)); // a fresh keyspace's schema alone may take up to 180 s here
    for (int c = 0; c < clients; c++) {
      int status = send("POST", "/v1/customers", "{\"customerId\":\"ft-" + c + "\",\"name\":\"Fault test " + c
          + "\",\"currency\":\"EUR\",\"creditLimit\":\"1000000\",\"paymentTermsDays\":30}", null).statusCode();
      if (status != 201 && status != 409) {
        throw new IllegalStateException("could not create customer ft-" + c + ": " + status);
      }
    }

    log("load: " + clients + " clients; fault after " + before.toSeconds() + " s");
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> clientLoop(client, stop), "client-" + c);
      t.start();
      threads.add(t);
    }
    Thread.sleep(before.toMillis());
    long faultAt = System.nanoTime();
    String fault = injectFault();
    long recoveredAt = awaitRecovery(faultAt, Duration.ofSeconds(300));
    log("served again " + seconds(recoveredAt - faultAt) + " s after the fault; load goes on for " + after.toSeconds() + " s");
    Thread.sleep(after.toMillis());
    stop.set(true);
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(3));
    }
    log("load stopped; checking what was acknowledged");
    return report(fault, faultAt, recoveredAt, verify());
  }

  /** Places orders one after another; a failed one is retried with the same key until acknowledged. */
  private void clientLoop(int client, AtomicBoolean stop) {
    String customer = "ft-" + client;
    String body = "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"FT\",\"quantity\":1,"
        + "\"unitPrice\":\"1.00\"}],\"channel\":\"fault-test\"}";
    for (int seq = 0; !stop.get(); seq++) {
      String key = "ft-" + scenario + "-" + client + "-" + seq;
      long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (true) {
        long started = System.nanoTime();
        String kind;
        try {
          HttpResponse<String> response = send("POST", "/v1/orders", body, key);
          maxLatencyNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          if (response.statusCode() == 201) {
            Matcher id = ORDER_ID.matcher(response.body());
            if (!id.find()) {
              throw new IllegalStateException("201 without an orderId: " + response.body());
            }
            acknowledged.put(key, id.group(1));
            ackTimes.add(System.nanoTime());
            ackedPerCustomer.merge(customer, 1, Integer::sum);
            break;
          }
          kind = String.valueOf(response.statusCode());
        } catch (ConnectException e) {
          kind = "connection refused";
        } catch (java.net.http.HttpTimeoutException e) {
          kind = "timeout";
        } catch (IOException e) {
          kind = "connection lost";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        failureTimes.add(System.nanoTime());
        failuresByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        if (System.nanoTime() > giveUpAt) {
          unfinished.incrementAndGet();
          break;
        }
        sleep(250);
      }
    }
  }

  private String injectFault() throws Exception {
    switch (scenario) {
      case "server-kill" -> {
        log("kill -9 of the server (pid " + server.pid() + ")");
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
        // Its embedded node notices the server is gone and stops; the next start needs its data directory.
        awaitNoCassandraChild(Duration.ofSeconds(120));
        log("starting the server again on the same data");
        server = startServer("server-2");
        repairedAt = System.nanoTime();
        return "kill -9 of the server JVM, then a new start on the same data";
      }
      case "cassandra-kill" -> {
        List<ProcessHandle> children = server.children().toList();
        if (children.size() != 1) {
          throw new IllegalStateException("expected one embedded Cassandra node, found " + children.size());
        }
        log("kill -9 of the embedded Cassandra node (pid " + children.get(0).pid() + ")");
        children.get(0).destroyForcibly();
        repairedAt = awaitCassandraRestarted(children.get(0).pid(), Duration.ofSeconds(180));
        return "kill -9 of the embedded Cassandra node; the server restarts it";
      }
      default -> {
        log("stopping the external Cassandra node (pid " + cassandra.pid() + ") for " + down.toSeconds() + " s");
        cassandra.destroy(); // SIGTERM: a clean stop
        if (!cassandra.waitFor(120, TimeUnit.SECONDS)) {
          cassandra.destroyForcibly();
        }
        Thread.sleep(down.toMillis());
        log("starting the external Cassandra node again");
        cassandra = startCassandra("cassandra-2");
        repairedAt = System.nanoTime();
        return "the external Cassandra node stopped (SIGTERM) for " + down.toSeconds() + " s and started again; the server kept running";
      }
    }
  }

  /** When the server's new embedded node answers CQL (its log says so) after the old one was killed. */
  private long awaitCassandraRestarted(long killedPid, Duration within) throws Exception {
    Path log = dir.resolve("server-1.log");
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains("The embedded Cassandra node is back")) {
        return System.nanoTime();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the server did not start its Cassandra node again within " + within.toSeconds() + " s");
  }

  /** The first moment after the fault from which a new order is acknowledged. */
  private long awaitRecovery(long faultAt, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    int before = acknowledged.size();
    while (System.nanoTime() < deadline) {
      long lastFailure = failureTimes.stream().mapToLong(Long::longValue).max().orElse(faultAt);
      if (acknowledged.size() > before + clients && System.nanoTime() - lastFailure > TimeUnit.SECONDS.toNanos(3)) {
        return lastFailure > faultAt ? lastFailure : faultAt;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server did not serve again within " + within.toSeconds() + " s");
  }

  private record Verification(int readable, List<String> missing, int sameOnRetry, List<String> differentOnRetry,
      List<String> creditMismatches) {}

  private Verification verify() throws Exception {
    int readable = 0;
    int same = 0;
    List<String> missing = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (var ack : new TreeMap<>(acknowledged).entrySet()) {
      HttpResponse<String> read = retrying("GET", "/v1/orders/" + ack.getValue(), null, null);
      if (read.statusCode() == 200 && read.body().contains(ack.getValue())) {
        readable++;
      } else {
        missing.add(ack.getKey() + " -> " + ack.getValue() + " (" + read.statusCode() + ")");
      }
      String[] parts = ack.getKey().split("-");
      String customer = "ft-" + parts[parts.length - 2];
      String body = "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"FT\",\"quantity\":1,"
          + "\"unitPrice\":\"1.00\"}],\"channel\":\"fault-test\"}";
      HttpResponse<String> retry = retrying("POST", "/v1/orders", body, ack.getKey());
      Matcher id = ORDER_ID.matcher(retry.body());
      if (retry.statusCode() == 201 && id.find() && id.group(1).equals(ack.getValue())) {
        same++;
      } else {
        different.add(ack.getKey() + ": first " + ack.getValue() + ", retry " + retry.statusCode() + " " + retry.body());
      }
    }
    List<String> credit = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String customer = "ft-" + c;
      HttpResponse<String> account = retrying("GET", "/v1/customers/" + customer, null, null);
      Matcher used = CREDIT_USED.matcher(account.body());
      int acked = ackedPerCustomer.getOrDefault(customer, 0);
      if (!used.find() || new java.math.BigDecimal(used.group(1)).compareTo(java.math.BigDecimal.valueOf(acked)) != 0) {
        credit.add(customer + ": " + acked + " orders acknowledged, credit used " + (used.find(0) ? used.group(1) : account.body()));
      }
    }
    return new Verification(readable, missing, same, different, credit);
  }

  private String report(String fault, long faultAt, long recoveredAt, Verification v) {
    List<Long> failures = failureTimes.stream().sorted().toList();
    String firstFailure = failures.isEmpty() ? "none" : seconds(failures.get(0) - faultAt) + " s";
    String lastFailure = failures.isEmpty() ? "none" : seconds(failures.get(failures.size() - 1) - faultAt) + " s";
    boolean pass = v.missing().isEmpty() && v.differentOnRetry().isEmpty() && v.creditMismatches().isEmpty() && unfinished.get() == 0;
    StringBuilder r = new StringBuilder();
    r.append("== fault test: ").append(scenario).append(" (").append(Instant.now()).append(") ==\n");
    r.append("fault:                      ").append(fault).append('\n');
    r.append("clients:                    ").append(clients).append(" (one customer each; an order retried with its key until 201)\n");
    r.append("requests sent:              ").append(requests.get()).append('\n');
    r.append("orders acknowledged (201):  ").append(acknowledged.size()).append('\n');
    r.append("readable afterwards:        ").append(v.readable()).append(" of ").append(acknowledged.size()).append('\n');
    r.append("same order on a retry:      ").append(v.sameOnRetry()).append(" of ").append(acknowledged.size()).append('\n');
    r.append("credit used = acknowledged: ").append(clients - v.creditMismatches().size()).append(" of ").append(clients)
        .append(" customers (a duplicate order would show as more)\n");
    r.append("keys never acknowledged:    ").append(unfinished.get()).append('\n');
    r.append("failed responses:           ").append(failures.size()).append(' ').append(new TreeMap<>(toCounts())).append('\n');
    r.append("error window:               first failure ").append(firstFailure).append(", last failure ").append(lastFailure)
        .append(" after the fault; served again ").append(seconds(recoveredAt - faultAt)).append(" s after it\n");
    long firstAckAfterRepair = ackTimes.stream().mapToLong(Long::longValue).filter(t -> t > repairedAt).min().orElse(0);
    r.append("fault undone:               ").append(seconds(repairedAt - faultAt)).append(" s after the fault (")
        .append(scenario.equals("server-kill") ? "new server started" : "Cassandra answers CQL again")
        .append("); first order acknowledged after that: ").append(firstAckAfterRepair == 0 ? "none" : "+" + seconds(firstAckAfterRepair - repairedAt) + " s")
        .append('\n');
    r.append("slowest answer:             ").append(maxLatencyNanos.get() / 1_000_000).append(" ms\n");
    v.missing().stream().limit(10).forEach(m -> r.append("  MISSING ").append(m).append('\n'));
    v.differentOnRetry().stream().limit(10).forEach(m -> r.append("  DIFFERENT ON RETRY ").append(m).append('\n'));
    v.creditMismatches().stream().limit(10).forEach(m -> r.append("  CREDIT ").append(m).append('\n'));
    r.append("RESULT: ").append(pass ? "PASS" : "FAIL").append('\n');
    return r.toString();
  }

  private Map<String, Long> toCounts() {
    Map<String, Long> counts = new HashMap<>();
    failuresByKind.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  // --- processes -------------------------------------------------------------------------------

  private Process startServer(String name) throws IOException {
    List<String> command = List.of(javaBin(), "-Xmx512m", "-jar", "target/o2c-server.jar");
    return start(command, name);
  }

  private Process startCassandra(String name) throws Exception {
    List<String> command = List.of(javaBin(), "-Xmx128m", "-cp", "target/o2c-server.jar",
        "dev.o2c.infra.cassandra.StandaloneCassandra");
    Process process = start(command, name);
    Path log = dir.resolve(name + ".log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("Cassandra node answers CQL")) {
        return process;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the Cassandra node did not start; see " + log);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the Cassandra node did not answer within 180 s; see " + log);
  }

  private Process start(List<String> command, String name) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private void awaitNoCassandraChild(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      boolean running = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("")
          .contains(dir.resolve("cassandra").toString()));
      if (!running) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the killed server's Cassandra node did not stop within " + within.toSeconds() + " s");
  }

  private void awaitReady(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (send("GET", "/health/ready", null, null).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the server was not ready within " + within.toSeconds() + " s; see " + dir);
  }

  private void cleanUp() {
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroy();
      }
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // --- HTTP --------------------------------------------------------------------------------------

  private HttpResponse<String> send(String method, String path, String body, String idempotencyKey)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .header("X-API-Key", KEY);
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    requests.incrementAndGet();
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** For the checks: a request repeated through 503s and timeouts (for up to a minute). */
  private HttpResponse<String> retrying(String method, String path, String body, String key) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        HttpResponse<String> response = send(method, path, body, key);
        if (response.statusCode() < 500 || System.nanoTime() > deadline) {
          return response;
        }
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(500);
    }
  }

  // --- small things --------------------------------------------------------------------------------

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String message) {
    System.out.println(Instant.now() + "  " + message);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
