package dev.o2c.payment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whose payment it is, from what its tokens name, in plain Java. An invoice number or an order id
 * outranks an order's external reference: only when no token names an invoice or order by number
 * or id do external references count. Within the rank that decides, the customers named must be
 * one: a token naming invoices or orders of two customers — or two tokens naming two customers —
 * attributes nothing, and the payment waits, with the candidates, for a person.
 */
public final class Attributions {

  private Attributions() {}

  /** How strongly a token names an invoice. */
  public enum Rank {
    /** An invoice number or an order id: one invoice. */
    PRIMARY,
    /** An order's external reference: the customer's own, not unique. */
    EXTERNAL
  }

  /** A customer a token names, and how. */
  public record Hit(String token, String customerId, Rank rank) {}

  /** The customer (null: none) and how it was found. */
  public record Outcome(String customerId, Attribution attribution) {}

  public static Outcome decide(List<Hit> hits) {
    for (Rank rank : Rank.values()) {
      Map<String, String> customers = new LinkedHashMap<>(); // customer -> first token naming it
      for (Hit hit : hits) {
        if (hit.rank() == rank) {
          customers.putIfAbsent(hit.customerId(), hit.token());
        }
      }
      if (customers.size() == 1) {
        Map.Entry<String, String> only = customers.entrySet().iterator().next();
        return new Outcome(only.getKey(), new Attribution(Attribution.Method.REFERENCE, only.getValue()));
      }
      if (customers.size() > 1) {
        Set<String> tokens = new LinkedHashSet<>(customers.values());
        return new Outcome(null, new Attribution(Attribution.Method.AMBIGUOUS_REFERENCE, String.join(" ", tokens),
            new ArrayList<>(customers.keySet())));
      }
    }
    return new Outcome(null, Attribution.NONE);
  }
}
