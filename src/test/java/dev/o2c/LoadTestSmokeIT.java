package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load tests never rot: the Gatling project in loadtest/ is compiled and a short run (25 s of
 * load) of its OrderIntakeSimulation passes against a server this test starts on the test
 * Cassandra node — zero failed requests, retries answered with the first order. Its p99 bound is
 * loose (2 s): this is a smoke test on a shared machine, not a measurement (loadtest/benchmark.sh
 * measures).
 */
class LoadTestSmokeIT {

  @Test
  void the_order_intake_simulation_runs_clean_against_the_server() throws Exception {
    Path basedir = Path.of(System.getProperty("o2c.test.basedir", "."));
    Path log = basedir.resolve("target/loadtest-smoke.log");
    try (TestServer server = TestServer.start("loadtest_smoke_it")) {
      int port = server.server().httpAddress().getPort();
      List<String> command = new ArrayList<>(List.of(maven(), "-B", "-f", basedir.resolve("loadtest/pom.xml").toString()));
      command.addAll(List.of("gatling:test",
          "-Dgatling.simulationClass=dev.o2c.loadtest.OrderIntakeSimulation",
          "-DbaseUrl=http://127.0.0.1:" + port, "-DapiKey=" + TestServer.DEV_KEY,
          "-Drate=10", "-DrampUp=5", "-Dduration=20", "-Dcustomers=50", "-Dp99=2000"));
      Process gatling = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean done = gatling.waitFor(10, TimeUnit.MINUTES);
      if (!done) {
        gatling.destroyForcibly();
      }
      String output = read(log);
      assertTrue(done, "the Gatling run did not end within 10 minutes; its output: " + log);
      assertEquals(0, gatling.exitValue(), "the Gatling run failed; its output (" + log + "):\n" + tail(output));
      assertTrue(output.contains("count of failed events is 0.0 : true"), tail(output));
      assertTrue(output.contains("retry order (same key)"), "retries were part of the run:\n" + tail(output));
    }
  }

  private static String maven() {
    String home = System.getProperty("o2c.test.maven.home");
    return home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString();
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static String tail(String output) {
    return output.length() <= 6000 ? output : output.substring(output.length() - 6000);
  }
}
