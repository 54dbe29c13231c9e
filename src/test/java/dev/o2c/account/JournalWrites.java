package dev.o2c.account;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;

/**
 * A journal policy of the persistence testkit that records each write (one atomic write: the
 * events one persist stored together) of one persistence id, and can hold the next write in
 * flight until the test releases it.
 */
final class JournalWrites implements ProcessingPolicy<JournalOperation> {

  private final String persistenceId;
  final List<List<Object>> writes = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch release;
  private volatile CountDownLatch inFlight;

  JournalWrites(String persistenceId) {
    this.persistenceId = persistenceId;
  }

  /** The next write waits (at most ten seconds) until {@link #release()}; {@link #awaitInFlight()} waits for it to start. */
  void holdNextWrite() {
    inFlight = new CountDownLatch(1);
    release = new CountDownLatch(1);
  }

  void awaitInFlight() throws InterruptedException {
    if (!inFlight.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no write started");
    }
  }

  void release() {
    var latch = release;
    if (latch != null) {
      latch.countDown();
    }
  }

  @Override
  public ProcessingResult tryProcess(String pid, JournalOperation operation) {
    if (pid.equals(persistenceId) && operation instanceof WriteEvents write) {
      writes.add(List.copyOf(write.getBatch()));
      var held = release;
      if (held != null && inFlight.getCount() > 0) {
        inFlight.countDown();
        try {
          held.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        release = null;
      }
    }
    return ProcessingSuccess.getInstance();
  }
}
