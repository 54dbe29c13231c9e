package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The counter of one invoice number series (a tenant's prefix and year, entity id
 * {@code <tenant>:<prefix>-<year>}). It hands out blocks of numbers, never the same number twice;
 * the nodes serve invoices from their blocks ({@link NumberBlockCache}), so issuing an invoice
 * does not wait for this entity.
 */
public final class NumberCounter
    extends EventSourcedBehaviorWithEnforcedReplies<NumberCounter.Command, NumberCounter.Event, NumberCounter.State> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "InvoiceNumberCounter");

  public sealed interface Command extends CborSerializable {}

  /** Take the next {@code size} numbers. */
  public record AllocateBlock(int size, ActorRef<Block> replyTo) implements Command {}

  /** Numbers {@code first} to {@code last}, inclusive. */
  public record Block(long first, long last) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record BlockAllocated(long first, long last) implements Event {}

  /** The first number not yet handed out. */
  public record State(long next) implements CborSerializable {}

  public static Behavior<Command> create(String entityId) {
    return new NumberCounter(entityId, "");
  }

  /** Journaled through {@code journalPluginId} ("" for the configured journal): see {@link dev.o2c.infra.Journals#untagged}. */
  public static Behavior<Command> create(String entityId, String journalPluginId) {
    return new NumberCounter(entityId, journalPluginId);
  }

  private final String journalPluginId;

  private NumberCounter(String entityId, String journalPluginId) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.journalPluginId = journalPluginId;
  }

  /** Nothing reads its events by tag: journaled without tag writing where the journal is Cassandra's. */
  @Override
  public String journalPluginId() {
    return journalPluginId;
  }

  @Override
  public State emptyState() {
    return new State(1);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(AllocateBlock.class, (state, cmd) -> {
          BlockAllocated block = new BlockAllocated(state.next(), state.next() + Math.max(1, cmd.size()) - 1);
          return Effect().persist(block).thenReply(cmd.replyTo(), s -> new Block(block.first(), block.last()));
        })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BlockAllocated.class, (state, e) -> new State(e.last() + 1))
        .build();
  }
}
