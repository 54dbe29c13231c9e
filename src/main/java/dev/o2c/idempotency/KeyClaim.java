package dev.o2c.idempotency;

import dev.o2c.infra.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * One Idempotency-Key of a tenant, for requests whose key does not decide which entity they reach
 * (a credit note: the invoice does; a refund: the customer; a payment with a bank reference: the
 * bank reference). The first request claims the key with its fingerprint; the same request again
 * is granted, any other is refused — so a key reused on another invoice, customer or bank
 * reference is a 422, as everywhere else. A request that the target then refuses (a validation
 * failure) releases the key: a failure is not stored under it.
 */
public final class KeyClaim extends EventSourcedBehaviorWithEnforcedReplies<KeyClaim.Command, KeyClaim.Event, KeyClaim.State> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "IdempotencyKey");

  /** What a key is asked. */
  public sealed interface Command extends CborSerializable {}

  /** Claim the key for the request with this fingerprint. */
  public record Claim(String fingerprint, ActorRef<Answer> replyTo) implements Command {}

  /** Give the key up, if this request holds it (its target refused it). */
  public record Release(String fingerprint, ActorRef<Answer> replyTo) implements Command {}

  /** Whether the request may go on. */
  public enum Answer implements CborSerializable {
    GRANTED,
    REUSED
  }

  /** What happened to a key. */
  public sealed interface Event extends CborSerializable {}

  public record Claimed(String fingerprint, Instant at) implements Event {}

  public record Released(Instant at) implements Event {}

  /** The fingerprint of the request holding the key; null while nobody does. */
  public record State(String fingerprint) implements CborSerializable {}

  public static Behavior<Command> create(String entityId) {
    return new KeyClaim(entityId, "");
  }

  /** Journaled through {@code journalPluginId} ("" for the configured journal): see {@link dev.o2c.infra.Journals#untagged}. */
  public static Behavior<Command> create(String entityId, String journalPluginId) {
    return new KeyClaim(entityId, journalPluginId);
  }

  private final String journalPluginId;

  private KeyClaim(String entityId, String journalPluginId) {
    super(PersistenceId.of(KEY.name(), entityId),
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
    return new State(null);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Claim.class, (state, cmd) -> {
          if (state.fingerprint() == null) {
            return Effect().persist(new Claimed(cmd.fingerprint(), Instant.now())).thenReply(cmd.replyTo(), s -> Answer.GRANTED);
          }
          return Effect().reply(cmd.replyTo(), state.fingerprint().equals(cmd.fingerprint()) ? Answer.GRANTED : Answer.REUSED);
        })
        .onCommand(Release.class, (state, cmd) -> cmd.fingerprint().equals(state.fingerprint())
            ? Effect().persist(new Released(Instant.now())).thenReply(cmd.replyTo(), s -> Answer.GRANTED)
            : Effect().reply(cmd.replyTo(), Answer.GRANTED))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onAnyEvent((state, e) -> e instanceof Claimed claimed ? new State(claimed.fingerprint()) : new State(null));
  }
}
