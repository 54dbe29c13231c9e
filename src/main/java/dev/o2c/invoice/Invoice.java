package dev.o2c.invoice;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An invoice: issued once per order (its id is made from the order's, so a replayed order event
 * can never make a second one), numbered, and then a record of what the customer's account
 * decided about it — payments, credit notes, write-offs, a void, dunning steps — each recorded
 * once however often it is delivered.
 */
public final class Invoice extends EventSourcedBehaviorWithEnforcedReplies<Invoice.Command, Invoice.Event, InvoiceState> {

  public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Invoice");

  /** What an invoice is asked to do. */
  public sealed interface Command extends CborSerializable {}

  /** Issue the invoice (again: the existing invoice is the answer). */
  public record Issue(InvoiceDraft draft, ActorRef<InvoiceResult> replyTo) implements Command {}

  public record Get(ActorRef<InvoiceResult> replyTo) implements Command {}

  /** Record an application the account decided (idempotent by its id). */
  public record RecordApplication(Application application, ActorRef<InvoiceResult> replyTo) implements Command {}

  /** Record that the account voided the invoice. */
  public record RecordVoid(String reason, String by, Instant at, ActorRef<InvoiceResult> replyTo) implements Command {}

  /** Record a dunning step the account took (ignored unless higher than the current one). */
  public record RecordDunning(DunningLevel level, long daysOverdue, Instant at, ActorRef<InvoiceResult> replyTo) implements Command {}

  /** The number for an issue arrived (internal). */
  public record NumberAllocated(Issue issue, String number, String failure) implements Command {}

  /** What happened to an invoice; every event is tagged for the projections. */
  public sealed interface Event extends CborSerializable {}

  public record Issued(
      String invoiceId, String invoiceNumber, String orderId, String customerId, String externalReference, String currency,
      List<InvoiceLine> lines, BigDecimal subtotal, BigDecimal tax, BigDecimal total, LocalDate issuedOn, LocalDate dueOn,
      Instant at) implements Event {
    public Issued {
      lines = List.copyOf(lines);
    }
  }

  public record Applied(Application application) implements Event {}

  public record Voided(String reason, String by, Instant at) implements Event {}

  public record DunningRaised(DunningLevel level, long daysOverdue, Instant at) implements Event {}

  /** What an invoice needs besides its events. */
  public record Dependencies(BusinessClock clock, InvoiceNumbers numbers, InvoicingSettings settings) {}

  /** The invoice id of an order: made from the order's id, so one order has one invoice. */
  public static String idFor(String orderId) {
    return "inv_" + (orderId.startsWith("ord_") ? orderId.substring(4) : orderId);
  }

  private final String tenantId;
  private final String invoiceId;
  private final String tag;
  private final ActorContext<Command> context;
  private final Dependencies deps;
  private boolean numbering;

  public static Behavior<Command> create(String entityId, Dependencies deps) {
    return Behaviors.setup(context -> new Invoice(entityId, context, deps));
  }

  private Invoice(String entityId, ActorContext<Command> context, Dependencies deps) {
    super(
        PersistenceId.of(KEY.name(), entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.tenantId = EntityIds.tenantOf(entityId);
    this.invoiceId = EntityIds.idOf(entityId);
    this.tag = "invoice-" + Math.floorMod(entityId.hashCode(), deps.settings().tagBuckets());
    this.context = context;
    this.deps = deps;
  }

  @Override
  public InvoiceState emptyState() {
    return InvoiceState.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  @Override
  public EventHandler<InvoiceState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(InvoiceState::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, InvoiceState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Issue.class, this::issue)
        .onCommand(NumberAllocated.class, this::numberAllocated)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), found(state)))
        .onCommand(RecordApplication.class, this::recordApplication)
        .onCommand(RecordVoid.class, this::recordVoid)
        .onCommand(RecordDunning.class, this::recordDunning)
        .build();
  }

  private ReplyEffect<Event, InvoiceState> issue(InvoiceState state, Issue cmd) {
    if (state.exists()) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    if (numbering) {
      return Effect().stash();
    }
    numbering = true;
    InvoiceDraft draft = cmd.draft();
    context.pipeToSelf(
        deps.numbers().next(tenantId, deps.settings().tenant(tenantId).numberPrefix(), draft.issuedOn().getYear()),
        (number, failure) -> new NumberAllocated(cmd, number, failure == null ? null : failure.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<Event, InvoiceState> numberAllocated(InvoiceState state, NumberAllocated msg) {
    numbering = false;
    Issue cmd = msg.issue();
    if (msg.failure() != null) {
      return Effect().reply(cmd.replyTo(), new InvoiceResult.Failed(Rejection.of(Rejection.Kind.UNAVAILABLE,
          "No invoice number could be allocated (" + msg.failure() + "); the invoice will be issued on the next attempt.")))
          .thenUnstashAll();
    }
    InvoiceDraft d = cmd.draft();
    Issued issued = new Issued(invoiceId, msg.number(), d.orderId(), d.customerId(), d.externalReference(), d.currency(), d.lines(),
        d.subtotal(), d.tax(), d.total(), d.issuedOn(), d.dueOn(), deps.clock().now());
    return Effect().persist(issued).thenReply(cmd.replyTo(), Invoice::found).thenUnstashAll();
  }

  private ReplyEffect<Event, InvoiceState> recordApplication(InvoiceState state, RecordApplication cmd) {
    if (numbering) {
      return Effect().stash();
    }
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    if (state.hasApplication(cmd.application().id())) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    return Effect().persist(new Applied(cmd.application())).thenReply(cmd.replyTo(), Invoice::found);
  }

  private ReplyEffect<Event, InvoiceState> recordVoid(InvoiceState state, RecordVoid cmd) {
    if (numbering) {
      return Effect().stash();
    }
    if (!state.exists() || state.voided()) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    return Effect().persist(new Voided(cmd.reason(), cmd.by(), cmd.at())).thenReply(cmd.replyTo(), Invoice::found);
  }

  private ReplyEffect<Event, InvoiceState> recordDunning(InvoiceState state, RecordDunning cmd) {
    if (numbering) {
      return Effect().stash();
    }
    if (!state.exists() || cmd.level().ordinal() <= state.dunningLevel().ordinal() || !state.status().isOpen()) {
      return Effect().reply(cmd.replyTo(), found(state));
    }
    return Effect().persist(new DunningRaised(cmd.level(), cmd.daysOverdue(), cmd.at())).thenReply(cmd.replyTo(), Invoice::found);
  }

  private static InvoiceResult found(InvoiceState state) {
    return state.exists()
        ? new InvoiceResult.Ok(InvoiceView.of(state))
        : new InvoiceResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such invoice."));
  }
}
