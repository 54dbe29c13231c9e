package dev.o2c.infra;

import java.util.Map;

/**
 * Why an entity refused a command, as data: the HTTP layer turns the kind into a status code and
 * the details into problem extension members (the current status of an order, say).
 */
public record Rejection(Kind kind, String detail, Map<String, String> details) implements CborSerializable {

  /** The kinds of refusal, each with its HTTP status. */
  public enum Kind {
    /** A field is not valid in the light of the entity's state; details name the fields. 400. */
    INVALID,
    /** The entity does not exist (for this tenant). 404. */
    NOT_FOUND,
    /** It exists already and the request would create it again. 409. */
    ALREADY_EXISTS,
    /** The command is not allowed in the entity's current state. 409. */
    ILLEGAL_TRANSITION,
    /** A request with this Idempotency-Key is still being processed. 409. */
    IN_FLIGHT,
    /** Another change of the same entity is in progress (an approval); retry shortly. 409. */
    IN_PROGRESS,
    /** The Idempotency-Key was used before with a different request. 422. */
    KEY_REUSED,
    /** Well-formed but impossible (unknown customer, blocked customer, currency mismatch). 422. */
    UNPROCESSABLE,
    /** Another entity did not answer in time; safe to retry. 503. */
    UNAVAILABLE
  }

  public Rejection {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static Rejection of(Kind kind, String detail) {
    return new Rejection(kind, detail, Map.of());
  }
}
