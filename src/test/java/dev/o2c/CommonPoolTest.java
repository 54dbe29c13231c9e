package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a machine with one or two cores the JDK runs CompletableFuture continuations that name no
 * executor on a new thread each; starting the server must prevent that. Checked in a JVM of its own
 * that is told it has 1 core (this test JVM's pool exists already).
 */
class CommonPoolTest {

  @Test
  void loading_the_server_gives_completable_futures_a_pool_even_on_one_core() throws Exception {
    assertEquals("ForkJoinPool parallelism=2", probe("dev.o2c.Main"));
  }

  @Test
  void without_it_the_jdk_would_start_a_thread_per_task() throws Exception {
    assertEquals("ThreadPerTaskExecutor", probe("java.lang.Object"));
  }

  @Test
  void a_parallelism_the_operator_set_is_kept() throws Exception {
    assertEquals("ForkJoinPool parallelism=3", probe("dev.o2c.Main", "-D" + CommonPool.PARALLELISM + "=3"));
  }

  /** Runs {@link Probe} in a JVM with 1 core after loading {@code first}; answers what it printed. */
  private static String probe(String first, String... jvmOptions) throws Exception {
    var command = new java.util.ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:ActiveProcessorCount=1");
    command.addAll(java.util.List.of(jvmOptions));
    command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), first));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the probe did not finish");
    }
    String out = new String(process.getInputStream().readAllBytes()).strip();
    String[] lines = out.split("\\R");
    return lines[lines.length - 1];
  }

  /** Loads a class, then says which executor CompletableFuture's async continuations run on. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Class.forName(args[0]);
      var executor = CompletableFuture.completedFuture(1).defaultExecutor();
      System.out.println(executor instanceof ForkJoinPool pool
          ? "ForkJoinPool parallelism=" + pool.getParallelism()
          : executor.getClass().getSimpleName());
    }
  }
}
