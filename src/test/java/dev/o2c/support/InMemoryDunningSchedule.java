package dev.o2c.support;

import dev.o2c.invoice.DunningSchedule;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;

/** The dunning schedule in memory, for tests without Cassandra. */
public final class InMemoryDunningSchedule implements DunningSchedule {

  private final Set<Entry> entries = ConcurrentHashMap.newKeySet();
  private final AtomicReference<LocalDate> doneThrough = new AtomicReference<>();

  @Override
  public CompletionStage<Done> schedule(Entry entry) {
    entries.add(entry);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> remove(Entry entry) {
    entries.remove(entry);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Entry>> due(LocalDate day) {
    return CompletableFuture.completedFuture(entries.stream().filter(e -> e.day().equals(day)).toList());
  }

  @Override
  public CompletionStage<Optional<LocalDate>> doneThrough() {
    return CompletableFuture.completedFuture(Optional.ofNullable(doneThrough.get()));
  }

  @Override
  public CompletionStage<Done> markDoneThrough(LocalDate day) {
    doneThrough.set(day);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  public Set<Entry> entries() {
    return Set.copyOf(entries);
  }
}
