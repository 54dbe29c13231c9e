package dev.o2c.invoice;

import dev.o2c.infra.BusinessClock;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The dunning run, one in the cluster (a Cluster Singleton): every interval, and at once when the
 * test clock moves, it takes the dunning schedule day by day from the first day not yet done up
 * to today, asks each customer's account to take the dunning steps due by today, and moves the
 * customer to the day of their next step.
 *
 * <p>Nothing it knows lives only in memory: the schedule and the last day done are in Cassandra,
 * and each account takes each step once, so a run cut short by a restart is simply run again —
 * no step is skipped, none repeated. A day is marked done only once it is in the past; today is
 * looked at on every run, because new entries for today can still arrive.
 */
public final class DunningRunner {

  /** What the runner does. */
  public sealed interface Command {}

  /** Run now (the interval's tick, or the test clock moved). */
  public record RunNow() implements Command {}

  private record Finished(int customers, Throwable failure) implements Command {}

  private DunningRunner() {}

  public static Behavior<Command> create(
      DunningSchedule schedule, BusinessClock clock, InvoicingSettings settings, DunningAccounts accounts) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay("tick", new RunNow(), settings.dunningInterval());
      ActorSystem<?> system = context.getSystem();
      return idle(new Run(schedule, clock, settings, accounts, system));
    }));
  }

  private static Behavior<Command> idle(Run run) {
    return Behaviors.receive(Command.class)
        .onMessage(RunNow.class, tick -> Behaviors.setup(context -> {
          context.pipeToSelf(run.once(), (customers, failure) -> new Finished(customers == null ? 0 : customers, failure));
          return running(run, false);
        }))
        .build();
  }

  private static Behavior<Command> running(Run run, boolean again) {
    return Behaviors.receive(Command.class)
        .onMessage(RunNow.class, tick -> running(run, true))
        .onMessage(Finished.class, finished -> Behaviors.setup(context -> {
          if (finished.failure() != null) {
            context.getLog().warn("The dunning run stopped early and will go on at the next run: {}", finished.failure().toString());
          } else if (finished.customers() > 0) {
            context.getLog().info("Dunning run looked at {} customers", finished.customers());
          }
          if (again) {
            context.getSelf().tell(new RunNow());
          }
          return idle(run);
        }))
        .build();
  }

  /** One run over the schedule. */
  private record Run(
      DunningSchedule schedule, BusinessClock clock, InvoicingSettings settings, DunningAccounts accounts, ActorSystem<?> system) {

    CompletionStage<Integer> once() {
      LocalDate today = clock.today();
      return schedule.doneThrough().thenCompose(done -> days(done.map(d -> d.plusDays(1)).orElse(settings.dunningEpoch()), today, 0));
    }

    private CompletionStage<Integer> days(LocalDate day, LocalDate today, int customers) {
      if (day.isAfter(today)) {
        return CompletableFuture.completedFuture(customers);
      }
      return day(day, today).thenCompose(count -> {
        CompletionStage<Done> mark = day.isBefore(today) ? schedule.markDoneThrough(day) : CompletableFuture.completedFuture(Done.getInstance());
        return mark.thenCompose(marked -> days(day.plusDays(1), today, customers + count));
      });
    }

    /** Every customer scheduled on {@code day}, at most 8 at once. */
    private CompletionStage<Integer> day(LocalDate day, LocalDate today) {
      return schedule.due(day).thenCompose(entries -> Source.from(entries)
          .mapAsyncUnordered(8, entry -> customer(entry, today))
          .runWith(Sink.fold(0, (count, done) -> count + 1), system)
          .thenApply(count -> count));
    }

    private CompletionStage<Done> customer(DunningSchedule.Entry entry, LocalDate today) {
      return accounts.run(entry.tenantId(), entry.customerId(), today)
          .thenCompose(nextOn -> {
            CompletionStage<Done> next = nextOn == null
                ? CompletableFuture.completedFuture(Done.getInstance())
                : schedule.schedule(new DunningSchedule.Entry(nextOn, entry.tenantId(), entry.customerId()));
            return next.thenCompose(scheduled -> schedule.remove(entry));
          });
    }
  }
}
