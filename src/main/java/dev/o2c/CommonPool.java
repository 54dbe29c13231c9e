package dev.o2c;

/**
 * The JDK's common ForkJoinPool runs {@code CompletableFuture} continuations that name no
 * executor — and Scala's bridge from Pekko's futures to {@code CompletionStage} turns every
 * continuation into such an async one. Below a parallelism of 2 (the default on 2 cores) the JDK
 * runs each of them on a new thread instead of a pool. This sets the parallelism (unless the
 * operator did, with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism}) before the
 * pool is created.
 */
public final class CommonPool {

  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /** Sets the common pool's parallelism to at least 2, if nobody set it. Call before the pool exists. */
  public static void ensureParallelism() {
    if (System.getProperty(PARALLELISM) == null) {
      System.setProperty(PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }
}
