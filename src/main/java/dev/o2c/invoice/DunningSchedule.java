package dev.o2c.invoice;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The durable index dunning works from: on which day which customer's invoices are due for their
 * next dunning step, and up to which day the dunning run has finished. It survives restarts, so
 * no step is ever forgotten.
 */
public interface DunningSchedule {

  /** A customer to look at on a day. */
  record Entry(LocalDate day, String tenantId, String customerId) {}

  CompletionStage<Done> schedule(Entry entry);

  CompletionStage<Done> remove(Entry entry);

  /** The customers to look at on a day. */
  CompletionStage<List<Entry>> due(LocalDate day);

  /** The last day whose entries have all been handled, if any. */
  CompletionStage<Optional<LocalDate>> doneThrough();

  CompletionStage<Done> markDoneThrough(LocalDate day);
}
