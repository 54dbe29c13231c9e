package dev.o2c.persistence;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** A minimal event-sourced entity of the tests: sums positive amounts. */
public final class Tally extends EventSourcedBehaviorWithEnforcedReplies<Tally.Command, Tally.Event, Tally.State> {

  public sealed interface Command extends CborSerializable permits Add, Get {}

  public record Add(BigDecimal amount, ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable permits Added {}

  public record Added(BigDecimal amount) implements Event {}

  public record State(BigDecimal total, int count) implements CborSerializable {}

  public static Behavior<Command> create(String id) {
    return new Tally(PersistenceId.of("Tally", id));
  }

  private Tally(PersistenceId id) {
    super(id);
  }

  @Override
  public State emptyState() {
    return new State(BigDecimal.ZERO, 0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Add.class,
            (state, add) ->
                add.amount().signum() <= 0
                    ? Effect().reply(add.replyTo(), StatusReply.error("amount must be positive"))
                    : Effect().persist(new Added(add.amount())).thenReply(add.replyTo(), StatusReply::success))
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (state, added) -> new State(state.total().add(added.amount()), state.count() + 1))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(5, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("tally-0");
  }
}
