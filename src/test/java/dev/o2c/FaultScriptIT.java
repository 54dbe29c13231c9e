package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fault script of docs/operations.md (ops/FaultTest.java) as the test command runs it, shorter
 * and with fewer clients than the recorded runs: the packaged server under load survives its
 * Cassandra node being killed (it starts it again) and an external node stopped and started again
 * (it reconnects without a restart) — every acknowledged order readable, every retry the same
 * order, no duplicate.
 */
class FaultScriptIT {

  private static String run(String scenario, String... options) throws Exception {
    Path log = Path.of("target/fault-script-it-" + scenario + ".log").toAbsolutePath();
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "ops/FaultTest.java", scenario, "--clients=4", "--before=8", "--after=8", "--dir=target/fault-script-it"));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(process.waitFor(8, TimeUnit.MINUTES), "the fault script finishes");
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String report = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), report);
    assertTrue(report.contains("RESULT: PASS"), report);
    return report;
  }

  @Test
  void the_server_restarts_its_killed_cassandra_node_and_loses_nothing_acknowledged() throws Exception {
    String report = run("cassandra-kill");
    assertTrue(report.contains("keys never acknowledged:    0"), report);
  }

  @Test
  void the_server_serves_again_when_an_external_cassandra_node_comes_back() throws Exception {
    String report = run("cassandra-stop", "--down=10");
    assertTrue(report.contains("credit used = acknowledged: 4 of 4"), report);
  }
}
