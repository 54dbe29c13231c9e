package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Event;
import java.util.List;
import java.util.function.Function;

/**
 * What the account decided about a command: the events to persist (none for a read or a refusal)
 * and the reply, made from the state after them. The entity turns a decision into its effect;
 * deciding needs no actor and is tested as plain Java.
 */
record Decision<R>(List<Event> events, Function<CustomerState, R> reply) {

  Decision {
    events = List.copyOf(events);
  }

  /** Nothing to persist; this answer. */
  static <R> Decision<R> reply(R answer) {
    return new Decision<>(List.of(), state -> answer);
  }

  static <R> Decision<R> persist(List<Event> events, Function<CustomerState, R> reply) {
    return new Decision<>(events, reply);
  }

  static <R> Decision<R> persist(Event event, Function<CustomerState, R> reply) {
    return new Decision<>(List.of(event), reply);
  }
}
