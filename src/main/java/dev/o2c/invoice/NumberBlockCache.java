package dev.o2c.invoice;

import dev.o2c.infra.EntityIds;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One per node: serves invoice numbers from blocks it takes from the series' {@link NumberCounter},
 * a local message per invoice instead of a cluster-wide round trip. Numbers of a block that this
 * node has not used when it stops are never used: the series then has a gap (docs/invoicing.md).
 */
public final class NumberBlockCache extends AbstractBehavior<NumberBlockCache.Command> {

  public sealed interface Command {}

  /** The next number of the series {@code <tenant>:<prefix>-<year>}. */
  public record Next(String tenantId, String prefix, int year, ActorRef<String> replyTo) implements Command {}

  private record BlockArrived(String series, NumberCounter.Block block, Throwable failure) implements Command {}

  private static final class Series {
    long next;
    long last = -1;
    boolean requesting;
    final Queue<Next> waiting = new ArrayDeque<>();
  }

  private final ClusterSharding sharding;
  private final int blockSize;
  private final Map<String, Series> series = new HashMap<>();

  public static Behavior<Command> create(int blockSize) {
    return Behaviors.setup(context -> new NumberBlockCache(context, blockSize));
  }

  /** The numbering of this node's invoices, through the cache. */
  public static InvoiceNumbers numbers(ActorSystem<?> system, ActorRef<Command> cache, Duration timeout) {
    return (tenantId, prefix, year) -> {
      CompletionStage<String> next =
          AskPattern.ask(cache, replyTo -> new Next(tenantId, prefix, year, replyTo), timeout, system.scheduler());
      return next.thenApply(sequence -> InvoiceNumbers.format(prefix, year, Long.parseLong(sequence)));
    };
  }

  private NumberBlockCache(ActorContext<Command> context, int blockSize) {
    super(context);
    this.sharding = ClusterSharding.get(context.getSystem());
    this.blockSize = blockSize;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Next.class, this::next)
        .onMessage(BlockArrived.class, this::blockArrived)
        .build();
  }

  private Behavior<Command> next(Next request) {
    String key = EntityIds.entityId(request.tenantId(), request.prefix() + "-" + request.year());
    Series s = series.computeIfAbsent(key, k -> new Series());
    s.waiting.add(request);
    serve(key, s);
    return this;
  }

  private void serve(String key, Series s) {
    while (!s.waiting.isEmpty() && s.next <= s.last) {
      s.waiting.poll().replyTo().tell(Long.toString(s.next++));
    }
    if (!s.waiting.isEmpty() && !s.requesting) {
      s.requesting = true;
      getContext().pipeToSelf(
          sharding.entityRefFor(NumberCounter.KEY, key)
              .<NumberCounter.Block>ask(replyTo -> new NumberCounter.AllocateBlock(blockSize, replyTo), Duration.ofSeconds(5)),
          (block, failure) -> new BlockArrived(key, block, failure));
    }
  }

  private Behavior<Command> blockArrived(BlockArrived arrived) {
    Series s = series.get(arrived.series());
    s.requesting = false;
    if (arrived.failure() != null) {
      // The waiting requests time out at their askers, who retry; the next request asks again.
      getContext().getLog().warn("No block of invoice numbers for {}: {}", arrived.series(), arrived.failure().toString());
      s.waiting.clear();
      return this;
    }
    s.next = arrived.block().first();
    s.last = arrived.block().last();
    serve(arrived.series(), s);
    return this;
  }
}
